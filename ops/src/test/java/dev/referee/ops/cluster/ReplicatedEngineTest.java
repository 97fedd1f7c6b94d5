package dev.referee.ops.cluster;

import dev.referee.config.ConfigSection;
import dev.referee.engine.Engine;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalVerifier;
import dev.referee.journal.RecordType;
import dev.referee.journal.SyntheticRecordings;
import dev.referee.pipeline.SipSender;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine replicated by a real Aeron Cluster of three members on loopback (issue 9): the inputs of ten recorded
 * blind transfers go into the log through a cluster client, every member's engine applies them and makes the same
 * messages, only the leader's reach the network; the leader is then stopped in the middle of the calls, the other
 * two elect a new one, the rest of the inputs go in, and the calls end on both survivors as one.
 */
class ReplicatedEngineTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int MEMBERS = 3;

    @TempDir
    Path dir;

    /** The inputs of ten blind transfers. SPARSE: T1 500 ms, so an election's second expires no transaction. */
    private static final List<byte[]> INPUTS = SyntheticRecordings.blindTransferRecords(10, 42,
        SyntheticRecordings.SPARSE).stream().filter(ReplicatedEngineTest::isInputOrNodeStart).toList();

    private final ReplicatedEngine[] services = new ReplicatedEngine[MEMBERS];
    private final Outputs[] outputs = new Outputs[MEMBERS];
    private final AtomicLong[] sentToNetwork = new AtomicLong[MEMBERS];
    private final ClusterMember[] members = new ClusterMember[MEMBERS];
    private final MemberJournal[] journals = new MemberJournal[MEMBERS];
    private ClusterIngress ingress;

    /** What one member's engine did: every message it made, and those that reached the network. */
    private static final class Outputs implements SipSender
    {
        final SipSender gate;
        final CRC32 digest = new CRC32();
        final AtomicLong made = new AtomicLong();

        Outputs(final SipSender gate)
        {
            this.gate = gate;
        }

        @Override
        public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
            final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            synchronized (digest)
            {
                digest.update(bytes);
            }
            made.incrementAndGet();
            return gate.send(transport, destination, connectionId, buffer, offset, length);
        }

        long digest()
        {
            synchronized (digest)
            {
                return digest.getValue();
            }
        }
    }

    @AfterEach
    void stop()
    {
        if (ingress != null)
        {
            ingress.close();
        }
        for (int id = 0; id < MEMBERS; id++)
        {
            if (members[id] != null)
            {
                stop(id);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldApplyTheSameInputsOnEveryMemberAndCarryTheCallsOverTheLossOfTheLeader() throws Exception
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            start(id);
        }
        final int leader = awaitLeader(-1);
        connectClientThrough((leader + 1) % MEMBERS); // a follower's driver: the client must outlive the leader's

        // Split in the middle of the sixth transfer (14 SIP inputs each): a call up when the leader goes.
        final int half = indexOfSipInput(INPUTS, 5 * 14 + 7);
        offer(INPUTS.subList(0, half));
        // The node-start record builds the engine and is no input of its own.
        awaitApplied(half - 1, 0, 1, 2);
        assertTrue(sentToNetwork[leader].get() > 0, "the leader's engine reached the network");
        for (int id = 0; id < MEMBERS; id++)
        {
            assertEquals(outputs[leader].made.get(), outputs[id].made.get(), "messages made by member " + id);
            assertEquals(outputs[leader].digest(), outputs[id].digest(), "the same bytes on member " + id);
            if (id != leader)
            {
                assertEquals(0, sentToNetwork[id].get(), "a follower sends nothing");
            }
        }
        final long activeMidway = services[leader].engine().activeCalls();

        stop(leader);
        final int newLeader = awaitLeader(leader);
        awaitClientFollows(newLeader);
        final long sentBeforeByNewLeader = sentToNetwork[newLeader].get();
        offer(INPUTS.subList(half, INPUTS.size()));

        final int survivor = otherThan(leader, newLeader);
        awaitApplied(INPUTS.size() - 1, newLeader, survivor);
        assertTrue(activeMidway > 0, "the leader was lost in the middle of calls");
        assertEquals(0, services[newLeader].engine().activeCalls(), "every call ended on the new leader");
        assertEquals(0, services[survivor].engine().activeCalls(), "every call ended on the other survivor");
        assertEquals(outputs[newLeader].digest(), outputs[survivor].digest(), "the survivors made the same bytes");
        assertTrue(sentToNetwork[newLeader].get() > sentBeforeByNewLeader, "the new leader reached the network");
        assertEquals(0, sentToNetwork[survivor].get(), "the follower sent nothing");
        assertEquals(0, ingress.refused(), "no input was given up");

        // The lost member comes back: it replays the log from its start and rejoins as a follower, its engine made
        // the same messages as the others, and it sends none of them.
        start(leader);
        awaitApplied(INPUTS.size() - 1, leader);
        assertFalse(services[leader].leading(), "the member that came back follows");
        assertEquals(0, services[leader].engine().activeCalls());
        assertEquals(outputs[newLeader].digest(), outputs[leader].digest(), "the same bytes replayed");
        assertEquals(0, sentToNetwork[leader].get(), "a member catching up sends nothing");

        // Every member's own journal holds the same inputs and outputs: a follower's replays to the leader's, and the
        // member that came back appended only what it had not journaled before it stopped.
        final List<String> newLeaderJournal = journal(newLeader);
        assertTrue(newLeaderJournal.size() > INPUTS.size(), "inputs and outputs journaled");
        assertTrue(newLeaderJournal.stream().anyMatch(record -> record.startsWith(RecordType.CALL_ENDED + ":")),
            "the engine's events journaled");
        assertSameJournal(newLeaderJournal, journal(survivor), "the follower's journal");
        final List<String> cameBack = journal(leader);
        assertEquals(1, cameBack.stream().filter(ReplicatedEngineTest::isRecoveredMark).count(),
            "a restart's mark in the journal of the member that came back");
        assertSameJournal(newLeaderJournal, withoutRecoveredMarks(cameBack),
            "the journal of the member that came back");
        assertReplaysExactly(leader);
        assertReplaysExactly(survivor);
    }

    /**
     * A snapshot taken while transfers are under way: a member restarted after it starts from the snapshot (the
     * engine's state and the count of inputs) and applies only the log after it, ending in the same state as the
     * others.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRestartAMemberFromASnapshotTakenInTheMiddleOfCalls() throws Exception
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            start(id);
        }
        final int leader = awaitLeader(-1);
        final int follower = (leader + 1) % MEMBERS;
        connectClientThrough(leader);
        final int part = indexOfSipInput(INPUTS, 5 * 14 + 7);
        offer(INPUTS.subList(0, part));
        awaitApplied(part - 1, 0, 1, 2);
        final long activeAtSnapshot = services[leader].engine().activeCalls();

        assertTrue(members[leader].requestSnapshot(), "snapshot requested");
        awaitTrue(() -> members[0].snapshotsRecorded() == 1 && members[1].snapshotsRecorded() == 1 &&
            members[2].snapshotsRecorded() == 1, () -> "every member recorded the snapshot");
        assertEquals(1, services[follower].snapshotsTaken(), "the follower's service wrote it");
        // A few more inputs, journaled by the follower too, before it stops: its replay after the restart starts at
        // the snapshot, before them.
        final int beforeStop = indexOfSipInput(INPUTS, 7 * 14);
        offer(INPUTS.subList(part, beforeStop));
        awaitApplied(beforeStop - 1, 0, 1, 2);
        stop(follower);
        offer(INPUTS.subList(beforeStop, INPUTS.size()));
        start(follower);

        awaitApplied(INPUTS.size() - 1, 0, 1, 2);
        assertTrue(activeAtSnapshot > 0, "the snapshot holds calls under way");
        assertTrue(outputs[follower].made.get() < outputs[leader].made.get(),
            "the restarted member replayed only what came after the snapshot");
        assertEquals(0, services[follower].engine().activeCalls(), "the calls of the snapshot ended");
        assertArrayEquals(EngineSnapshot.take(services[leader].engine()),
            EngineSnapshot.take(services[follower].engine()), "the same engine state as the leader's");
        final List<String> leaderJournal = journal(leader);
        assertTrue(leaderJournal.stream().anyMatch(record -> record.startsWith(RecordType.SNAPSHOT + ":")),
            "the cluster's snapshot is in the journal");
        assertSameJournal(leaderJournal, withoutRecoveredMarks(journal(follower)),
            "the restarted member's journal: what it replayed after the snapshot and held already is not in it twice");
        assertReplaysExactly(follower);
    }

    /** The ops tools' check (`referee journal verify`) on member {@code id}'s journal: its replay makes its outputs. */
    private void assertReplaysExactly(final int id) throws Exception
    {
        try (Journal journal = Journal.openReadOnly(dir.resolve("journal-" + id));
            JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), () -> "member " + id + "'s journal replays: " + result.divergence());
            assertTrue(result.outputs() > 0 && result.events() > 0, "its outputs and events compared");
        }
    }

    // ---- members and the client ------------------------------------------------------------------------------------

    private void start(final int id) throws Exception
    {
        sentToNetwork[id] = new AtomicLong();
        final SipSender network = (transport, destination, connectionId, buffer, offset, length) ->
            sentToNetwork[id].incrementAndGet() > 0;
        services[id] = new ReplicatedEngine((config, sender, events, webhooks) ->
        {
            outputs[id] = new Outputs(sender);
            return new Engine(config, outputs[id], new EngineCounters(), events, webhooks);
        }, network, journals[id] = MemberJournal.open(dir.resolve("journal-" + id), JournalConfig.defaults()),
            EngineEvents.NONE, WebhookRequests.NONE, role -> { }, () -> { });
        members[id] = ClusterMember.start(config(id), services[id], Throwable::printStackTrace, () -> { });
    }

    private void stop(final int id)
    {
        members[id].close();
        members[id] = null;
        journals[id].close();
        journals[id] = null;
    }

    /** The same records in the same order; else where they part (the whole lists are thousands of lines). */
    private static void assertSameJournal(final List<String> expected, final List<String> actual, final String what)
    {
        int at = 0;
        while (at < expected.size() && at < actual.size() && expected.get(at).equals(actual.get(at)))
        {
            at++;
        }
        final int parted = at;
        assertTrue(parted == expected.size() && parted == actual.size(), () -> what + ": " + actual.size() +
            " records for " + expected.size() + ", parting at record " + parted + " (" +
            (parted < expected.size() ? expected.get(parted) : "end") + " expected, " +
            (parted < actual.size() ? actual.get(parted) : "end") + " found)");
    }

    private static boolean isRecoveredMark(final String record)
    {
        return record.startsWith(RecordType.RECOVERED + ":");
    }

    private static List<String> withoutRecoveredMarks(final List<String> journal)
    {
        return journal.stream().filter(record -> !isRecoveredMark(record)).toList();
    }

    /** Member {@code id}'s journal, one line per record: type, engine time, a checksum of its message. */
    private List<String> journal(final int id) throws Exception
    {
        final List<String> records = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(dir.resolve("journal-" + id));
            JournalReader reader = journal.newReader())
        {
            for (JournalRecord record = reader.next(); record != null; record = reader.next())
            {
                final CRC32 crc = new CRC32();
                if (record.message != null)
                {
                    crc.update(record.message);
                }
                records.add(record.type + ":" + record.timeNs + ":" + crc.getValue());
            }
        }
        return records;
    }

    private void connectClientThrough(final int id) throws Exception
    {
        ingress = ClusterIngress.connect(config(id), members[id].aeronDirectory());
    }

    /** What a client offers before it hears of a new leader goes to the dead one (SIP retransmits it). */
    private void awaitClientFollows(final int leader)
    {
        awaitTrue(() ->
        {
            ingress.poll();
            return ingress.leaderMemberId() == leader;
        }, () -> "the client follows member " + leader + " (it offers to " + ingress.leaderMemberId() + ")");
    }

    private void awaitApplied(final long inputs, final int... ids)
    {
        awaitTrue(() -> Arrays.stream(ids).allMatch(id -> services[id].inputsApplied() == inputs),
            () -> "members " + Arrays.toString(ids) + " applied " + inputs + " inputs (applied: " +
            Arrays.stream(ids).mapToObj(id -> Long.toString(services[id].inputsApplied())).toList() + ")");
    }

    private void offer(final List<byte[]> records)
    {
        for (final byte[] record : records)
        {
            assertTrue(ingress.offer(record), "offered");
        }
    }

    /** Where the {@code n}th SIP input (from 0) is in {@code records}. */
    private static int indexOfSipInput(final List<byte[]> records, final int n)
    {
        int seen = 0;
        for (int i = 0; i < records.size(); i++)
        {
            if (records.get(i)[0] == RecordType.INPUT_SIP && seen++ == n)
            {
                return i;
            }
        }
        throw new IllegalArgumentException("fewer than " + n + " SIP inputs");
    }

    private static boolean isInputOrNodeStart(final byte[] record)
    {
        final int type = record[0] & 0xFF;
        return type == RecordType.NODE_START || type == RecordType.INPUT_SIP || type == RecordType.INPUT_TICK;
    }

    private int awaitLeader(final int lost)
    {
        final int[] leader = {-1};
        awaitTrue(() ->
        {
            if (ingress != null)
            {
                ingress.poll();
            }
            int leaders = 0;
            for (int id = 0; id < services.length; id++)
            {
                if (id != lost && services[id].leading())
                {
                    leader[0] = id;
                    leaders++;
                }
            }
            return leaders == 1;
        }, () -> "one leader elected");
        assertNotEquals(lost, leader[0]);
        return leader[0];
    }

    private static int otherThan(final int a, final int b)
    {
        for (int id = 0; id < MEMBERS; id++)
        {
            if (id != a && id != b)
            {
                return id;
            }
        }
        throw new IllegalArgumentException();
    }

    private void awaitTrue(final BooleanSupplier condition, final Supplier<String> what)
    {
        final long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, () -> "timed out waiting until " + what.get() + threads());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static String threads()
    {
        final StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) ->
        {
            out.append("\n").append(thread.getName()).append(' ').append(thread.getState());
            for (int i = 0; i < Math.min(12, stack.length); i++)
            {
                out.append("\n    ").append(stack[i]);
            }
        });
        return out.toString();
    }

    private ClusterConfig config(final int member) throws Exception
    {
        final String yaml = "cluster:\n  member: " + member + "\n  members:\n" +
            "    - {id: 0, host: \"127.0.0.1\", port-base: 21000}\n" +
            "    - {id: 1, host: \"127.0.0.1\", port-base: 21100}\n" +
            "    - {id: 2, host: \"127.0.0.1\", port-base: 21200}\n" +
            "  dir: \"" + dir.resolve("member-" + member) + "\"\n  heartbeat-timeout: 500ms\n";
        return ClusterConfig.read(ConfigSection.document(new StringReader(yaml), "test.yaml").get("cluster"));
    }
}
