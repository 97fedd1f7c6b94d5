package dev.referee.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

/** Test messages from the classpath: the RFC 4475 / RFC 5118 corpora and their expected.tsv tables. */
final class Corpus
{
    record Row(String directory, String file, String outcome, String reason, String note)
    {
        boolean parsed()
        {
            return "parsed".equals(outcome);
        }

        @Override
        public String toString()
        {
            return file + " " + outcome + ("-".equals(reason) ? "" : " (" + reason + ")");
        }
    }

    private Corpus()
    {
    }

    static byte[] bytes(final String resource)
    {
        try (InputStream in = Corpus.class.getResourceAsStream("/" + resource))
        {
            if (in == null)
            {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static UnsafeBuffer buffer(final String resource)
    {
        return new UnsafeBuffer(bytes(resource));
    }

    static SipMessage parse(final String resource)
    {
        final UnsafeBuffer buffer = buffer(resource);
        final SipMessage message = new SipMessage();
        message.parse(buffer, 0, buffer.capacity());
        return message;
    }

    static UnsafeBuffer text(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    static List<Row> expected(final String directory)
    {
        final String table = new String(bytes(directory + "/expected.tsv"), StandardCharsets.UTF_8);
        final List<Row> rows = new ArrayList<>();
        for (final String line : table.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] columns = line.split("\t");
            rows.add(new Row(directory, columns[0], columns[1], columns[2], columns.length > 3 ? columns[3] : ""));
        }
        return rows;
    }

    /** Names of the .dat files of a corpus directory, read from its MANIFEST.tsv or expected.tsv. */
    static List<String> files(final String directory, final String listing)
    {
        final String table = new String(bytes(directory + "/" + listing), StandardCharsets.UTF_8);
        final List<String> files = new ArrayList<>();
        for (final String line : table.split("\n"))
        {
            if (!line.isBlank() && !line.startsWith("#"))
            {
                files.add(line.split("\t")[0]);
            }
        }
        return files;
    }
}
