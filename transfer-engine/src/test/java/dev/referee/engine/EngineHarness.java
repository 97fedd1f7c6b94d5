package dev.referee.engine;

import dev.referee.ring.MediaFigures;
import dev.referee.config.ListenAddress;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.id.IdKey;
import dev.referee.sip.SipMessage;
import dev.referee.transport.Transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Drives an {@link Engine} on the test thread with a test clock: messages go in as text, what the engine sends is
 * recorded, and time moves only when the test says so (in 10 ms ticks, as the pipeline's ticker does).
 */
public final class EngineHarness
{
    public static final InetSocketAddress REFEREE = new InetSocketAddress("127.0.0.1", 5060);
    public static final InetSocketAddress REFEREE_V6 = new InetSocketAddress("::1", 5060);
    public static final InetSocketAddress CALLER_V6 = new InetSocketAddress("::1", 5070);
    public static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 5070);
    public static final InetSocketAddress CALLEE = new InetSocketAddress("127.0.0.1", 5062);
    /** Where transfers to "carol" (and to numbers) are routed. */
    public static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 5064);
    public static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    public final EngineCounters counters = new EngineCounters();
    /** Every state change, and every unexpected event, of this harness's engine; a refused move fails the test. */
    public final RecordedTransitions transitions = new RecordedTransitions();
    /** Domain events as "name callId detail..." lines, in order. */
    public final List<String> events = new ArrayList<>();
    /** Webhook posts the engine made: "requestId url json". */
    public final List<String> webhookPosts = new ArrayList<>();
    public final Engine engine;
    /** The configuration the engine was built with: another engine built from it takes the same inputs. */
    public final EngineConfig config;
    /** Every input given to the engine, in order (snapshot tests give them to other engines). */
    public final List<Input> inputs = new ArrayList<>();
    /** Harnesses made on this thread since {@link #captureCreated()}, for tests that rerun other tests' flows. */
    private static final ThreadLocal<List<EngineHarness>> CREATED = new ThreadLocal<>();
    /** Messages remembered by their bytes, at most (a bound: the harness of a long test forgets and parses again). */
    private static final int MAX_REMEMBERED_CONTENTS = 4096;
    private final List<Sent> sent = new ArrayList<>();
    /** A message sent, by its bytes (ISO-8859-1: one char a byte), so that one sent again is not parsed again. */
    private final Map<String, Sent> sentByContent = new HashMap<>();
    private int drained;
    /** Every message Referee sends must parse, except where a test feeds it malformed input on purpose. */
    private boolean outputMustParse = true;
    private long nowNs = TimeUnit.SECONDS.toNanos(1000);
    /** The message every input is parsed into, as the pipeline parses into its ring's: the engine keeps no view. */
    private final SipMessage inbound = new SipMessage();
    /** An engine given every input right after {@link #engine}, from the same parse, or null (see {@link #mirror}). */
    private Engine mirror;

    public EngineHarness()
    {
        this(1000, 42);
    }

    public EngineHarness(final int maxCalls, final long seed)
    {
        this(maxCalls, seed, TransferConfig.defaults(), List.of());
    }

    /** With transfer settings and trunks of the test's choosing. */
    public EngineHarness(final TransferConfig transfer, final List<TrunkConfig> trunks)
    {
        this(1000, 42, transfer, trunks);
    }

    public EngineHarness(final int maxCalls, final long seed, final TransferConfig transfer,
        final List<TrunkConfig> trunks)
    {
        this(maxCalls, seed, transfer, trunks, RedirectConfig.defaults());
    }

    /** With {@code redirect.max} of the test's choosing (0: 3xx relayed to the caller). */
    public EngineHarness(final RedirectConfig redirect)
    {
        this(1000, 42, TransferConfig.defaults(), List.of(), redirect);
    }

    public EngineHarness(final int maxCalls, final long seed, final TransferConfig transfer,
        final List<TrunkConfig> trunks, final RedirectConfig redirect)
    {
        this(config(maxCalls, seed, transfer, trunks, redirect, routes()));
    }

    /** With routes and trunks of the test's choosing (trunk call policy: named routes). */
    public EngineHarness(final List<Route> routes, final List<TrunkConfig> trunks)
    {
        this(config(1000, 42, TransferConfig.defaults(), trunks, RedirectConfig.defaults(), routes));
    }

    /** The routes every harness has unless a test brings its own. */
    public static List<Route> routes()
    {
        return List.of(
            new Route(Pattern.compile("bob"), CALLEE, Transport.UDP),
            new Route(Pattern.compile("bobtcp"), CALLEE, Transport.TCP),
            new Route(Pattern.compile("user"), CALLEE, Transport.UDP),
            new Route(Pattern.compile("carol|\\+?[0-9]+"), TARGET, Transport.UDP),
            new Route(Pattern.compile("alice"), CALLER, Transport.UDP),
            // Numbered parties of tests that run many flows at once (RandomInterleavingTest).
            new Route(Pattern.compile("bob[0-9]+"), CALLEE, Transport.UDP),
            new Route(Pattern.compile("carol[0-9]+"), TARGET, Transport.UDP));
    }

    /** The configuration the other constructors give, Referee on {@link #REFEREE}. */
    public static EngineConfig config(final int maxCalls, final long seed, final TransferConfig transfer,
        final List<TrunkConfig> trunks, final RedirectConfig redirect, final List<Route> routes)
    {
        final List<ListenAddress> listen = List.of(
            new ListenAddress(Transport.UDP, REFEREE), new ListenAddress(Transport.TCP, REFEREE),
            new ListenAddress(Transport.UDP, REFEREE_V6));
        return new EngineConfig(listen, routes,
            TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(4), TimeUnit.SECONDS.toNanos(5),
            maxCalls, "Referee", key(seed), transfer, redirect, trunks);
    }

    /**
     * A harness whose engine follows the wire behaviour of node-start version {@code behaviour}: a journal an older
     * build made replays with it.
     */
    public static EngineHarness ofVersion(final int behaviour)
    {
        return new EngineHarness(withBehaviour(new EngineHarness().config, behaviour));
    }

    /** {@code c} with the wire behaviour of node-start version {@code behaviour}. */
    public static EngineConfig withBehaviour(final EngineConfig c, final int behaviour)
    {
        return new EngineConfig(c.listen(), c.routes(), c.t1Ns(), c.t2Ns(), c.t4Ns(), c.maxCalls(), c.userAgent(),
            c.seed(), c.idKey(), c.transfer(), c.redirect(), c.trunks(), c.webhook(), c.maxTransactions(), behaviour);
    }

    /** A harness on {@code config} (built with {@link #config} and changed). */
    public EngineHarness(final EngineConfig config)
    {
        this.config = config;
        final List<EngineHarness> created = CREATED.get();
        if (created != null)
        {
            created.add(this);
        }
        engine = new Engine(config, (transport, destination, connectionId, buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            // A retransmission (Timers A, E, G) is the same bytes again: parsed once, when first sent.
            final String content = new String(bytes, StandardCharsets.ISO_8859_1);
            final Sent first = sentByContent.get(content);
            if (first != null)
            {
                sent.add(new Sent(transport, destination, connectionId, first));
                return true;
            }
            final Sent message = new Sent(transport, destination, connectionId, bytes, outputMustParse);
            if (sentByContent.size() == MAX_REMEMBERED_CONTENTS)
            {
                sentByContent.clear();
            }
            sentByContent.put(content, message);
            sent.add(message);
            return true;
        }, counters, new RecordingEvents(events),
            (requestId, url, json) -> webhookPosts.add(requestId + " " + url + " " + json));
        engine.transitions().listener(transitions);
    }

    /** The identifier key of a harness made with {@code seed}: a test needs identifiers replayable, not secret. */
    public static IdKey key(final long seed)
    {
        return new IdKey(seed, ~seed);
    }

    /** From now on, every harness made on this thread is also added to the list returned. */
    public static List<EngineHarness> captureCreated()
    {
        final List<EngineHarness> created = new ArrayList<>();
        CREATED.set(created);
        return created;
    }

    public static void stopCapturing()
    {
        CREATED.remove();
    }

    /** One engine input as the harness gave it: a message, a tick or a webhook's answer. */
    public record Input(int type, long timeNs, int transport, InetSocketAddress from, long connectionId,
        byte[] bytes, long requestId, boolean accept, String target, MediaFigures figures)
    {
        public static final int SIP = 1;
        public static final int TICK = 2;
        public static final int WEBHOOK = 3;
        public static final int TRANSPORT_FAILURE = 4;
        /** The media relay's silence report: the endpoint id in {@code connectionId}. */
        public static final int MEDIA_IDLE = 5;
        /** The media relay's figures of an endpoint it closed: the endpoint id in {@code connectionId}. */
        public static final int MEDIA_STATS = 6;
        /** The media relay could not open an endpoint: its id in {@code connectionId}, port in {@code requestId}, reason in {@code transport}. */
        public static final int MEDIA_OPEN_FAILED = 7;

        static Input sip(final long timeNs, final int transport, final InetSocketAddress from,
            final long connectionId, final byte[] bytes)
        {
            return new Input(SIP, timeNs, transport, from, connectionId, bytes, 0, false, null, null);
        }

        static Input tick(final long timeNs)
        {
            return new Input(TICK, timeNs, 0, null, 0, null, 0, false, null, null);
        }

        static Input webhook(final long timeNs, final long requestId, final boolean accept, final String target)
        {
            return new Input(WEBHOOK, timeNs, 0, null, 0, null, requestId, accept, target, null);
        }

        /** Gives this input to {@code engine}, as the harness did. */
        public void applyTo(final Engine engine)
        {
            applyTo(engine, new SipMessage());
        }

        /** The same, parsing a message into {@code message}: one for all inputs, as the pipeline reuses its ring's. */
        public void applyTo(final Engine engine, final SipMessage message)
        {
            switch (type)
            {
                case SIP ->
                {
                    final boolean parsed = message.parse(new UnsafeBuffer(bytes), 0, bytes.length);
                    engine.onMessage(message, parsed, transport, from, connectionId, timeNs);
                }
                case TICK -> engine.onTick(timeNs);
                case TRANSPORT_FAILURE -> engine.onTransportFailure(transport, from, timeNs);
                case MEDIA_IDLE -> engine.onMediaIdle(connectionId, timeNs);
                case MEDIA_STATS -> engine.onMediaStats(connectionId, figures, timeNs);
                case MEDIA_OPEN_FAILED -> engine.onMediaOpenFailed(connectionId, (int)requestId, transport, timeNs);
                default -> engine.onWebhookAnswer(requestId, accept, target, timeNs);
            }
        }
    }

    /**
     * Gives {@code other} every input from now on, right after this harness's engine and from the same parse: a
     * replay in step with the run, which costs one parse less per message than giving it {@link #inputs} afterwards.
     * The engines share nothing else, so the bytes {@code other} sends are those a replay of the journal would send.
     */
    public EngineHarness mirror(final Engine other)
    {
        mirror = other;
        return this;
    }

    /** Lets error responses that echo a sender's malformed headers through (RFC 3261 §8.2.6 copies them). */
    public EngineHarness allowMalformedEchoes()
    {
        outputMustParse = false;
        return this;
    }

    /** Delivers a message as if received now over UDP from {@code from}. */
    public EngineHarness receive(final InetSocketAddress from, final String text)
    {
        return receive(Transport.UDP, from, 0, text);
    }

    public EngineHarness receive(final int transport, final InetSocketAddress from, final long connectionId,
        final String text)
    {
        return receive(transport, from, connectionId, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Delivers bytes as received now (any bytes: a fuzz target's raw input), parsed as the receive threads would. */
    public EngineHarness receive(final int transport, final InetSocketAddress from, final long connectionId,
        final byte[] bytes)
    {
        final SipMessage message = inbound;
        final boolean parsed = message.parse(new UnsafeBuffer(bytes), 0, bytes.length);
        inputs.add(Input.sip(nowNs, transport, from, connectionId, bytes));
        engine.onMessage(message, parsed, transport, from, connectionId, nowNs);
        if (mirror != null)
        {
            mirror.onMessage(message, parsed, transport, from, connectionId, nowNs);
        }
        return this;
    }

    /**
     * Moves the clock on by {@code millis}, ticking every {@code stepMs}: coarser than the pipeline's 10 ms, for runs
     * that pass minutes at a time (timers then fire up to one step late, as under load).
     */
    public EngineHarness advanceMs(final long millis, final long stepMs)
    {
        final long end = nowNs + TimeUnit.MILLISECONDS.toNanos(millis);
        while (nowNs < end)
        {
            nowNs = Math.min(end, nowNs + TimeUnit.MILLISECONDS.toNanos(stepMs));
            inputs.add(Input.tick(nowNs));
            engine.onTick(nowNs);
            if (mirror != null)
            {
                mirror.onTick(nowNs);
            }
        }
        return this;
    }

    /** The connection Referee opened to {@code destination} fails now, as the TCP thread would publish it. */
    public EngineHarness transportFailure(final int transport, final InetSocketAddress destination)
    {
        inputs.add(new Input(Input.TRANSPORT_FAILURE, nowNs, transport, destination, 0, null, 0, false, null, null));
        engine.onTransportFailure(transport, destination, nowNs);
        if (mirror != null)
        {
            mirror.onTransportFailure(transport, destination, nowNs);
        }
        return this;
    }

    /** The media relay reports endpoint {@code endpointId}'s pair silent now, as the node's report reader would. */
    public EngineHarness mediaIdle(final long endpointId)
    {
        inputs.add(new Input(Input.MEDIA_IDLE, nowNs, 0, null, endpointId, null, 0, false, null, null));
        engine.onMediaIdle(endpointId, nowNs);
        if (mirror != null)
        {
            mirror.onMediaIdle(endpointId, nowNs);
        }
        return this;
    }

    /** The media relay could not open endpoint {@code endpointId} on {@code rtpPort}, as the report reader says. */
    public EngineHarness mediaOpenFailed(final long endpointId, final int rtpPort, final int failure)
    {
        inputs.add(new Input(Input.MEDIA_OPEN_FAILED, nowNs, failure, null, endpointId, null, rtpPort, false, null,
            null));
        engine.onMediaOpenFailed(endpointId, rtpPort, failure, nowNs);
        if (mirror != null)
        {
            mirror.onMediaOpenFailed(endpointId, rtpPort, failure, nowNs);
        }
        return this;
    }

    /** The media relay closed endpoint {@code endpointId} and reports its figures now, as the report reader would. */
    public EngineHarness mediaStats(final long endpointId, final MediaFigures figures)
    {
        inputs.add(new Input(Input.MEDIA_STATS, nowNs, 0, null, endpointId, null, 0, false, null, figures));
        engine.onMediaStats(endpointId, figures, nowNs);
        if (mirror != null)
        {
            mirror.onMediaStats(endpointId, figures, nowNs);
        }
        return this;
    }

    /** A webhook's answer arrives now, as the webhook client would publish it. */
    public EngineHarness webhookAnswer(final long requestId, final boolean accept, final String target)
    {
        inputs.add(Input.webhook(nowNs, requestId, accept, target));
        engine.onWebhookAnswer(requestId, accept, target, nowNs);
        if (mirror != null)
        {
            mirror.onWebhookAnswer(requestId, accept, target, nowNs);
        }
        return this;
    }

    /** Moves the clock on by {@code millis}, ticking every 10 ms. */
    public EngineHarness advanceMs(final long millis)
    {
        final long end = nowNs + TimeUnit.MILLISECONDS.toNanos(millis);
        while (nowNs < end)
        {
            nowNs = Math.min(end, nowNs + TICK_NS);
            inputs.add(Input.tick(nowNs));
            engine.onTick(nowNs);
            if (mirror != null)
            {
                mirror.onTick(nowNs);
            }
        }
        return this;
    }

    /** Messages sent since the last call. */
    public List<Sent> drain()
    {
        final List<Sent> fresh = new ArrayList<>(sent.subList(drained, sent.size()));
        drained = sent.size();
        return fresh;
    }

    /** All messages sent so far. */
    public List<Sent> all()
    {
        return sent;
    }

    /** The one message among those not yet drained that matches; fails when none or several match. */
    public Sent expectOne(final Predicate<Sent> match, final String description)
    {
        final List<Sent> fresh = drain();
        final List<Sent> matching = fresh.stream().filter(match).toList();
        if (matching.size() != 1)
        {
            throw new AssertionError("expected exactly one " + description + " but got " + matching.size() +
                " among " + fresh);
        }
        return matching.get(0);
    }

    public static Predicate<Sent> request(final String method, final InetSocketAddress to)
    {
        return s -> s.isRequest(method) && s.destination.equals(to);
    }

    public static Predicate<Sent> response(final int status, final InetSocketAddress to)
    {
        return s -> s.isResponse(status) && s.destination.equals(to);
    }

    /** True when the engine holds no call, dialog, transaction or timer. */
    public boolean isIdle()
    {
        return engine.activeCalls() == 0 && engine.dialogs() == 0 && engine.transactions() == 0 &&
            engine.timers() == 0;
    }

    public String state()
    {
        return "calls=" + engine.activeCalls() + " dialogs=" + engine.dialogs() + " transactions=" +
            engine.transactions() + " timers=" + engine.timers();
    }
}
