package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * A parsed SIP message: a flyweight over the bytes it was parsed from (RFC 3261 §7).
 * <p>
 * {@link #parse} indexes the start line and every header (name id, name range, value range); values of
 * list headers (Via, Route, Record-Route, Contact, ...) are split at top-level commas into one index entry
 * each (those of lists the parse does not check, such as Allow, when the index is first read). Typed views
 * (Via, From, To, Contact, CSeq...) are parsed on first use and cached until the next {@link #parse}. No
 * allocation after construction. Not thread-safe: one instance per pipeline slot, and even reads must not overlap
 * (the first read of the header index splits the lists the parse left whole; the ring's publish hands a slot from
 * the receive thread to the engine thread).
 */
public final class SipMessage
{
    /** Most header values (after list splitting) a message may carry; more is a parse failure. */
    public static final int MAX_HEADERS = 256;

    private static final String SIP_VERSION = "SIP/2.0";
    /** {@link #SIP_VERSION} as the word {@link SipChars#getLong} reads, and the mask of its seven bytes. */
    private static final long SIP_VERSION_WORD = SipChars.wordOf(SIP_VERSION, 0);
    private static final long SIP_VERSION_MASK = SipChars.firstBytesMask(SIP_VERSION.length());
    private static final long MAX_CSEQ = 0x7FFF_FFFFL;       // RFC 3261 §8.1.1.5: less than 2**31
    private static final int MAX_MAX_FORWARDS = 255;        // RFC 3261 §20.22: 0-255 in practice
    private static final int NO_ENTRY = HeaderIndex.NO_ENTRY;
    /** Bits of {@link #wrappedViews}: the typed views this parse has wrapped over a value. */
    private static final int REQUEST_URI_VIEW = 1;
    private static final int TOP_VIA_VIEW = 2;
    private static final int FROM_VIEW = 4;
    private static final int TO_VIEW = 8;
    private static final int CONTACT_VIEW = 16;

    /** The entries parsed; list values other than Via, Contact, Route, Record-Route are split on first read. */
    private HeaderIndex headerIndex = new HeaderIndex(MAX_HEADERS);
    /** Where {@link #entries()} splits them into; the two then trade places. */
    private HeaderIndex spareIndex = new HeaderIndex(MAX_HEADERS);
    private final HeaderLines headerLines = new HeaderLines();

    private final AsciiView methodName = new AsciiView();
    private final AsciiView requestUri = new AsciiView();
    private final AsciiView reasonPhrase = new AsciiView();
    private final AsciiView callId = new AsciiView();
    private final AsciiView cseqMethodName = new AsciiView();
    private final AsciiView contentType = new AsciiView();
    private final AsciiView scratchView = new AsciiView();
    private final SipUri requestUriView = new SipUri();
    private final Via topVia = new Via();
    private final Via scratchVia = new Via();
    private final NameAddr from = new NameAddr();
    private final NameAddr to = new NameAddr();
    private final NameAddr contact = new NameAddr();
    private final NameAddr scratchNameAddr = new NameAddr();

    private final ByteAccess access = new ByteAccess();

    private DirectBuffer buffer;
    /** The buffer's bytes at the same indexes, read by every scanner (see {@link ByteAccess}). */
    private byte[] bytes = ByteAccess.NONE;
    private int offset;
    private int messageLength;
    private String errorReason;
    private boolean request;
    private int method;
    private int statusCode;
    private boolean topViaValid;
    private boolean fromValid;
    private boolean toValid;
    private boolean contactValid;
    private boolean cseqValid;
    private long cseqNumber;
    private int cseqMethod;
    private int maxForwards;
    private int contentLength;
    private int bodyOffset;
    private int wrappedViews;

    /**
     * Parses {@code length} bytes at {@code offset}. The message ends where Content-Length says; bytes
     * after it (RFC 4475 §3.1.1.8) are ignored and {@link #length()} tells how many were used.
     *
     * @return true when the message is valid enough to be processed; otherwise {@link #errorReason()} says why.
     */
    public boolean parse(final DirectBuffer buffer, final int offset, final int length)
    {
        reset(buffer, offset);
        // Never read past what the caller gave, nor past the buffer itself.
        final int end = (int)Math.min((long)offset + Math.max(length, 0), buffer.capacity());
        if (offset < 0 || offset >= end)
        {
            fail(ParseErrors.EMPTY);
            emptyViewsNotWrapped();
            return false;
        }
        final byte[] array = access.array(buffer, offset, end);
        if (bytes != array)
        {
            bytes = array; // stored only when it changes, as in AsciiView.wrap: a GC write barrier per store
        }

        // RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives on streams).
        int pos = offset;
        while (pos < end && (bytes[pos] == SipChars.CR || bytes[pos] == SipChars.LF))
        {
            pos++;
        }
        final int startLineEnd = SipChars.indexOf(bytes, pos, end, SipChars.LF);
        if (pos >= end || startLineEnd < 0)
        {
            fail(pos >= end ? ParseErrors.EMPTY : ParseErrors.NO_END_OF_HEADERS);
            startLine(pos, end);
            messageLength = end - offset;
            emptyViewsNotWrapped();
            return false;
        }
        startLine(pos, withoutCr(pos, startLineEnd));

        final int bodyStart = headerLines.index(bytes, startLineEnd + 1, end, headerIndex);
        if (headerLines.errorReason() != null)
        {
            fail(headerLines.errorReason());
        }
        validate(bodyStart, end);
        if (bodyStart >= 0)
        {
            bodyOffset = bodyStart;
            messageLength = bodyStart + contentLength - offset;
        }
        else
        {
            bodyOffset = end;
            messageLength = end - offset;
        }
        emptyViewsNotWrapped();
        return errorReason == null;
    }

    /** After a failed parse: a constant, human-readable reason, e.g. "Malformed Via header". */
    public String errorReason()
    {
        return errorReason;
    }

    /**
     * After a failed parse: true when the message is a request (not ACK) whose Via, From, To, Call-ID and
     * CSeq could be read, so that a 400 can be sent back.
     */
    public boolean canRespond()
    {
        return request && method != SipMethod.ACK && !methodName.isEmpty() && topViaValid &&
            headerIndex.count(HeaderName.FROM) > 0 && headerIndex.count(HeaderName.TO) > 0 &&
            headerIndex.count(HeaderName.CALL_ID) > 0 && cseqValid;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /** Bytes of this message: start line, headers, blank line and Content-Length bytes of body. */
    public int length()
    {
        return messageLength;
    }

    public boolean isRequest()
    {
        return request;
    }

    /** The request's method, or for a response the CSeq method, as a {@link SipMethod} flag. */
    public int method()
    {
        return request ? method : cseqMethod;
    }

    /** The method text of the request line (or of CSeq for a response); kept for unknown methods. */
    public AsciiView methodName()
    {
        return request ? methodName : cseqMethodName;
    }

    /** Request-URI text as received. */
    public AsciiView requestUri()
    {
        return requestUri;
    }

    /** Request-URI parsed. */
    public SipUri requestUriView()
    {
        return requestUriView;
    }

    public int statusCode()
    {
        return statusCode;
    }

    public AsciiView reasonPhrase()
    {
        return reasonPhrase;
    }

    // ---- the header index ------------------------------------------------------------------------------

    /** Number of indexed header values (list headers count once per value). */
    public int headerCount()
    {
        return entries().size();
    }

    /** {@link HeaderName} id of entry {@code index}. */
    public int headerId(final int index)
    {
        return entries().id(index);
    }

    /** Points {@code into} at the name of entry {@code index}, as received (compact or long form). */
    public AsciiView headerName(final int index, final AsciiView into)
    {
        final HeaderIndex entries = entries();
        return into.wrap(buffer, entries.nameOffset(index), entries.nameLength(index));
    }

    /** Points {@code into} at the value of entry {@code index}, leading and trailing whitespace trimmed. */
    public AsciiView headerValue(final int index, final AsciiView into)
    {
        final HeaderIndex entries = entries();
        return into.wrap(buffer, entries.valueOffset(index), entries.valueLength(index));
    }

    /** Index of the first entry with {@code headerId} at or after {@code fromIndex}; -1 when none. */
    public int findHeader(final int headerId, final int fromIndex)
    {
        return entries().find(headerId, fromIndex);
    }

    /** Points {@code into} at the first value of {@code headerId}; returns false (and resets it) when absent. */
    public boolean header(final int headerId, final AsciiView into)
    {
        final int index = findHeader(headerId, 0);
        if (index == NO_ENTRY)
        {
            into.reset();
            return false;
        }
        headerValue(index, into);
        return true;
    }

    // ---- typed views (parsed on first use) -----------------------------------------------------------------

    /** The first (topmost) Via value. */
    public Via topVia()
    {
        return topVia;
    }

    /** Number of Via values. */
    public int viaCount()
    {
        return headerIndex.count(HeaderName.VIA);
    }

    public NameAddr from()
    {
        return from;
    }

    public NameAddr to()
    {
        return to;
    }

    /** The first Contact value; {@code null} when there is none or it is "*". */
    public NameAddr contact()
    {
        return contactValid ? contact : null;
    }

    public AsciiView callId()
    {
        return callId;
    }

    public long cseqNumber()
    {
        return cseqNumber;
    }

    /** CSeq method as a {@link SipMethod} flag. */
    public int cseqMethod()
    {
        return cseqMethod;
    }

    public AsciiView cseqMethodName()
    {
        return cseqMethodName;
    }

    /** Max-Forwards value, or -1 when absent. */
    public int maxForwards()
    {
        return maxForwards;
    }

    /** Content-Length value (0 when absent on a datagram). */
    public int contentLength()
    {
        return contentLength;
    }

    /** The Content-Type value as received; empty when absent. */
    public AsciiView contentType()
    {
        return contentType;
    }

    public int bodyOffset()
    {
        return bodyOffset;
    }

    public int bodyLength()
    {
        return contentLength;
    }

    int valueOffset(final int index)
    {
        return entries().valueOffset(index);
    }

    int valueLength(final int index)
    {
        return entries().valueLength(index);
    }

    /** The index as callers see it: every list value split (see {@link HeaderLines#split}). */
    private HeaderIndex entries()
    {
        if (headerIndex.hasUnsplit())
        {
            headerLines.split(bytes, headerIndex, spareIndex);
            final HeaderIndex split = spareIndex;
            spareIndex = headerIndex;
            headerIndex = split;
        }
        return headerIndex;
    }

    /** True when the To header was readable as a name-addr (a response may then add a tag to it). */
    boolean toValid()
    {
        return toValid;
    }

    /** True when the From header was readable as a name-addr. */
    boolean fromValid()
    {
        return fromValid;
    }

    // ---- parsing ---------------------------------------------------------------------------------------------

    private void reset(final DirectBuffer buffer, final int offset)
    {
        if (this.buffer != buffer)
        {
            this.buffer = buffer;
        }
        // bytes keeps the last array until parse() sets it: nothing reads it before then (every view is empty).
        this.offset = offset;
        messageLength = 0;
        errorReason = null;
        request = false;
        method = SipMethod.UNKNOWN;
        statusCode = 0;
        topViaValid = false;
        fromValid = false;
        toValid = false;
        contactValid = false;
        cseqValid = false;
        cseqNumber = -1;
        cseqMethod = SipMethod.UNKNOWN;
        maxForwards = -1;
        contentLength = 0;
        bodyOffset = offset;
        headerIndex.clear();
        methodName.reset();
        requestUri.reset();
        reasonPhrase.reset();
        callId.reset();
        cseqMethodName.reset();
        contentType.reset();
        wrappedViews = 0;
    }

    /**
     * Empties the typed views this parse did not wrap over a value, so that none shows the last message. Done at the
     * end rather than in {@link #reset}: most parses wrap every one of them, and a wrap is itself a full reset.
     */
    private void emptyViewsNotWrapped()
    {
        final int wrapped = wrappedViews;
        if ((wrapped & REQUEST_URI_VIEW) == 0)
        {
            requestUriView.wrap(buffer, bytes, offset, 0);
        }
        if ((wrapped & TOP_VIA_VIEW) == 0)
        {
            topVia.wrap(buffer, bytes, offset, 0);
        }
        if ((wrapped & FROM_VIEW) == 0)
        {
            from.wrap(buffer, bytes, offset, 0);
        }
        if ((wrapped & TO_VIEW) == 0)
        {
            to.wrap(buffer, bytes, offset, 0);
        }
        if ((wrapped & CONTACT_VIEW) == 0)
        {
            contact.wrap(buffer, bytes, offset, 0);
        }
    }

    private void fail(final String reason)
    {
        if (errorReason == null)
        {
            errorReason = reason;
        }
    }

    private int withoutCr(final int from, final int lf)
    {
        return lf > from && bytes[lf - 1] == SipChars.CR ? lf - 1 : lf;
    }

    /** Request-Line or Status-Line (RFC 3261 §7.1, §7.2): exactly one SP between elements. */
    private void startLine(final int from, final int to)
    {
        if (to - from >= 4 && SipChars.equalsExact(bytes, from, from + 4, "SIP/"))
        {
            statusLine(from, to);
        }
        else
        {
            requestLine(from, to);
        }
    }

    private void statusLine(final int from, final int to)
    {
        request = false;
        final int sp = SipChars.indexOf(bytes, from, to, SipChars.SP);
        if (sp < 0)
        {
            fail(ParseErrors.MALFORMED_STATUS_LINE);
            return;
        }
        if (!isSipVersion(from, sp))
        {
            fail(ParseErrors.UNSUPPORTED_VERSION);
            return;
        }
        int codeEnd = sp + 1;
        while (codeEnd < to && SipChars.isDigit(bytes[codeEnd]))
        {
            codeEnd++;
        }
        final long code = SipChars.parseNumber(bytes, sp + 1, codeEnd, 3, 699);
        if (code < 100 || codeEnd - sp - 1 != 3 || (codeEnd < to && bytes[codeEnd] != SipChars.SP))
        {
            fail(ParseErrors.BAD_STATUS_CODE);
            return;
        }
        statusCode = (int)code;
        // An empty Reason-Phrase is legal (RFC 4475 §3.1.1.13); a missing SP before it is tolerated.
        final int reasonStart = Math.min(codeEnd + 1, to);
        reasonPhrase.wrap(buffer, reasonStart, to - reasonStart);
    }

    private void requestLine(final int from, final int to)
    {
        request = true;
        final int sp1 = SipChars.indexOf(bytes, from, to, SipChars.SP);
        if (sp1 < 0)
        {
            fail(ParseErrors.MALFORMED_REQUEST_LINE);
            return;
        }
        if (sp1 == from || SipChars.skipToken(bytes, from, sp1) != sp1)
        {
            fail(ParseErrors.BAD_METHOD);
            return;
        }
        methodName.wrap(buffer, from, sp1 - from);
        method = SipMethod.lookup(bytes, from, sp1 - from);
        final int sp2 = SipChars.indexOf(bytes, sp1 + 1, to, SipChars.SP);
        if (sp2 < 0 || sp2 == sp1 + 1)
        {
            fail(ParseErrors.MALFORMED_REQUEST_LINE);
            return;
        }
        requestUri.wrap(buffer, sp1 + 1, sp2 - sp1 - 1);
        if (!isSipVersion(sp2 + 1, to))
        {
            final boolean otherVersion = to - sp2 > 5 && SipChars.equalsExact(bytes, sp2 + 1, sp2 + 5, "SIP/") &&
                SipChars.indexOf(bytes, sp2 + 1, to, SipChars.SP) < 0;
            fail(otherVersion ? ParseErrors.UNSUPPORTED_VERSION : ParseErrors.MALFORMED_REQUEST_LINE);
            return;
        }
        wrappedViews |= REQUEST_URI_VIEW;
        if (!requestUriView.wrap(buffer, bytes, sp1 + 1, sp2 - sp1 - 1))
        {
            fail(ParseErrors.BAD_REQUEST_URI);
        }
        else if (requestUriView.isSip() && !requestUriView.headers().isEmpty())
        {
            // RFC 3261 §19.1.5: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
            fail(ParseErrors.REQUEST_URI_HEADERS);
        }
    }

    /** True when [from, to) is "SIP/2.0", case included: one word compare where the array has room for a word. */
    private boolean isSipVersion(final int from, final int to)
    {
        if (to - from != SIP_VERSION.length())
        {
            return false;
        }
        if (from + Long.BYTES > bytes.length)
        {
            return SipChars.equalsExact(bytes, from, to, SIP_VERSION);
        }
        return (SipChars.getLong(bytes, from) & SIP_VERSION_MASK) == SIP_VERSION_WORD;
    }

    /** The checks of the validation policy, in an order that keeps the most telling reason first. */
    private void validate(final int bodyStart, final int end)
    {
        vias();
        fromValid = single(HeaderName.FROM, ParseErrors.MISSING_FROM, ParseErrors.MULTIPLE_FROM) &&
            nameAddr(HeaderName.FROM, from, FROM_VIEW, ParseErrors.MALFORMED_FROM);
        toValid = single(HeaderName.TO, ParseErrors.MISSING_TO, ParseErrors.MULTIPLE_TO) &&
            nameAddr(HeaderName.TO, to, TO_VIEW, ParseErrors.MALFORMED_TO);
        single(HeaderName.CALL_ID, ParseErrors.MISSING_CALL_ID, ParseErrors.MULTIPLE_CALL_ID);
        single(HeaderName.CSEQ, ParseErrors.MISSING_CSEQ, ParseErrors.MULTIPLE_CSEQ);
        maxForwardsValue();
        contacts();
        contentTypeValue();
        contentLengthValue(bodyStart, end);
    }

    /** Read from the parse's own index: {@link #header} would split the unsplit lists (see {@link #entries}). */
    private void contentTypeValue()
    {
        final int index = headerIndex.first(HeaderName.CONTENT_TYPE);
        if (index != NO_ENTRY)
        {
            contentType.wrap(buffer, headerIndex.valueOffset(index), headerIndex.valueLength(index));
        }
    }

    private boolean single(final int id, final String missing, final String multiple)
    {
        final int count = headerIndex.count(id);
        if (count == 0)
        {
            fail(missing);
        }
        else if (count > 1)
        {
            fail(multiple);
        }
        // The first value is still read, so that a 400 can copy it (RFC 4475 §3.3.8).
        if (id == HeaderName.CSEQ && count > 0)
        {
            cseqValue();
        }
        if (id == HeaderName.CALL_ID && count > 0)
        {
            callIdValue();
        }
        return count > 0;
    }

    private void vias()
    {
        if (headerIndex.count(HeaderName.VIA) == 0)
        {
            fail(ParseErrors.MISSING_VIA);
            return;
        }
        // Stops at the last Via rather than the last header: Vias come first, and most headers follow them.
        int remaining = headerIndex.count(HeaderName.VIA);
        for (int i = headerIndex.first(HeaderName.VIA); remaining > 0; i++)
        {
            if (headerIndex.id(i) == HeaderName.VIA)
            {
                remaining--;
                final boolean top = i == headerIndex.first(HeaderName.VIA);
                final Via via = top ? topVia : scratchVia;
                wrappedViews |= top ? TOP_VIA_VIEW : 0;
                final boolean valid = via.wrap(buffer, bytes, headerIndex.valueOffset(i), headerIndex.valueLength(i));
                topViaValid |= top && valid;
                if (!valid)
                {
                    fail(ParseErrors.MALFORMED_VIA);
                }
            }
        }
    }

    private boolean nameAddr(final int id, final NameAddr view, final int viewBit, final String malformed)
    {
        final int index = headerIndex.first(id);
        wrappedViews |= viewBit;
        if (!view.wrap(buffer, bytes, headerIndex.valueOffset(index), headerIndex.valueLength(index)))
        {
            fail(malformed);
            return false;
        }
        return true;
    }

    private void callIdValue()
    {
        final int index = headerIndex.first(HeaderName.CALL_ID);
        final int start = headerIndex.valueOffset(index);
        final int end = start + headerIndex.valueLength(index);
        callId.wrap(buffer, start, end - start);
        for (int i = start; i < end; i++)
        {
            // Outside '!'..'~' in one unsigned compare: below '!' wraps to a large char.
            if ((char)((bytes[i] & 0xFF) - '!') > '~' - '!')
            {
                fail(ParseErrors.MALFORMED_CALL_ID);
                return;
            }
        }
        if (start == end)
        {
            fail(ParseErrors.MALFORMED_CALL_ID);
        }
    }

    /** {@code CSeq = 1*DIGIT LWS Method}, the number below 2**31 (RFC 3261 §8.1.1.5). */
    private void cseqValue()
    {
        if (cseqValid)
        {
            return;
        }
        final int index = headerIndex.first(HeaderName.CSEQ);
        final int start = headerIndex.valueOffset(index);
        final int end = start + headerIndex.valueLength(index);
        int numberEnd = start;
        while (numberEnd < end && SipChars.isDigit(bytes[numberEnd]))
        {
            numberEnd++;
        }
        final int methodStart = SipChars.skipLws(bytes, numberEnd, end);
        final int methodEnd = SipChars.skipToken(bytes, methodStart, end);
        if (numberEnd == start || methodStart == numberEnd || methodStart == methodEnd || methodEnd != end)
        {
            fail(ParseErrors.MALFORMED_CSEQ);
            return;
        }
        cseqMethodName.wrap(buffer, methodStart, methodEnd - methodStart);
        cseqMethod = SipMethod.lookup(bytes, methodStart, methodEnd - methodStart);
        // An overlarge number still leaves the header readable: a 400 copies it (RFC 4475 §3.1.2.4).
        cseqValid = true;
        cseqNumber = SipChars.parseNumber(bytes, start, numberEnd, 10, MAX_CSEQ);
        if (cseqNumber < 0)
        {
            fail(ParseErrors.MALFORMED_CSEQ);
        }
        if (request && !methodName.isEmpty() && (cseqMethod != method || !sameBytes(cseqMethodName, methodName)))
        {
            // RFC 4475 §3.1.2.17/18: compared as text, so that two different unknown methods do not match.
            fail(ParseErrors.CSEQ_METHOD_MISMATCH);
        }
    }

    /** {@link AsciiView#contentEquals} for two views of this message, read from the array: no bounds check a byte. */
    private boolean sameBytes(final AsciiView a, final AsciiView b)
    {
        if (a.length() != b.length())
        {
            return false;
        }
        for (int i = 0; i < a.length(); i++)
        {
            if (bytes[a.offset() + i] != bytes[b.offset() + i])
            {
                return false;
            }
        }
        return true;
    }

    private void maxForwardsValue()
    {
        final int count = headerIndex.count(HeaderName.MAX_FORWARDS);
        if (count > 1)
        {
            fail(ParseErrors.MULTIPLE_MAX_FORWARDS);
        }
        if (count > 0)
        {
            final int index = headerIndex.first(HeaderName.MAX_FORWARDS);
            final int start = headerIndex.valueOffset(index);
            final int end = start + headerIndex.valueLength(index);
            maxForwards = (int)SipChars.parseNumber(bytes, start, end, 9, MAX_MAX_FORWARDS);
            if (maxForwards < 0)
            {
                fail(ParseErrors.MALFORMED_MAX_FORWARDS);
            }
        }
    }

    private void contacts()
    {
        if (headerIndex.count(HeaderName.CONTACT) == 0)
        {
            return;
        }
        // Stops at the last Contact rather than the last header (see vias).
        int remaining = headerIndex.count(HeaderName.CONTACT);
        for (int i = headerIndex.first(HeaderName.CONTACT); remaining > 0; i++)
        {
            if (headerIndex.id(i) != HeaderName.CONTACT)
            {
                continue;
            }
            remaining--;
            final boolean first = i == headerIndex.first(HeaderName.CONTACT);
            final int start = headerIndex.valueOffset(i);
            final int length = headerIndex.valueLength(i);
            if (length == 1 && bytes[start] == '*')
            {
                continue;
            }
            wrappedViews |= first ? CONTACT_VIEW : 0;
            final boolean valid = (first ? contact : scratchNameAddr).wrap(buffer, bytes, start, length);
            contactValid |= first && valid;
            if (!valid)
            {
                fail(ParseErrors.MALFORMED_CONTACT);
            }
        }
    }

    private void contentLengthValue(final int bodyStart, final int end)
    {
        final int count = headerIndex.count(HeaderName.CONTENT_LENGTH);
        if (count > 1)
        {
            // RFC 4475 §3.3.9: the framing is ambiguous, whatever the values.
            fail(ParseErrors.MULTIPLE_CONTENT_LENGTH);
        }
        if (count == 0)
        {
            return;
        }
        final int index = headerIndex.first(HeaderName.CONTENT_LENGTH);
        final int start = headerIndex.valueOffset(index);
        final int valueEnd = start + headerIndex.valueLength(index);
        final long value = SipChars.parseNumber(bytes, start, valueEnd, 10, Integer.MAX_VALUE);
        if (value < 0)
        {
            fail(ParseErrors.MALFORMED_CONTENT_LENGTH);
            return;
        }
        if (bodyStart >= 0 && value > end - bodyStart)
        {
            fail(ParseErrors.CONTENT_LENGTH_TOO_LARGE);
            return;
        }
        if (bodyStart >= 0)
        {
            contentLength = (int)value;
        }
    }
}
