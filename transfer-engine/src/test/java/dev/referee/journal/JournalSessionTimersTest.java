package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.SipConfig;
import dev.referee.engine.id.IdKey;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code sip.session-expires} and {@code sip.min-se} go in node-start (version 5, after the trunks' auth): a journal
 * replays with the session timers it was made with; a version 5 node-start written before they were recorded ends
 * before them and replays with the defaults, the values fixed then.
 */
class JournalSessionTimersTest
{
    private static final IdKey KEY = new IdKey(7, 11);

    private static EngineConfig withSessionTimers(final EngineConfig config, final int sessionExpiresS,
        final int minSeS)
    {
        return new EngineConfig(config.listen(), config.routes(), config.t1Ns(), config.t2Ns(), config.t4Ns(),
            config.maxCalls(), config.userAgent(), config.seed(), config.idKey(), config.transfer(), config.redirect(),
            config.trunks(), config.webhook(), config.maxTransactions(), config.behaviour(), sessionExpiresS, minSeS);
    }

    private static byte[] nodeStart(final EngineConfig config)
    {
        final MemorySink sink = new MemorySink();
        JournalEncoder.nodeStart(sink.begin(), 1, 2, config);
        sink.commit();
        return sink.records().poll();
    }

    /** JournalEncoder.media: a flag, two texts (u16 length and bytes), two ports, two timeouts, a flag. */
    private static int mediaSectionBytes(final EngineConfig config)
    {
        final String advertise = config.media().advertise() == null ? "" :
            config.media().advertise().getHostAddress();
        return 1 + Short.BYTES + config.media().address().getHostAddress().length() + Short.BYTES +
            advertise.length() + 2 * Integer.BYTES + 2 * Long.BYTES + 1;
    }

    @Test
    void shouldReplayWithTheSessionTimersTheJournalWasMadeWith()
    {
        final JournalRecord record = JournalDecoder.decode(nodeStart(withSessionTimers(SyntheticCalls.config(KEY),
            600, 120)));
        assertEquals(600, record.config.sessionExpiresS());
        assertEquals(120, record.config.minSeS());
    }

    @Test
    void shouldTakeTheDefaultsForANodeStartWrittenBeforeThem()
    {
        final EngineConfig config = withSessionTimers(SyntheticCalls.config(KEY), 600, 120);
        final byte[] whole = nodeStart(config);
        // A version 5 record of then: today's less the media section (version 7) and the session timers.
        whole[1] = 5;
        final JournalRecord record = JournalDecoder.decode(
            Arrays.copyOf(whole, whole.length - mediaSectionBytes(config) - 2 * Integer.BYTES));
        assertEquals(SipConfig.DEFAULT_SESSION_EXPIRES_S, record.config.sessionExpiresS());
        assertEquals(SipConfig.DEFAULT_MIN_SE_S, record.config.minSeS());
        assertEquals(KEY, record.config.idKey(), "everything before them read as before");
    }
}
