package dev.referee.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Reading only the records of some types (a restart reads only the inputs): the others are passed over, in order. */
class JournalReaderTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadOnlyTheWantedTypesInJournalOrder() throws IOException
    {
        final byte[] invite = "INVITE sip:bob@example.com SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] trying = "SIP/2.0 100 Trying\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 5060);
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 1 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            JournalEncoder.inputTick(sink.begin(), 1);
            sink.commit();
            JournalEncoder.outputSip(sink.begin(), 2, 0, peer, 0, new UnsafeBuffer(trying), 0, trying.length);
            sink.commit();
            JournalEncoder.inputSip(sink.begin(), 3, 0, peer, peer, 0, new UnsafeBuffer(invite), 0, invite.length);
            sink.commit();
            final long inviteIndex = sink.lastIndex();
            JournalEncoder.outputSip(sink.begin(), 4, 0, peer, 0, new UnsafeBuffer(trying), 0, trying.length);
            sink.commit();

            try (JournalReader reader = journal.newReader())
            {
                final JournalRecord tick = reader.next(RecordType::isInput);
                assertEquals(RecordType.INPUT_TICK, tick.type);
                assertEquals(1, tick.timeNs);
                final JournalRecord input = reader.next(RecordType::isInput);
                assertEquals(RecordType.INPUT_SIP, input.type);
                assertEquals(3, input.timeNs);
                assertEquals(inviteIndex, input.index);
                assertArrayEquals(invite, input.message);
                assertNull(reader.next(RecordType::isInput), "the last output passed over, then the end");
            }
            try (JournalReader reader = journal.newReader())
            {
                int all = 0;
                while (reader.next() != null)
                {
                    all++;
                }
                assertEquals(4, all, "next() still reads every record");
            }
        }
    }
}
