package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover (issue 9): three `referee run` processes, members of one Aeron Cluster on loopback, all configured with
 * the same SIP address; 200 SIPp calls through the leader; the leader frozen (SIGSTOP) for 200 ms, less than the heartbeat
 * timeout, stays the leader; then kill -9 of the leader while the calls are up; the killed member restarts and
 * follows, every member's journal replays, and the new leader is killed in its turn. Another member
 * is elected, binds the address and carries on: the callers' BYEs (retransmitted over the gap) end every call, both
 * SIPp parties complete all their calls, and the survivors drain to no call. A blind transfer's target rings across
 * the kill: it answers the next leader, which completes the transfer; new calls arrive at 20/s across the kill and
 * all complete, each callee getting each call once; calls go through again once the killed member is back. Media is
 * anchored: one call carries RTP
 * both ways between two phones of the test through the leader's relay, and again, on the same ports, through the new
 * leader's once the first is killed.
 */
@Tag("interop")
class ClusterFailoverInteropTest
{
    private static final int MEMBERS = 3;
    private static final int SIP_PORT = 26_060;
    private static final int ADMIN_PORT = 26_070;
    private static final int CLUSTER_PORT_BASE = 23_000;
    private static final int CALLS = 200;
    /** Calls placed at 20/s from just before the kill: some of them are in setup when it falls. */
    private static final int LATE_CALLS = 40;
    /** Calls of each kind whose in-dialog requests come after the kill (unhold from either side, the callee's BYE). */
    private static final int IN_DIALOG_CALLS = 5;
    /** How long after its set-up such a call sends them: past the kill and the next leader's election. */
    private static final String IN_DIALOG_AFTER_MS = "6000";
    /** Calls placed once the killed member is back as a follower. */
    private static final int REJOINED_CALLS = 20;
    /** Media anchored on every member, the leader's relay on these ports; the media call takes the first two pairs. */
    private static final int MEDIA_LOW = 24_800;
    private static final int MEDIA_HIGH = 25_999;
    private static final int ALICE = 0xA11CE;
    private static final int CAROL = 0xCA201;
    /** The transfer's target rings only after this long: the kill falls while its INVITE waits for an answer. */
    private static final String TARGET_RINGS_MS = "5000";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private final RefereeProcess[] members = new RefereeProcess[MEMBERS];

    @AfterEach
    void stop()
    {
        for (final RefereeProcess member : members)
        {
            if (member != null)
            {
                member.close();
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldCarryEstablishedCallsOverAKillNineOfTheLeader() throws Exception
    {
        final RefereeProcess lost;
        final int lostId;
        final int newLeader;
        final int bobPort;
        final Path dir = DUMP.workDir("referee-cluster-failover-");
        try (SippParties parties = new SippParties(DUMP); RtpPhone alice = RtpPhone.open();
            RtpPhone carol = RtpPhone.open())
        {
            bobPort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", dir.resolve("bob"))
                .calls(CALLS).globalTimeout(BOUND), CALLS).localPort();
            final int carolPort = parties.start(Sipp.uas("uas-answer-media-at-key-then-wait-bye.xml",
                dir.resolve("carol")).key("mport", Integer.toString(carol.port())).globalTimeout(BOUND), 1).localPort();
            // A blind transfer whose target rings across the kill: it waits TARGET_RINGS_MS before it rings, answers
            // 200 ms later, and must get the transferee's media as offer and an ACK without body (media anchored).
            final int targetPort = parties.start(Sipp.uas("uas-target-answer-transferees-offer-then-wait-bye.xml",
                dir.resolve("target")).arg("-d", TARGET_RINGS_MS).globalTimeout(BOUND), 1).localPort();
            // Calls whose in-dialog requests come after the kill, from either side: the caller's unhold re-INVITE
            // and BYE, the callee's unhold re-INVITE, the callee's BYE.
            final int holdPort = parties.start(Sipp.uas("uas-accept-hold-unhold.xml", dir.resolve("held-callee"))
                .calls(IN_DIALOG_CALLS).globalTimeout(BOUND), IN_DIALOG_CALLS).localPort();
            final int holdingPort = parties.start(Sipp.uas("uas-hold-unhold-from-callee.xml",
                dir.resolve("holding-callee")).arg("-d", IN_DIALOG_AFTER_MS).calls(IN_DIALOG_CALLS)
                .globalTimeout(BOUND), IN_DIALOG_CALLS).localPort();
            final int hangingUpPort = parties.start(Sipp.uas("uas-bye-from-callee.xml", dir.resolve("bye-callee"))
                .arg("-d", IN_DIALOG_AFTER_MS).calls(IN_DIALOG_CALLS).globalTimeout(BOUND), IN_DIALOG_CALLS)
                .localPort();
            // A call in setup when the leader falls: its callee's 200 may reach the dead leader only, and the next
            // leader retransmits the INVITE (Timer A) after that 200, as RFC 3261 has it. A phone answers the
            // retransmission with its 200 again; SIPp does that only without a 180 before the 200 (it remembers one
            // answer per request), so these callees answer at once (CI, 2026-12-05: a callee with a 180 first took the
            // retransmitted INVITE as unexpected and aborted its call).
            // Twice the bound: started now, its calls come last (after the members' start and the kill) and each
            // lingers 16 s after its BYE for retransmissions. In CI on 2026-12-07 the members took 15 s to start and
            // SIPp's 60 s ended with 29 calls answered, hung up and still lingering, counted as not successful.
            final int latePort = parties.start(Sipp.uas("uas-answer-tolerate-retransmissions.xml",
                dir.resolve("late-callee"))
                .calls(LATE_CALLS).globalTimeout(BOUND.multipliedBy(2)), LATE_CALLS).localPort();
            final int transferorPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml",
                dir.resolve("transferor")).key("target", "target").globalTimeout(BOUND), 1).localPort();
            // Launched together: each warms up (the default warm-up) before it joins the others.
            for (int id = 0; id < MEMBERS; id++)
            {
                members[id] = RefereeProcess.launchClusterMember(Files.createDirectories(dir.resolve("member-" + id)),
                    bobPort, List.of(new RefereeProcess.Route("carol", carolPort),
                        new RefereeProcess.Route("target", targetPort),
                        new RefereeProcess.Route("transferor", transferorPort),
                        new RefereeProcess.Route("late", latePort), new RefereeProcess.Route("held", holdPort),
                        new RefereeProcess.Route("holding", holdingPort),
                        new RefereeProcess.Route("hangingup", hangingUpPort)), SIP_PORT, ADMIN_PORT + id,
                    clusterYaml(id, dir) + RefereeProcess.mediaYaml(MEDIA_LOW, MEDIA_HIGH, ""));
                DUMP.always(members[id]::describe);
            }
            for (final RefereeProcess member : members)
            {
                member.awaitStarted();
            }
            final int leader = awaitLeader(-1);

            // First a call with RTP both ways through the leader's relay (its legs take the first two pairs).
            parties.start(Sipp.uac("uac-call-media-at-key.xml", dir.resolve("alice-media")).remote(SIP_PORT)
                .service("carol").key("mport", Integer.toString(alice.port())).holdMs(20_000).globalTimeout(BOUND), 1);
            alice.streamTo(MEDIA_LOW, ALICE);
            carol.streamTo(MEDIA_LOW + 2, CAROL);
            RtpPhone.talk(Duration.ofSeconds(10), () -> alice.heard(CAROL).size() >= 25 &&
                carol.heard(ALICE).size() >= 25, alice, carol);
            assertTrue(alice.heard(CAROL).size() >= 25 && carol.heard(ALICE).size() >= 25,
                "media through the leader's relay: " + alice.heard(CAROL).size() + " and " + carol.heard(ALICE).size());

            parties.start(Sipp.uac("uac-basic-call.xml", dir.resolve("alice")).remote(SIP_PORT).service("bob")
                .calls(CALLS).rate(20).holdMs(16_000).globalTimeout(BOUND), CALLS);
            // Every call established end to end: each callee has its ACK (a call still in setup is another case): the
            // basic calls and the media call.
            assertTrue(Ports.await(() -> acksSent(members[leader].status().raw()) == CALLS + 1,
                Duration.ofSeconds(30)),
                () -> members[leader].status().raw());
            parties.start(Sipp.uac("uac-hold-unhold.xml", dir.resolve("holding-caller")).remote(SIP_PORT)
                .service("held").calls(IN_DIALOG_CALLS).rate(10).holdMs(Long.parseLong(IN_DIALOG_AFTER_MS))
                .globalTimeout(BOUND), IN_DIALOG_CALLS);
            parties.start(Sipp.uac("uac-accept-hold-unhold.xml", dir.resolve("held-caller")).remote(SIP_PORT)
                .service("holding").calls(IN_DIALOG_CALLS).rate(10).globalTimeout(BOUND), IN_DIALOG_CALLS);
            parties.start(Sipp.uac("uac-expect-bye-from-callee.xml", dir.resolve("hung-up-caller")).remote(SIP_PORT)
                .service("hangingup").calls(IN_DIALOG_CALLS).rate(10).globalTimeout(BOUND), IN_DIALOG_CALLS);
            // The transferee calls the transferor, who REFERs it to the target at once: the target's INVITE goes out
            // before the kill, its 180 and 200 come to the next leader, which joins the transferee to it.
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir.resolve("transferee"))
                .remote(SIP_PORT).service("transferor").holdMs(1_000).globalTimeout(BOUND), 1);
            // (At least: a hold's re-INVITE, from either side, has ACKs of its own.)
            assertTrue(Ports.await(() -> acksSent(members[leader].status().raw()) >= CALLS + 2 + 3 * IN_DIALOG_CALLS,
                Duration.ofSeconds(10)), () -> members[leader].status().raw());

            // Frozen for less than the heartbeat timeout (SIGSTOP 200 ms of 500 ms), the leader stays the leader.
            final long term = term(members[leader].status().raw());
            members[leader].pause(Duration.ofMillis(200));
            Thread.sleep(1_000); // two heartbeat timeouts: an election would have happened by now
            for (final RefereeProcess member : members)
            {
                final String status = member.status().raw();
                assertEquals(term, term(status), () -> "no new term after a 200 ms stop: " + status);
                assertTrue(status.contains("\"leader\":" + leader + ","), status);
            }

            // New calls keep arriving at 20/s across the kill: those in setup when it falls reach their final
            // response through the next leader (the callers' and callees' retransmissions bridge the gap), each
            // callee gets each call once.
            parties.start(Sipp.uac("uac-basic-call.xml", dir.resolve("late-caller")).remote(SIP_PORT).service("late")
                .calls(LATE_CALLS).rate(20).holdMs(1_000).globalTimeout(BOUND), LATE_CALLS);
            Thread.sleep(600);
            final long killedAtNs = System.nanoTime();
            lost = members[leader];
            lostId = leader;
            lost.kill9();
            members[leader] = null;
            final long answeredAtNs = OptionsProbe.answeredWithin(SIP_PORT, Duration.ofSeconds(20));
            assertTrue(answeredAtNs > 0, "a new leader answers on the service address");
            System.out.printf("service back %d ms after kill -9 of the leader%n",
                TimeUnit.NANOSECONDS.toMillis(answeredAtNs - killedAtNs));
            newLeader = awaitLeader(leader);
            assertTrue(newLeader != leader);
            members[newLeader].logTail(40).lines().filter(line -> line.contains(" leads: "))
                .forEach(System.out::println); // the new leader's own part of the time

            // The new leader's relay opened the engine's endpoints on the same ports: the phones, still sending to
            // the pairs their SDP named, hear each other again.
            RtpPhone.talk(Duration.ofSeconds(10), () -> heardSince(alice, CAROL, killedAtNs) >= 25 &&
                heardSince(carol, ALICE, killedAtNs) >= 25, alice, carol);
            assertTrue(heardSince(alice, CAROL, killedAtNs) >= 25 && heardSince(carol, ALICE, killedAtNs) >= 25,
                "media again on the same ports after the kill: " + heardSince(alice, CAROL, killedAtNs) + " and " +
                heardSince(carol, ALICE, killedAtNs));
            System.out.printf("media relayed again %d ms after kill -9 of the leader%n", TimeUnit.NANOSECONDS.toMillis(
                alice.heard(CAROL).stream().mapToLong(RtpPhone.Heard::atNs).filter(at -> at > killedAtNs).min()
                .orElseThrow() - killedAtNs));

            parties.assertAllSucceeded(BOUND);
        }
        final String year = "\"start\":\"" + Year.now(ZoneOffset.UTC);
        for (final RefereeProcess member : members)
        {
            if (member != null)
            {
                assertEquals(0, member.awaitCallsEnded(Duration.ofSeconds(20)).activeCalls(), member.status()::raw);
                // Every member writes the call records of what its engine applied: each call, the ones carried over
                // the kill too (the basic calls, the media call, the transfer's new call, the calls placed across
                // the kill, those the caller unholds or holds after it), has its two lines ended by the caller, with
                // wall-clock times; those the callee hangs up after the kill, by the callee.
                assertTrue(Ports.await(() -> member.callRecordLines().stream()
                    .filter(line -> line.contains("\"cause\":\"caller-bye\"") && line.contains(year)).count() ==
                    2L * (CALLS + 2 + LATE_CALLS + 2 * IN_DIALOG_CALLS), Duration.ofSeconds(10)),
                    () -> "call records: " + member.callRecordLines());
                assertEquals(2L * IN_DIALOG_CALLS, member.callRecordLines().stream()
                    .filter(line -> line.contains("\"cause\":\"callee-bye\"")).count(),
                    () -> "call records: " + member.callRecordLines());
                // The transfer whose target rang across the kill completed: the transferee's first call ends
                // transferred, and its new call with the target (counted above) ended with the transferee's BYE.
                assertEquals(2, member.callRecordLines().stream().filter(line ->
                    line.contains("\"cause\":\"transferred\"") && line.contains("\"outcome\":\"completed\"")).count(),
                    () -> "call records: " + member.callRecordLines());
            }
        }

        // The killed member comes back: it replays the log and follows; every member's journal, the one cut by the
        // kill -9 too, replays as the ops tools check it. Then the new leader is killed in its turn.
        members[lostId] = lost;
        lost.restart();
        final RefereeProcess follower = lost;
        final long leaderPosition = applied(members[newLeader].status().raw());
        assertTrue(Ports.await(() -> follower.status().raw().contains("\"role\":\"follower\"") &&
            applied(follower.status().raw()) >= leaderPosition, Duration.ofSeconds(20)), follower.status()::raw);
        // With the member back, calls go through as before (the callee on Bob's port again, his first run over).
        try (SippParties parties = new SippParties(DUMP))
        {
            parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", dir.resolve("bob-again")).port(bobPort)
                .calls(REJOINED_CALLS).globalTimeout(BOUND), REJOINED_CALLS);
            parties.start(Sipp.uac("uac-basic-call.xml", dir.resolve("alice-again")).remote(SIP_PORT).service("bob")
                .calls(REJOINED_CALLS).rate(20).holdMs(500).globalTimeout(BOUND), REJOINED_CALLS);
            parties.assertAllSucceeded(BOUND);
        }
        for (final RefereeProcess member : members)
        {
            final String replay = JournalTool.run(member.journalDir(), "replay");
            assertTrue(replay.startsWith("replay OK: "), replay);
        }
        final long secondKillAtNs = System.nanoTime();
        members[newLeader].kill9();
        members[newLeader] = null;
        final long secondAnswerNs = OptionsProbe.answeredWithin(SIP_PORT, Duration.ofSeconds(20));
        assertTrue(secondAnswerNs > 0, "a third leader answers on the service address");
        System.out.printf("service back %d ms after kill -9 of the second leader%n",
            TimeUnit.NANOSECONDS.toMillis(secondAnswerNs - secondKillAtNs));
        assertTrue(awaitLeader(newLeader) != newLeader);
    }

    /** Packets of stream {@code ssrc} {@code phone} heard after {@code sinceNs}. */
    private static long heardSince(final RtpPhone phone, final int ssrc, final long sinceNs)
    {
        return phone.heard(ssrc).stream().filter(h -> h.atNs() > sinceNs).count();
    }

    /**
     * The log position of the last input a member applied, from its raw /status: -1 while a member started again has
     * not joined yet (CI, 2026-12-07: a pattern of digits only failed the wait on that -1 instead of waiting on).
     */
    private static long applied(final String status)
    {
        final Matcher position = Pattern.compile("\"commitPosition\":(-?\\d+)").matcher(status);
        assertTrue(position.find(), status);
        return Long.parseLong(position.group(1));
    }

    private int awaitLeader(final int lost)
    {
        final int[] leader = {-1};
        assertTrue(Ports.await(() ->
        {
            for (int id = 0; id < MEMBERS; id++)
            {
                if (id != lost && members[id] != null && members[id].status().raw().contains("\"role\":\"leader\""))
                {
                    leader[0] = id;
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(30)), "a leader elected");
        return leader[0];
    }

    /** The leadership term a member's raw /status gives. */
    private static long term(final String status)
    {
        final Matcher term = Pattern.compile("\"term\":(\\d+)").matcher(status);
        assertTrue(term.find(), status);
        return Long.parseLong(term.group(1));
    }

    /** ACKs Referee sent (to the callees), from the raw /status. */
    private static long acksSent(final String status)
    {
        final Matcher ack = Pattern.compile("\"messagesOut\":\\{\"requests\":\\{[^}]*\"ACK\":(\\d+)").matcher(status);
        return ack.find() ? Long.parseLong(ack.group(1)) : 0;
    }

    private static String clusterYaml(final int member, final Path dir)
    {
        return RefereeProcess.clusterYaml(member, MEMBERS, CLUSTER_PORT_BASE, dir);
    }
}
