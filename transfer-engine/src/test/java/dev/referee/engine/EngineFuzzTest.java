package dev.referee.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.referee.config.Cidr;
import dev.referee.engine.call.CallSnapshots;
import dev.referee.engine.call.Leg;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.TransitionListener;
import dev.referee.engine.transfer.TransferSnapshots;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.CALLER_V6;
import static dev.referee.engine.EngineHarness.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target over the whole engine (Jazzer, docs/security.md "Fuzzing", target {@code engine}): the
 * fuzzer's bytes choose a sequence of engine inputs on a test clock. Messages are built from the templates of real
 * flows (INVITE, with or without Replaces; responses of every class to what Referee sent; ACK, BYE, CANCEL,
 * re-INVITE, REFER with Refer-To and Replaces, NOTIFY, other methods) whose Call-IDs, tags, branches, CSeqs, sources,
 * bodies and header values the fuzzer picks, among them the identifiers Referee generated (read back from what it
 * sent), so that its dialogs and transactions are reachable; now and then raw bytes or a template with bytes spliced
 * in; clock steps (timers); transfer webhook answers.
 *
 * <p>Invariants: no exception leaves the engine (in the node, {@code EngineHandler} would catch it, count it in
 * {@code inboundStageErrors} and drop the input, leaving the call half-handled: here it fails the target); a state
 * machine's refused move does not throw (fuzzed inputs are invalid, refusing them is right: they are counted); every
 * message Referee sends parses, except an error response echoing a malformed header; after the sequence, once the
 * parties CANCEL their INVITEs and BYE every confirmed dialog and the clock passes every timer (five minutes, Timer C
 * included), the engine holds no call, dialog, transaction, timer, pending webhook or trunk call count; and the same
 * inputs given to a new engine give the same bytes (the journal's replay).
 */
class EngineFuzzTest
{
    /** Inputs in one sequence, at most: long enough for a transfer, short enough for thousands of sequences a second. */
    private static final int MAX_STEPS = 48;
    private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.2", 5060);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.9", 5099);
    private static final InetSocketAddress[] HOSTS = {CALLER, CALLEE, TARGET, CARRIER, STRANGER, CALLER_V6};
    private static final String[] USERS = {"bob", "carol", "alice", "bobtcp", "+15550100", "nobody", "bob7"};
    private static final String[] METHODS = {
        "BYE", "INVITE", "ACK", "REFER", "NOTIFY", "CANCEL", "INFO", "UPDATE", "OPTIONS", "PRACK", "MESSAGE",
        "SUBSCRIBE"};
    /** The answers of real flows first: with few bytes left the fuzzer's choices fall on the first. */
    private static final int[] STATUSES = {200, 180, 486, 183, 100, 202, 302, 300, 401, 404, 407, 481, 487, 491, 500,
        503, 603};
    private static final String[] CONTACTS = {
        "<sip:carol@example.com>", "<sip:bob@127.0.0.1:5062>", "<sip:127.0.0.1:5060>", "<sip:+15550100@10.0.0.1>",
        "<sip:carol@127.0.0.1:5064;transport=tcp>", "<sip:alice@[::1]:5070>"};
    private static final String[] BODIES = {
        SipPhone.SDP, null, SipPhone.SDP_HOLD, SipPhone.SDP.replace("4000", "0"),
        "v=0\r\no=- 2 2 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=audio 4002 RTP/AVP 8\r\nm=video 0 RTP/AVP 96\r\n"};
    private static final String[] SIPFRAGS = {"SIP/2.0 100 Trying", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK",
        "SIP/2.0 486 Busy Here", "SIP/2.0 603 Decline"};
    private static final String[] WEBHOOK_TARGETS = {"", "sip:+15550100@example.com", "sip:carol@example.com",
        "sip:alice@127.0.0.1:5070"};

    private static final EngineConfig CONFIG = config();
    /** The same with media anchored (issue 10): every SDP rewritten per leg, pairs allocated, linked, released. */
    private static final EngineConfig CONFIG_WITH_MEDIA = CONFIG.withMedia(new MediaConfig(true,
        java.net.InetAddress.getLoopbackAddress(), null, 40_000, 40_199, 60_000, 3_600_000, false));

    /** The fuzzer's own identifiers, besides the ones it makes up and the ones Referee sent. */
    private static final String[] CALL_IDS = {"c1@fuzz", "c2@fuzz"};
    private static final String[] TAGS = {"ta", "tb"};

    @FuzzTest(maxDuration = "60s")
    void sequencesOfInputsKeepTheEngineConsistent(final FuzzedDataProvider data)
    {
        new Sequence(data, CONFIG).run();
    }

    /**
     * The same sequences with media anchored: the SDP of every message goes through the rewriter toward its leg,
     * pairs are allocated, linked, re-linked at joins and released with their legs (100 pairs: a sequence can run out
     * and get 503), and a media silence may end a call; at the end no pair is left in use.
     */
    @FuzzTest(maxDuration = "60s")
    void sequencesOfInputsKeepTheEngineConsistentWithMediaAnchored(final FuzzedDataProvider data)
    {
        new Sequence(data, CONFIG_WITH_MEDIA).run();
    }

    /** Two trunks besides unknown sources: a PBX asking a webhook about transfers, a trusted carrier with limits. */
    private static EngineConfig config()
    {
        final TrunkConfig pbx = new TrunkConfig("pbx", List.of(Cidr.parse("127.0.0.1/32")),
            new TrunkTransferPolicy(TransferMode.TERMINATE, false, List.of(), URI.create("http://127.0.0.1:8080/refer")));
        final TrunkConfig carrier = new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.2/32")),
            new TrunkTransferPolicy(TransferMode.RELAY, true, List.of(), null),
            new TrunkCallPolicy(List.of(), 3, 0, 1, true), new TrunkHeaderPolicy(true, List.of("diversion")));
        return EngineHarness.config(1000, 42, TransferConfig.defaults(), List.of(pbx, carrier),
            RedirectConfig.defaults(), EngineHarness.routes());
    }

    /** One fuzzer input: the sequence it chooses, then the end of every call, then the checks. */
    static final class Sequence
    {
        private final FuzzedDataProvider data;
        final EngineHarness harness;
        private final CountingTransitions transitions = new CountingTransitions();
        /** The initial INVITEs the fuzzer sent: {source, Call-ID, branch, CSeq, From, To, Request-URI}. */
        private final List<Object[]> invites = new ArrayList<>();
        /** Everything the fuzzer sent as text: {source, text}, for retransmissions and splicing. */
        private final List<Object[]> sentByFuzzer = new ArrayList<>();
        private final AsciiView view = new AsciiView();
        /** The tag the fuzzer answered a Call-ID's INVITE with, by Call-ID: its in-dialog requests use it again. */
        private final Map<String, String> peerTags = new HashMap<>();
        /** Indexes of Referee's requests {@link #phoneAnswers} has answered. */
        private final Set<Integer> answered = new HashSet<>();
        private final boolean mediaAnchored;
        private int branches;
        private int checked;

        /** What the replaying engine sent, unparsed (the first engine's messages are parsed already). */
        private final List<Replayed> replayed = new ArrayList<>();

        Sequence(final FuzzedDataProvider data, final EngineConfig config)
        {
            this.data = data;
            this.harness = new EngineHarness(config).allowMalformedEchoes();
            this.mediaAnchored = config.anchorsMedia();
            harness.engine.transitions().listener(transitions);
            final SipSender keepBytes = (transport, destination, connectionId, buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                return replayed.add(new Replayed(destination, new String(bytes, StandardCharsets.US_ASCII)));
            };
            final Engine replaying = new Engine(config, keepBytes, new EngineCounters(),
                new RecordingEvents(new ArrayList<>()), (requestId, url, json) -> { });
            replaying.transitions().listener(new CountingTransitions());
            harness.mirror(replaying);
        }

        void run()
        {
            // The plan (one byte an input, from the front) apart from the choices within each input (from the end, as
            // FuzzedDataProvider reads integers): a mutation of one does not shift the other, and when the choices run
            // out each gives its minimum, the usual flow ({@link #rare}).
            final byte[] plan = data.consumeBytes(data.consumeInt(1, MAX_STEPS));
            for (final byte step : plan)
            {
                switch ((step & 0xff) % 14)
                {
                    case 0, 1 -> newInvite();
                    case 2 -> responseToReferee();
                    case 3, 12 -> phoneAnswers();
                    case 13 -> establishCall();
                    case 4, 5 -> inDialogRequest();
                    case 6 -> cancelOrAckOwnInvite();
                    case 7 -> retransmit();
                    case 8 -> rawOrSpliced();
                    case 9 -> harness.advanceMs(data.consumeInt(1, 600));
                    case 10 -> harness.advanceMs(data.consumeInt(1, 40_000), 100);
                    default ->
                    {
                        // With media anchored, one in four of these is the relay reporting a silence instead (a leg
                        // id of the first few dozen, line 0 or 1); without, the choice is not even read.
                        if (mediaAnchored && data.consumeInt(0, 3) == 0)
                        {
                            harness.mediaIdle(data.consumeInt(0, 40) * 16L + data.consumeInt(0, 1));
                        }
                        else
                        {
                            webhookAnswer();
                        }
                    }
                }
                checkOutputs();
            }
            endEverything();
            assertTrue(harness.isIdle(), () -> "state left after every call ended: " + harness.state() + "\n" + trace());
            assertEquals(0, harness.counters.get(EngineCounters.MEDIA_PAIRS_IN_USE), "every media pair released");
            assertEquals(0, harness.counters.trunks().total(TrunkCounters.CALLS), "every call left its trunk's count");
            assertEquals(0, TransferSnapshots.pendingWebhooks(harness.engine.snapshotParts().transfers()).size(),
                "no transfer waits for a webhook");

            replay();
        }

        /**
         * The same inputs given to a new engine (the journal's replay) make it send the same bytes. The harness gives
         * that engine each input right after the first one, from the same parse ({@link EngineHarness#mirror}): half
         * the parsing of a replay afterwards, and the same comparison.
         */
        private void replay()
        {
            final List<Sent> sent = harness.all();
            boolean same = sent.size() == replayed.size();
            for (int i = 0; same && i < sent.size(); i++)
            {
                same = sent.get(i).destination.equals(replayed.get(i).destination()) &&
                    sent.get(i).text.equals(replayed.get(i).text());
            }
            if (!same)
            {
                // Both lists as text only when they differ: the assertion then shows where.
                assertEquals(sent.stream().map(s -> text(s.destination, s.text)).toList(),
                    replayed.stream().map(r -> text(r.destination(), r.text())).toList(),
                    "a replay of the same inputs sends the same");
            }
        }

        // ---- the inputs ----------------------------------------------------------------------------------------

        private void newInvite()
        {
            final InetSocketAddress from = pickHost(CALLER);
            final String user = data.consumeInt(0, 7) < 7 ? pick(USERS) : data.consumeAsciiString(16);
            final String uri = "sip:" + user + "@127.0.0.1:5060";
            final String callId = pickCallId();
            final String branch = newBranch();
            final long cseq = pickCSeq(1);
            final String fromHeader = "<sip:alice@" + hostPort(from) + ">;tag=" + pickTag();
            final String toHeader = "<" + uri + ">" + (rare(7) ? ";tag=" + pickTag() : "");
            final StringBuilder extra = new StringBuilder();
            if (rare(3))
            {
                extra.append("Replaces: ").append(knownDialog(false)).append("\r\n");
            }
            final String text = request("INVITE", uri, from, branch, fromHeader, toHeader, callId, cseq, "INVITE",
                "Contact: <sip:alice@" + hostPort(from) + ">\r\n" + extra, pickBody());
            invites.add(new Object[]{from, callId, branch, cseq, fromHeader, toHeader, uri});
            send(from, text);
        }

        /**
         * A new call as far as the caller's ACK of its 2xx (if the callee answers): the prefix of every in-dialog flow
         * (transfers, re-INVITEs, hang-ups), which the fuzzer would otherwise have to assemble from four choices.
         */
        private void establishCall()
        {
            newInvite();
            phoneAnswers();
            final Object[] invite = invites.get(invites.size() - 1);
            final Sent response = pickResponseTo((String)invite[1]);
            if (response != null && response.status() >= 200 && response.isResponse(response.status()) &&
                response.header(HeaderName.CSEQ) != null && response.header(HeaderName.CSEQ).endsWith("INVITE"))
            {
                final InetSocketAddress from = (InetSocketAddress)invite[0];
                final String contact = response.header(HeaderName.CONTACT);
                final String target = response.status() < 300 && contact != null && contact.indexOf('<') >= 0 &&
                    contact.indexOf('>') > contact.indexOf('<') ?
                    contact.substring(contact.indexOf('<') + 1, contact.indexOf('>')) : (String)invite[6];
                send(from, request("ACK", target, from, response.status() < 300 ? newBranch() : (String)invite[2],
                    (String)invite[4], response.header(HeaderName.TO), (String)invite[1], (long)invite[3], "ACK", "",
                    null));
            }
        }

        /** A response, from where Referee sent it, to a request Referee sent (or to an ACK: a broken peer). */
        private void responseToReferee()
        {
            final Sent request = pickSent(true);
            if (request != null)
            {
                respond(request, data.consumeBoolean() ? pick(STATUSES) : data.consumeInt(100, 699), true);
            }
        }

        /**
         * What a phone does with the latest request Referee sent it that it has not answered: an INVITE rings and is
         * answered (or refused: busy), a CANCEL is answered and its INVITE ends with 487, anything else gets 200. So
         * that the fuzzer reaches answered calls and transfers without guessing every field.
         */
        private void phoneAnswers()
        {
            final List<Sent> all = harness.all();
            for (int i = all.size() - 1; i >= Math.max(0, all.size() - 32); i--)
            {
                final Sent request = all.get(i);
                if (!request.parsed || !request.message.isRequest() || request.isRequest("ACK") || !answered.add(i))
                {
                    continue;
                }
                if (request.isRequest("INVITE") && request.toTag().isEmpty())
                {
                    respond(request, 180, false);
                    respond(request, rare(3) ? 486 : 200, false);
                }
                else if (request.isRequest("CANCEL"))
                {
                    respond(request, 200, false);
                    for (int j = i - 1; j >= 0; j--)
                    {
                        final Sent invite = all.get(j);
                        if (invite.parsed && invite.isRequest("INVITE") && invite.branch().equals(request.branch()))
                        {
                            answered.add(j);
                            respond(invite, 487, false);
                            break;
                        }
                    }
                }
                else
                {
                    respond(request, 200, false);
                }
                return;
            }
        }

        private void respond(final Sent request, final int status, final boolean fuzzed)
        {
            final StringBuilder sb = new StringBuilder();
            sb.append("SIP/2.0 ").append(status).append(' ').append(data.consumeBoolean() ? "Reason" : "").append("\r\n");
            for (int i = request.message.findHeader(HeaderName.VIA, 0); i >= 0;
                i = request.message.findHeader(HeaderName.VIA, i + 1))
            {
                sb.append("Via: ").append(request.message.headerValue(i, view)).append("\r\n");
            }
            sb.append("From: ").append(request.header(HeaderName.FROM)).append("\r\n");
            final String to = request.header(HeaderName.TO);
            sb.append("To: ").append(to);
            if (to != null && !to.contains(";tag=") && (status > 100 || fuzzed && data.consumeBoolean()))
            {
                // The same phone answers with the same tag, unless the fuzzer makes up another (forking).
                final String known = peerTags.get(request.callId());
                final String tag = known != null && (!fuzzed || !rare(3)) ? known : pickTag();
                peerTags.putIfAbsent(request.callId(), tag);
                sb.append(";tag=").append(tag);
            }
            sb.append("\r\nCall-ID: ").append(request.callId()).append("\r\n");
            final String cseq = request.header(HeaderName.CSEQ);
            sb.append("CSeq: ").append(fuzzed && rare(15) ? pickCSeq(request.cseq()) + " " + pick(METHODS) : cseq)
                .append("\r\n");
            if (status >= 300 && status < 400)
            {
                sb.append("Contact: ").append(!fuzzed || data.consumeBoolean() ? pick(CONTACTS) :
                    data.consumeAsciiString(40)).append("\r\n");
            }
            else if (status > 100 && status < 300)
            {
                sb.append("Contact: <sip:peer@").append(hostPort(request.destination)).append(">\r\n");
            }
            final boolean answer = request.isRequest("INVITE") && status >= 200 && status < 300 ||
                request.isRequest("INVITE") && status == 183;
            final String body = fuzzed ? (status > 100 && status < 300 ? pickBody() : null) :
                answer ? SipPhone.SDP.replace("4000", "6000") : null;
            send(fuzzed && rare(7) ? pickHost(request.destination) : request.destination,
                withBody(sb, body, null));
        }

        /**
         * A request in a dialog as one of its parties sees it: the callee of a request Referee sent (its To and From
         * swapped), or the caller Referee answered (its From and To as they are).
         */
        private void inDialogRequest()
        {
            final Sent seen = pickSent(data.consumeBoolean());
            if (seen == null || seen.header(HeaderName.FROM) == null || seen.header(HeaderName.TO) == null)
            {
                return;
            }
            final String fromHeader;
            final String toHeader;
            final String target;
            if (seen.message.isRequest())
            {
                final String to = seen.header(HeaderName.TO);
                final String known = peerTags.get(seen.callId());
                fromHeader = to.contains(";tag=") ? to : to + ";tag=" + (known != null && !rare(3) ?
                    known : pickTag());
                toHeader = seen.header(HeaderName.FROM);
                final String contact = seen.header(HeaderName.CONTACT);
                target = contact != null && contact.indexOf('<') >= 0 && contact.indexOf('>') > contact.indexOf('<') ?
                    contact.substring(contact.indexOf('<') + 1, contact.indexOf('>')) : "sip:referee@127.0.0.1:5060";
            }
            else
            {
                fromHeader = seen.header(HeaderName.FROM);
                toHeader = seen.header(HeaderName.TO);
                target = "sip:referee@127.0.0.1:5060";
            }
            final String method = rare(3) ? pick(METHODS) : pick(new String[]{"REFER", "BYE", "INVITE",
                "NOTIFY", "ACK"});
            final long cseq = method.equals("ACK") ? seen.cseq() : pickCSeq(seen.cseq() + 1);
            final String branch = rare(7) ? seen.branch() : newBranch();
            final StringBuilder extra = new StringBuilder();
            String body = null;
            String contentType = null;
            switch (method)
            {
                case "INVITE", "UPDATE" -> body = pickBody();
                case "REFER" ->
                {
                    extra.append("Refer-To: ").append(referTo()).append("\r\n");
                    if (data.consumeBoolean())
                    {
                        extra.append("Referred-By: <sip:bob@127.0.0.1:5062>\r\n");
                    }
                }
                case "NOTIFY" ->
                {
                    extra.append("Event: refer\r\nSubscription-State: ")
                        .append(data.consumeBoolean() ? "active;expires=60" : "terminated;reason=noresource")
                        .append("\r\n");
                    body = rare(7) ? data.consumeAsciiString(40) : pick(SIPFRAGS);
                    contentType = "message/sipfrag;version=2.0";
                }
                default ->
                {
                }
            }
            if (!method.equals("ACK") && !method.equals("BYE") && !method.equals("CANCEL"))
            {
                extra.append("Contact: <sip:peer@").append(hostPort(seen.destination)).append(">\r\n");
            }
            final InetSocketAddress from = rare(7) ? pickHost(seen.destination) : seen.destination;
            send(from, request(method, target, from, branch, fromHeader, toHeader, seen.callId(), cseq, method,
                extra.toString(), body, contentType));
        }

        /** The caller's CANCEL of one of its INVITEs, or its ACK of a final response (same branch: non-2xx). */
        private void cancelOrAckOwnInvite()
        {
            if (invites.isEmpty())
            {
                return;
            }
            final Object[] invite = invites.get(data.consumeInt(0, invites.size() - 1));
            final boolean cancel = data.consumeBoolean();
            final String method = cancel ? "CANCEL" : "ACK";
            String to = (String)invite[5];
            if (!cancel)
            {
                final Sent response = pickResponseTo((String)invite[1]);
                if (response != null && response.header(HeaderName.TO) != null)
                {
                    to = response.header(HeaderName.TO);
                }
            }
            final InetSocketAddress from = (InetSocketAddress)invite[0];
            send(from, request(method, (String)invite[6], from,
                cancel || data.consumeBoolean() ? (String)invite[2] : newBranch(), (String)invite[4], to,
                (String)invite[1], (long)invite[3], method, "", null));
        }

        private void retransmit()
        {
            if (sentByFuzzer.isEmpty())
            {
                return;
            }
            final Object[] sent = sentByFuzzer.get(data.consumeInt(0, sentByFuzzer.size() - 1));
            send((InetSocketAddress)sent[0], (String)sent[1]);
        }

        /** Bytes as they come, or one of the fuzzer's messages with a run of its bytes overwritten. */
        private void rawOrSpliced()
        {
            final InetSocketAddress from = pickHost(CALLER);
            final byte[] bytes;
            if (sentByFuzzer.isEmpty() || data.consumeBoolean())
            {
                bytes = data.consumeBytes(2048);
            }
            else
            {
                final byte[] template = ((String)sentByFuzzer.get(data.consumeInt(0, sentByFuzzer.size() - 1))[1])
                    .getBytes(StandardCharsets.US_ASCII);
                final int at = data.consumeInt(0, template.length);
                final int cut = data.consumeInt(0, Math.min(64, template.length - at));
                final byte[] splice = data.consumeBytes(64);
                bytes = new byte[template.length - cut + splice.length];
                System.arraycopy(template, 0, bytes, 0, at);
                System.arraycopy(splice, 0, bytes, at, splice.length);
                System.arraycopy(template, at + cut, bytes, at + splice.length, template.length - at - cut);
            }
            harness.receive(transport(), from, 0, bytes);
        }

        private void webhookAnswer()
        {
            final List<String> posts = harness.webhookPosts;
            final long requestId = !posts.isEmpty() && !rare(7) ?
                Long.parseLong(posts.get(data.consumeInt(0, posts.size() - 1)).split(" ", 2)[0]) :
                data.consumeLong(-1, 8);
            final String target = rare(7) ? data.consumeAsciiString(40) : pick(WEBHOOK_TARGETS);
            harness.webhookAnswer(requestId, !rare(7), target);
        }

        // ---- the end of every call, and the checks -------------------------------------------------------------

        /**
         * What phones and time would do to every call left: each INVITE the fuzzer sent is cancelled, each confirmed
         * dialog is hung up by its peer (with a CSeq past any the fuzzer chose), and up to five minutes pass, in steps,
         * so that every timer (Timer C, transfer and webhook timeouts, Timers B, F, H, I, J, K) has fired.
         */
        private void endEverything()
        {
            for (final Object[] invite : invites)
            {
                final InetSocketAddress from = (InetSocketAddress)invite[0];
                harness.receive(from, request("CANCEL", (String)invite[6], from, (String)invite[2], (String)invite[4],
                    (String)invite[5], (String)invite[1], (long)invite[3], "CANCEL", "", null));
            }
            long cseq = Integer.MAX_VALUE - 1000;
            for (final Object held : CallSnapshots.legs(harness.engine.snapshotParts().b2bua()))
            {
                final Leg leg = (Leg)held;
                if (leg.isConfirmed() && !leg.isTerminated() && leg.remoteTag() != null && leg.flow() != null)
                {
                    harness.receive(leg.transport(), leg.flow(), leg.connectionId(), request("BYE",
                        "sip:referee@127.0.0.1:5060", leg.flow(), newBranch(),
                        leg.remoteUri() + ";tag=" + leg.remoteTag(), leg.localUri() + ";tag=" + leg.localTag(),
                        leg.callId(), cseq++, "BYE", "", null));
                }
            }
            // Up to five minutes, a second at a time, stopping once idle: each second is an input to record and replay.
            for (int second = 0; second < 300 && !harness.isIdle(); second++)
            {
                harness.advanceMs(1_000, 1_000);
            }
            checkOutputs();
        }

        /** Every message Referee sent parses, but an error response that echoes a malformed header of a request. */
        private void checkOutputs()
        {
            final List<Sent> all = harness.all();
            for (; checked < all.size(); checked++)
            {
                final Sent sent = all.get(checked);
                assertTrue(sent.parsed || sent.status() >= 400, () -> "Referee sent a message that does not parse (" +
                    sent.message.errorReason() + "):\n" + sent.text);
            }
        }

        private String trace()
        {
            final List<String> moves = transitions.moves;
            return String.join("\n", moves.subList(Math.max(0, moves.size() - 60), moves.size()));
        }

        // ---- choices -------------------------------------------------------------------------------------------

        private void send(final InetSocketAddress from, final String text)
        {
            String message = text;
            if (rare(7))
            {
                message = mutateHeaderValue(message);
            }
            if (sentByFuzzer.size() < 64)
            {
                sentByFuzzer.add(new Object[]{from, message});
            }
            final int transport = transport();
            harness.receive(transport, from, transport == Transport.TCP ? data.consumeInt(1, 3) : 0,
                message.getBytes(StandardCharsets.US_ASCII));
        }

        /** One header line's value (not the first line's) replaced by the fuzzer's text. */
        private String mutateHeaderValue(final String text)
        {
            final int end = text.indexOf("\r\n\r\n");
            if (end < 0)
            {
                return text;
            }
            final String[] lines = text.substring(0, end).split("\r\n", -1);
            if (lines.length < 2)
            {
                return text;
            }
            final int i = data.consumeInt(1, lines.length - 1);
            final int colon = lines[i].indexOf(':');
            lines[i] = (colon < 0 ? lines[i] : lines[i].substring(0, colon)) + ": " + data.consumeAsciiString(120);
            return String.join("\r\n", lines) + text.substring(end);
        }

        private int transport()
        {
            return rare(7) ? Transport.TCP : Transport.UDP;
        }

        /** A message Referee sent (a request, or a response), among the last 32, or null when none. */
        private Sent pickSent(final boolean requestWanted)
        {
            final List<Sent> all = harness.all();
            final List<Sent> candidates = new ArrayList<>();
            for (int i = all.size() - 1; i >= 0 && candidates.size() < 32; i--)
            {
                final Sent sent = all.get(i);
                if (sent.parsed && sent.message.isRequest() == requestWanted)
                {
                    candidates.add(sent);
                }
            }
            return candidates.isEmpty() ? null : candidates.get(data.consumeInt(0, candidates.size() - 1));
        }

        private Sent pickResponseTo(final String callId)
        {
            final List<Sent> all = harness.all();
            for (int i = all.size() - 1; i >= 0; i--)
            {
                final Sent sent = all.get(i);
                if (sent.parsed && !sent.message.isRequest() && sent.callId().equals(callId))
                {
                    return sent;
                }
            }
            return null;
        }

        /** A dialog as "Call-ID;to-tag=..;from-tag=..", from what Referee sent (either way round) or made up. */
        private String knownDialog(final boolean escaped)
        {
            final Sent seen = pickSent(data.consumeBoolean());
            String callId = pickCallId();
            String toTag = pickTag();
            String fromTag = pickTag();
            if (seen != null && !rare(3))
            {
                callId = seen.callId();
                final boolean swap = data.consumeBoolean();
                toTag = swap ? seen.fromTag() : seen.toTag();
                fromTag = swap ? seen.toTag() : seen.fromTag();
            }
            final String dialog = callId + ";to-tag=" + toTag + ";from-tag=" + fromTag +
                (rare(3) ? ";early-only" : "");
            return escaped ? dialog.replace("@", "%40").replace(";", "%3B").replace("=", "%3D") : dialog;
        }

        private String referTo()
        {
            return switch (data.consumeInt(0, 5))
            {
                case 0 -> "<sip:carol@example.com>";
                case 1, 2 -> "<sip:carol@example.com?Replaces=" + knownDialog(true) + ">";
                case 3 -> "<sip:+15550100@127.0.0.1>";
                case 4 -> "<sip:alice@127.0.0.1:5070>";
                default -> data.consumeAsciiString(80);
            };
        }

        private String pickCallId()
        {
            return switch (data.consumeInt(0, 5))
            {
                case 0, 1 -> pick(CALL_IDS);
                case 2, 3 ->
                {
                    final Sent seen = pickSent(data.consumeBoolean());
                    yield seen == null ? CALL_IDS[0] : seen.callId();
                }
                default -> data.consumeAsciiString(24);
            };
        }

        private String pickTag()
        {
            return switch (data.consumeInt(0, 5))
            {
                case 0, 1 -> pick(TAGS);
                case 2, 3 ->
                {
                    final Sent seen = pickSent(data.consumeBoolean());
                    final String tag = seen == null ? "" : data.consumeBoolean() ? seen.fromTag() : seen.toTag();
                    yield tag.isEmpty() ? TAGS[0] : tag;
                }
                default -> data.consumeAsciiString(16);
            };
        }

        private long pickCSeq(final long usual)
        {
            return switch (data.consumeInt(0, 7))
            {
                case 6 -> usual - 1;
                case 7 -> data.consumeLong(0, Integer.MAX_VALUE - 2000);
                default -> usual;
            };
        }

        private String pickBody()
        {
            return rare(7) ? data.consumeAsciiString(200) : pick(BODIES);
        }

        /**
         * True once in {@code n + 1} choices. The unusual choice is the largest value, so that when the fuzzer's bytes
         * run out (every choice then gives its minimum) the flow goes on the usual way.
         */
        private boolean rare(final int n)
        {
            return data.consumeInt(0, n) == n;
        }

        private InetSocketAddress pickHost(final InetSocketAddress usual)
        {
            return rare(3) ? pick(HOSTS) : usual;
        }

        private <T> T pick(final T[] values)
        {
            return values[data.consumeInt(0, values.length - 1)];
        }

        private int pick(final int[] values)
        {
            return values[data.consumeInt(0, values.length - 1)];
        }

        private String newBranch()
        {
            return "z9hG4bK-fuzz-" + (++branches);
        }
    }

    private static String request(final String method, final String uri, final InetSocketAddress from,
        final String branch, final String fromHeader, final String toHeader, final String callId, final long cseq,
        final String cseqMethod, final String extra, final String body)
    {
        return request(method, uri, from, branch, fromHeader, toHeader, callId, cseq, cseqMethod, extra, body, null);
    }

    private static String request(final String method, final String uri, final InetSocketAddress from,
        final String branch, final String fromHeader, final String toHeader, final String callId, final long cseq,
        final String cseqMethod, final String extra, final String body, final String contentType)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
        sb.append("Via: SIP/2.0/UDP ").append(hostPort(from)).append(";branch=").append(branch).append(";rport\r\n");
        sb.append("Max-Forwards: 70\r\n");
        sb.append("From: ").append(fromHeader).append("\r\n");
        sb.append("To: ").append(toHeader).append("\r\n");
        sb.append("Call-ID: ").append(callId).append("\r\n");
        sb.append("CSeq: ").append(cseq).append(' ').append(cseqMethod).append("\r\n");
        sb.append(extra);
        return withBody(sb, body, contentType);
    }

    private static String withBody(final StringBuilder sb, final String body, final String contentType)
    {
        if (body == null)
        {
            return sb.append("Content-Length: 0\r\n\r\n").toString();
        }
        return sb.append("Content-Type: ").append(contentType == null ? "application/sdp" : contentType)
            .append("\r\nContent-Length: ").append(body.length()).append("\r\n\r\n").append(body).toString();
    }

    private static String hostPort(final InetSocketAddress a)
    {
        final String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ':' + a.getPort();
    }

    private static String text(final InetSocketAddress destination, final String text)
    {
        return destination + "\n" + text;
    }

    /** A message the replaying engine sent. */
    private record Replayed(InetSocketAddress destination, String text)
    {
    }

    /** Records moves; counts refused ones (a fuzzed input may ask for any move) instead of throwing as tests do. */
    private static final class CountingTransitions implements TransitionListener
    {
        final List<String> moves = new ArrayList<>();
        int refused;
        int unexpected;

        @Override
        public void onTransition(final StateMachine machine, final long id, final long callId, final Enum<?> from,
            final Enum<?> to, final String reason, final long nowNs)
        {
            if (moves.size() < 10_000)
            {
                moves.add(machine + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
            }
        }

        @Override
        public void onRefusedMove(final StateMachine machine, final long id, final long callId, final Enum<?> from,
            final Enum<?> to, final String reason, final long nowNs)
        {
            refused++;
            if (moves.size() < 10_000)
            {
                moves.add("REFUSED " + machine + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
            }
        }

        @Override
        public void onUnexpected(final StateMachine machine, final long id, final long callId, final Enum<?> state,
            final String event, final long nowNs)
        {
            unexpected++;
        }
    }
}
