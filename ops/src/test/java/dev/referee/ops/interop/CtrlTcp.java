package dev.referee.ops.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection to baresip's {@code ctrl_tcp} module (baresip 1.0): JSON objects framed as netstrings
 * ({@code LENGTH:JSON,}) both ways. A command {@code {"command": "dial", "params": "sip:...", "token": "7"}} is
 * answered by {@code {"response": true, "ok": true, "data": "...", "token": "7"}}; in between, baresip sends events
 * such as {@code {"event": true, "type": "CALL_INCOMING", "id": CALL-ID, "peeruri": "sip:..."}}. A daemon thread
 * reads both: answers are matched to their command by token, events kept in arrival order for the test to await.
 */
final class CtrlTcp implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A netstring longer than this is not baresip talking (its longest answer, help, is about 2 KB). */
    private static final int MAX_NETSTRING = 1 << 20;

    /** An event as baresip sent it; {@code callId} is the Call-ID of the phone's own dialog. */
    record Event(String type, String callId, String peerUri, String param, String raw)
    {
    }

    /** A command's answer: {@code ok} false when baresip refused it; {@code data} is the text the command printed. */
    record Answer(boolean ok, String data)
    {
    }

    private final Socket socket;
    private final OutputStream out;
    private final Thread reader;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger tokens = new AtomicInteger();
    private final AtomicReference<String> readerEnd = new AtomicReference<>();

    private CtrlTcp(final Socket socket, final String name) throws IOException
    {
        this.socket = socket;
        this.out = socket.getOutputStream();
        final InputStream in = new BufferedInputStream(socket.getInputStream());
        this.reader = new Thread(() -> readLoop(in), "ctrl_tcp-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to ctrl_tcp on the loopback port. */
    static CtrlTcp connect(final int port, final String name, final Duration timeout) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress(Ports.LOOPBACK, port), (int)timeout.toMillis());
        socket.setTcpNoDelay(true);
        return new CtrlTcp(socket, name);
    }

    /**
     * Sends a command (a menu command of baresip: dial, accept, hangup, transfer, listcalls, ...) and waits for its
     * answer; fails when none comes within the timeout.
     */
    Answer command(final String command, final String params, final Duration timeout)
    {
        final String token = Integer.toString(tokens.incrementAndGet());
        final ObjectNode request = JSON.createObjectNode().put("command", command).put("token", token);
        if (params != null)
        {
            request.put("params", params);
        }
        final byte[] body = request.toString().getBytes(StandardCharsets.UTF_8);
        try
        {
            synchronized (out)
            {
                out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write(',');
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot send '" + command + "' to baresip's ctrl_tcp: " + ex, ex);
        }
        if (!Ports.await(() -> answers.containsKey(token) || readerEnd.get() != null, timeout) ||
            !answers.containsKey(token))
        {
            throw new AssertionError("baresip did not answer '" + command + " " + (params == null ? "" : params) +
                "' within " + timeout + (readerEnd.get() == null ? "" : " (" + readerEnd.get() + ")"));
        }
        return answers.remove(token);
    }

    /** Every event received so far, oldest first. */
    List<Event> events()
    {
        return List.copyOf(events);
    }

    /** Why the connection ended, or null while it is open. */
    String ended()
    {
        return readerEnd.get();
    }

    private void readLoop(final InputStream in)
    {
        try
        {
            while (true)
            {
                final JsonNode message = JSON.readTree(readNetstring(in));
                if (message.path("response").asBoolean(false))
                {
                    answers.put(message.path("token").asText(""),
                        new Answer(message.path("ok").asBoolean(false), message.path("data").asText("")));
                }
                else if (message.path("event").asBoolean(false))
                {
                    events.add(new Event(message.path("type").asText(""), message.path("id").asText(""),
                        message.path("peeruri").asText(""), message.path("param").asText(""), message.toString()));
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            readerEnd.set(ex.toString());
        }
    }

    private static byte[] readNetstring(final InputStream in) throws IOException
    {
        int length = 0;
        int c;
        while ((c = in.read()) != ':')
        {
            if (c < '0' || c > '9' || length > MAX_NETSTRING)
            {
                throw new IOException(c < 0 ? "closed by baresip" : "not a netstring (byte " + c + ")");
            }
            length = length * 10 + (c - '0');
        }
        final byte[] body = in.readNBytes(length);
        if (body.length != length || in.read() != ',')
        {
            throw new IOException("netstring cut short");
        }
        return body;
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            // closing: nothing left to do with it
        }
    }

    /** Kept for the failure dump: events as baresip sent them. */
    String describeEvents()
    {
        final StringBuilder text = new StringBuilder();
        events.forEach(event -> text.append(event.raw()).append('\n'));
        return text.toString();
    }
}
