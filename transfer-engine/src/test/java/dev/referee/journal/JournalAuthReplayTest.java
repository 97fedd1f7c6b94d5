package dev.referee.journal;

import dev.referee.config.Cidr;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.DigestAlgorithm;
import dev.referee.engine.auth.DigestResponse;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkAuth;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.id.IdKey;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal of authenticated calls replays exactly: the trunk's HA1 values come back from node-start (the password is
 * not in it), the replaying engine issues the same nonces, accepts the same answers and refuses the same replay, and
 * a node recovered from a snapshot still refuses a nonce answered before the snapshot.
 */
class JournalAuthReplayTest
{
    private static final JournalConfig CONFIG = new JournalConfig(JournalRoll.DAILY, 7, 60_000);
    private static final IdKey KEY = new IdKey(0x510e527fade682d1L, 0x9b05688c2b3e6c1fL);
    private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.2", 5070);
    private static final String PASSWORD = "journal-secret-7";
    private static final TrunkAuth AUTH = TrunkAuth.of("referee.example", "carrier", PASSWORD);
    private static final Pattern NONCE = Pattern.compile("nonce=\"([0-9a-f]+)\"");

    @TempDir
    Path dir;

    private static EngineConfig config()
    {
        final TrunkConfig carrier = new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.2/32")),
            TrunkTransferPolicy.defaults(), TrunkCallPolicy.defaults(), TrunkHeaderPolicy.defaults(), AUTH);
        return new EngineConfig(List.of(new ListenAddress(Transport.UDP, SyntheticCalls.REFEREE)),
            List.of(new Route(Pattern.compile("bob.*"), SyntheticCalls.CALLEE, Transport.UDP)),
            TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(4), TimeUnit.SECONDS.toNanos(5), 1000,
            "Referee", KEY, TransferConfig.defaults(), RedirectConfig.defaults(), List.of(carrier));
    }

    private static String invite(final int n, final int cseq, final String credentials)
    {
        return "INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-" + n + "-" +
            cseq + "\r\nMax-Forwards: 70\r\nFrom: <sip:c@127.0.0.2>;tag=t" + n + "\r\nTo: <sip:bob@127.0.0.1:5060>\r\n" +
            "Call-ID: auth-" + n + "@synthetic\r\nCSeq: " + cseq + " INVITE\r\nContact: <sip:c@127.0.0.2:5070>\r\n" +
            credentials + "Content-Length: 0\r\n\r\n";
    }

    private static String ack407(final int n, final int cseq, final String response407)
    {
        final Matcher to = Pattern.compile("\r\nTo: ([^\r]+)\r\n").matcher(response407);
        assertTrue(to.find(), response407);
        return "ACK sip:bob@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-" + n + "-" + cseq +
            "\r\nMax-Forwards: 70\r\nFrom: <sip:c@127.0.0.2>;tag=t" + n + "\r\nTo: " + to.group(1) + "\r\n" +
            "Call-ID: auth-" + n + "@synthetic\r\nCSeq: " + cseq + " ACK\r\nContent-Length: 0\r\n\r\n";
    }

    private static String credentials(final String nonce)
    {
        final String uri = "sip:bob@127.0.0.1:5060";
        final String response = DigestResponse.of(DigestAlgorithm.SHA_256, AUTH.ha1Sha256(), nonce, "00000001", "cn",
            "auth", "INVITE", uri);
        return "Proxy-Authorization: Digest username=\"carrier\", realm=\"referee.example\", nonce=\"" + nonce +
            "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=SHA-256, qop=auth, nc=00000001, " +
            "cnonce=\"cn\"\r\n";
    }

    private static String only(final List<String> out, final String firstLine)
    {
        final List<String> matching = out.stream().filter(m -> m.startsWith(firstLine)).toList();
        assertEquals(1, matching.size(), () -> "one " + firstLine + " among " + out);
        return matching.get(0);
    }

    private static String nonce(final String response407)
    {
        final Matcher matcher = NONCE.matcher(response407);
        assertTrue(matcher.find(), response407);
        return matcher.group(1);
    }

    /** Challenged, answered: the call placed. Returns the answer (credentials header line). */
    private static String authenticatedCall(final SyntheticCalls calls, final int n)
    {
        final String challenge = only(calls.send(CARRIER, invite(n, 1, "")), "SIP/2.0 407");
        calls.send(CARRIER, ack407(n, 1, challenge));
        final String answer = credentials(nonce(challenge));
        only(calls.send(CARRIER, invite(n, 2, answer)), "INVITE sip:bob");
        return answer;
    }

    @Test
    void shouldReplayAuthenticatedCallsExactlyAndRefuseAReplayAfterRecovery() throws Exception
    {
        final AtomicBoolean passwordJournaled = new AtomicBoolean();
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(new FilterSink(journal.newSink(), record ->
            {
                if (new String(record, StandardCharsets.ISO_8859_1).contains(PASSWORD))
                {
                    passwordJournaled.set(true);
                }
                return record;
            }), config(), 1_000_000_000L, TimeUnit.MILLISECONDS.toNanos(1));
            final String first = authenticatedCall(calls, 1);
            authenticatedCall(calls, 2);
            calls.snapshot();
            calls.crashAndRecover(journal);

            // The first call's answer, replayed in a new call after the recovery: the nonce is still known as used.
            final String replay = only(calls.send(CARRIER, invite(3, 2, first)), "SIP/2.0 407");
            assertTrue(replay.contains("stale=true"), replay);
            calls.send(CARRIER, ack407(3, 2, replay));
            only(calls.send(CARRIER, invite(3, 3, credentials(nonce(replay)))), "INVITE sip:bob");
            calls.advanceMs(40_000);
        }
        assertFalse(passwordJournaled.get(), "the password is in no record");
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalRecord nodeStart = reader.next();
            assertEquals(AUTH, nodeStart.config.trunks().get(0).auth(), "the HA1 values, for replay");
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
            assertTrue(result.outputs() > 10, result.toString());
        }
    }

    @Test
    void shouldTellAConfigurationWithAnotherPasswordFromTheJournaledOne()
    {
        final EngineConfig journaled = config();
        final TrunkConfig trunk = journaled.trunks().get(0);
        final EngineConfig changed = new EngineConfig(journaled.listen(), journaled.routes(), journaled.t1Ns(),
            journaled.t2Ns(), journaled.t4Ns(), journaled.maxCalls(), journaled.userAgent(), KEY,
            journaled.transfer(), journaled.redirect(), List.of(new TrunkConfig(trunk.name(), trunk.sources(),
                trunk.transfer(), trunk.calls(), trunk.headers(), TrunkAuth.of("referee.example", "carrier", "other"))));
        assertTrue(JournalRecovery.sameConfig(journaled, config()));
        assertFalse(JournalRecovery.sameConfig(journaled, changed), "a new password is a new configuration");
    }
}
