package dev.referee.sip;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4475 §3: every torture message has the outcome written down in rfc4475/expected.tsv. */
class Rfc4475TortureTest
{
    static List<Corpus.Row> rows()
    {
        return Corpus.expected("rfc4475");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldHaveTheExpectedOutcome(final Corpus.Row row)
    {
        final SipMessage message = Corpus.parse("rfc4475/" + row.file());
        if (row.parsed())
        {
            assertNull(message.errorReason(), row.file());
        }
        else
        {
            assertNotNull(message.errorReason(), row.file());
            assertTrue(message.errorReason().contains(row.reason()), row.file() + ": " + message.errorReason());
        }
    }

    @Test
    void shouldHaveARowForEveryMessageInTheManifest() throws URISyntaxException
    {
        final Set<String> inTable = rows().stream()
            .map(Corpus.Row::file)
            .collect(Collectors.toCollection(TreeSet::new));
        final Set<String> inManifest = new TreeSet<>(Corpus.files("rfc4475", "MANIFEST.tsv"));
        assertEquals(49, inManifest.size());
        assertEquals(inManifest, inTable);
        final File directory = new File(Corpus.class.getResource("/rfc4475/MANIFEST.tsv").toURI()).getParentFile();
        final Set<String> onDisk = Arrays.stream(directory.list((dir, name) -> name.endsWith(".dat")))
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inManifest, onDisk);
    }

    @Test
    void shouldReadEveryFieldOfTheTortuousInvite()
    {
        final SipMessage message = Corpus.parse("rfc4475/wsinv.dat");
        assertTrue(message.isRequest());
        assertEquals(SipMethod.INVITE, message.method());
        assertEquals("wsinv.ndaksdj@192.0.2.1", message.callId().toString());
        assertEquals(9, message.cseqNumber());
        assertEquals(SipMethod.INVITE, message.cseqMethod());
        assertEquals(68, message.maxForwards());
        assertEquals(150, message.contentLength());
        assertEquals("application/sdp", message.contentType().toString());
        assertEquals(3, message.viaCount());
        final Via via = message.topVia();
        assertEquals("UDP", via.transport().toString());
        assertEquals("192.0.2.2", via.host().toString());
        assertEquals("390skdjuw", via.branch().toString());
        assertFalse(via.hasRfc3261Branch());
        assertEquals("sip:vivekg@chair-dnrc.example.com", message.to().uri().toString());
        assertEquals("1918181833n", message.to().tag().toString());
        assertEquals("98asjd8", message.from().tag().toString());
        assertEquals("\"J Rosenberg \\\\\\\"\"", message.from().displayName().toString());
        final NameAddr contact = message.contact();
        assertNotNull(contact);
        assertEquals("\"Quoted string \\\"\\\"\"", contact.displayName().toString());
        final AsciiView value = new AsciiView();
        assertTrue(contact.param("newparam", value));
        assertEquals("newvalue", value.toString());
        assertTrue(contact.param("q", value));
        assertEquals("0.33", value.toString());
        assertTrue(contact.param("secondparam", value));
        assertTrue(value.isEmpty());

        final Via second = new Via();
        final int first = message.findHeader(HeaderName.VIA, 0);
        final int secondIndex = message.findHeader(HeaderName.VIA, message.findHeader(HeaderName.VIA, first + 1) + 1);
        message.headerValue(message.findHeader(HeaderName.VIA, first + 1), value);
        assertTrue(second.wrap(value.buffer(), value.offset(), value.length()));
        assertEquals("TCP", second.transport().toString());
        assertEquals("spindle.example.com", second.host().toString());
        assertEquals("z9hG4bK9ikj8", second.branch().toString());
        message.headerValue(secondIndex, value);
        assertTrue(second.wrap(value.buffer(), value.offset(), value.length()));
        assertEquals("192.168.255.111", second.host().toString());
        assertEquals("z9hG4bK30239", second.branch().toString());
        assertEquals(message.bodyOffset() + 150, message.length());
        assertTrue(message.requestUriView().param("unknownparam", value));
    }

    @Test
    void shouldUseOnlyTheFirstMessageOfADatagramWithTrailingOctets()
    {
        final UnsafeBuffer buffer = Corpus.buffer("rfc4475/dblreq.dat");
        final SipMessage message = new SipMessage();
        assertTrue(message.parse(buffer, 0, buffer.capacity()));
        assertEquals(SipMethod.REGISTER, message.method());
        assertEquals("dblreq.0ha0isndaksdj99sdfafnl3lk233412", message.callId().toString());
        assertEquals(0, message.contentLength());
        final String text = buffer.getStringWithoutLengthAscii(0, buffer.capacity());
        assertEquals(text.indexOf("\r\n\r\n") + 4, message.length());
        assertEquals(message.length(), message.bodyOffset());
        assertTrue(message.length() < buffer.capacity());
    }

    @Test
    void shouldKeepEscapesAndReadUnusualCharacters()
    {
        final SipMessage esc01 = Corpus.parse("rfc4475/esc01.dat");
        assertEquals("sips%3Auser%40example.com", esc01.requestUriView().user().toString());
        assertEquals("example.net", esc01.requestUriView().host().toString());
        assertEquals("sip:%75se%72@example.com", esc01.to().uri().toString());
        final AsciiView value = new AsciiView();
        assertTrue(esc01.contact().uriView().param("n%61me", value));
        assertEquals("v%61lue%25%34%31", value.toString());

        final SipMessage intmeth = Corpus.parse("rfc4475/intmeth.dat");
        assertEquals(SipMethod.UNKNOWN, intmeth.method());
        assertEquals("!interesting-Method0123456789_*+`.%indeed'~", intmeth.methodName().toString());
        assertEquals("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", intmeth.requestUriView().user().toString());
        assertEquals("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", intmeth.requestUriView().password().toString());
        assertEquals("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", intmeth.callId().toString());
        assertEquals("z9hG4bK-.!%66*_+`'~", intmeth.topVia().branch().toString());
        assertEquals("_token~1'+`*%!-.", intmeth.from().tag().toString());

        final SipMessage esc02 = Corpus.parse("rfc4475/esc02.dat");
        assertEquals("RE%47IST%45R", esc02.methodName().toString());
        assertEquals(2, countOf(esc02, HeaderName.CONTACT));
        assertEquals(SipMethod.UNKNOWN, esc02.method());
    }

    @Test
    void shouldReadLongValues()
    {
        final SipMessage message = Corpus.parse("rfc4475/longreq.dat");
        assertEquals(34, message.viaCount());
        assertEquals("sip33.example.com", message.topVia().host().toString());
        assertEquals(3882340, message.cseqNumber());
        assertTrue(message.callId().toString().startsWith("longreq.onereallyreally"));
        assertTrue(message.callId().toString().endsWith("longcallid"));
        assertEquals(6000, message.to().uriView().port());
        assertTrue(message.from().tag().toString().endsWith("982424"));
        final Via last = new Via();
        final AsciiView value = new AsciiView();
        int index = -1;
        for (int i = message.findHeader(HeaderName.VIA, 0); i >= 0; i = message.findHeader(HeaderName.VIA, i + 1))
        {
            index = i;
        }
        message.headerValue(index, value);
        assertTrue(last.wrap(value.buffer(), value.offset(), value.length()));
        assertEquals("192.0.2.5", last.received().toString());
        assertTrue(last.branch().toString().endsWith("longbranchvalue"));
    }

    @Test
    void shouldAnswerRejectedRequestsThatCarryTheirIdentifiers()
    {
        for (final String file : List.of("ncl", "scalar02", "ltgtruri", "lwsruri", "lwsstart", "trws",
            "escruri", "badvers", "mismatch01", "mismatch02", "multi01", "mcl01", "quotbal", "badaspec", "baddn"))
        {
            final SipMessage message = Corpus.parse("rfc4475/" + file + ".dat");
            assertNotNull(message.errorReason(), file);
            assertTrue(message.canRespond(), file);
        }
        assertFalse(Corpus.parse("rfc4475/insuf.dat").canRespond());
        assertFalse(Corpus.parse("rfc4475/badinv01.dat").canRespond());
        assertFalse(Corpus.parse("rfc4475/bigcode.dat").canRespond());
        assertFalse(Corpus.parse("rfc4475/scalarlg.dat").canRespond());
    }

    @Test
    void shouldLeaveApplicationChecksToTheEngine()
    {
        assertEquals(0, Corpus.parse("rfc4475/zeromf.dat").maxForwards());
        assertFalse(Corpus.parse("rfc4475/unkscm.dat").requestUriView().isSip());
        assertEquals("nobodyKnowsThisScheme", Corpus.parse("rfc4475/unkscm.dat").requestUriView().scheme().toString());
        final SipMessage inv2543 = Corpus.parse("rfc4475/inv2543.dat");
        assertEquals(-1, inv2543.maxForwards());
        assertTrue(inv2543.topVia().branch().isEmpty());
        assertTrue(inv2543.from().tag().isEmpty());
        final SipMessage cparam01 = Corpus.parse("rfc4475/cparam01.dat");
        final AsciiView value = new AsciiView();
        assertTrue(cparam01.contact().param("unknownparam", value));
        assertFalse(cparam01.contact().uriView().param("unknownparam", value));
        final SipMessage cparam02 = Corpus.parse("rfc4475/cparam02.dat");
        assertTrue(cparam02.contact().uriView().param("unknownparam", value));
        assertFalse(cparam02.contact().param("unknownparam", value));
        final SipMessage regescrt = Corpus.parse("rfc4475/regescrt.dat");
        assertTrue(regescrt.contact().uriView().header("Route", value));
        assertEquals("%3Csip:sip.example.com%3E", value.toString());
        final SipMessage unreason = Corpus.parse("rfc4475/unreason.dat");
        assertEquals(200, unreason.statusCode());
        assertEquals(SipMethod.INVITE, unreason.method());
        final SipMessage noreason = Corpus.parse("rfc4475/noreason.dat");
        assertEquals(100, noreason.statusCode());
        assertTrue(noreason.reasonPhrase().isEmpty());
    }

    private static int countOf(final SipMessage message, final int id)
    {
        int count = 0;
        for (int i = 0; i < message.headerCount(); i++)
        {
            count += message.headerId(i) == id ? 1 : 0;
        }
        return count;
    }
}
