package dev.referee.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.referee.engine.EngineHarness.CALLEE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every RFC 4475 torture message through the engine: the answer a sender gets, or that none is sent. */
class TortureMessagesTest
{
    /** The corpus is kept once, with the codec's tests. */
    private static final Path CORPUS = Path.of("..", "proxy-core", "src", "test", "resources", "rfc4475");
    private static final java.net.InetSocketAddress SENDER = new java.net.InetSocketAddress("127.0.0.1", 5099);

    static Stream<Arguments> messages() throws IOException
    {
        try (InputStream in = TortureMessagesTest.class.getResourceAsStream("/rfc4475-engine.tsv"))
        {
            assertNotNull(in);
            final List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
            try (Stream<Path> files = Files.list(CORPUS))
            {
                assertEquals(files.filter(f -> f.toString().endsWith(".dat")).count(), lines.size(),
                    "one row per corpus file");
            }
            return lines.stream().map(line -> line.split("\t")).map(f -> Arguments.of(f[0], f[1], f[2]));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("messages")
    void shouldAnswerEachTortureMessageAsRfc4475Expects(final String file, final String answer, final String why)
        throws IOException
    {
        final EngineHarness harness = new EngineHarness().allowMalformedEchoes();
        final byte[] bytes = Files.readAllBytes(CORPUS.resolve(file));
        harness.receive(SENDER, new String(bytes, StandardCharsets.ISO_8859_1));
        final List<Sent> out = harness.drain();
        switch (answer)
        {
            case "none" -> assertTrue(out.isEmpty(), why + ": " + out);
            case "relayed" ->
            {
                assertTrue(out.size() == 2 && out.get(0).isResponse(100) && out.get(1).isRequest("INVITE") &&
                    out.get(1).destination.equals(CALLEE), why + ": " + out);
            }
            default ->
            {
                assertEquals(1, out.size(), why + ": " + out);
                assertEquals(Integer.parseInt(answer), out.get(0).status(), why + ": " + out.get(0).text);
                if (out.get(0).status() == 400 || out.get(0).status() == 505)
                {
                    assertTrue(out.get(0).text.contains("\r\nWarning: 399 referee \""), "the reason is given: " +
                        out.get(0).text);
                }
            }
        }
    }
}
