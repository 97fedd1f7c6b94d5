package dev.referee.benchmarks.parser;

import java.nio.charset.StandardCharsets;

/**
 * The messages of one attended-transfer-capable basic call as desk phones send them (Polycom VVX / Yealink T4x
 * style headers: Allow, Supported, User-Agent, several Via on responses, Record-Route, Contact with parameters).
 * Content-Length is computed from the body, so an edit to a body never leaves a message inconsistent.
 */
public final class SipCorpus
{
    /** Names in the order of {@link #all()}; used as JMH parameter values. */
    public static final String[] NAMES =
    {
        "INVITE", "TRYING", "RINGING", "OK_INVITE", "ACK", "BYE", "OK_BYE", "REFER", "NOTIFY"
    };

    private static final String CALL_ID = "6a8c1e2f-33b1d9e4@10.20.30.41";
    private static final String FROM = "From: \"Alice Martin\" <sip:1001@pbx.example.com>;tag=8F3A9C21-7D54E0B6";
    private static final String TO = "To: <sip:1002@pbx.example.com>";
    private static final String TO_TAGGED = TO + ";tag=3e5d1a47b2";
    private static final String VIA_ALICE =
        "Via: SIP/2.0/UDP 10.20.30.41:5060;branch=z9hG4bK2f9b1c7e4a8d3;rport";
    private static final String VIA_ALICE_RECEIVED =
        "Via: SIP/2.0/UDP 10.20.30.41:5060;branch=z9hG4bK2f9b1c7e4a8d3;rport=5060;received=10.20.30.41";
    private static final String VIA_PROXY_1 = "Via: SIP/2.0/UDP 10.20.0.10:5060;branch=z9hG4bK7e1b.5c2a41e7.0";
    private static final String VIA_PROXY_2 =
        "Via: SIP/2.0/UDP 10.20.0.11:5060;received=10.20.0.11;branch=z9hG4bK7e1b.91fd3aa2.0;rport=5060";
    private static final String RECORD_ROUTE =
        "Record-Route: <sip:10.20.0.10;lr;ftag=8F3A9C21-7D54E0B6;did=a1c.5b2>, <sip:10.20.0.11;lr>";
    private static final String ALLOW =
        "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, MESSAGE, SUBSCRIBE, NOTIFY, PRACK, UPDATE, REFER";
    private static final String SUPPORTED = "Supported: 100rel,replaces,timer,norefersub";
    private static final String UA_POLYCOM = "User-Agent: PolycomVVX-VVX_450-UA/6.4.3.5018";
    private static final String UA_YEALINK = "User-Agent: Yealink SIP-T46U 108.86.0.40";
    private static final String CONTACT_ALICE =
        "Contact: <sip:1001@10.20.30.41:5060;transport=udp>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-" +
        "0004F2A1B2C3>\";methods=\"INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY, REFER, UPDATE\"";
    private static final String CONTACT_BOB = "Contact: <sip:1002@10.20.30.42:5060>;expires=3600";

    private static final String SDP_ALICE =
        "v=0\r\n" +
        "o=- 1700000001 1700000001 IN IP4 10.20.30.41\r\n" +
        "s=Polycom IP Phone\r\n" +
        "c=IN IP4 10.20.30.41\r\n" +
        "t=0 0\r\n" +
        "a=sendrecv\r\n" +
        "m=audio 2222 RTP/AVP 9 0 8 18 101\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:18 G729/8000\r\n" +
        "a=fmtp:18 annexb=no\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=ptime:20\r\n";

    private static final String SDP_BOB =
        "v=0\r\n" +
        "o=- 20024 20024 IN IP4 10.20.30.42\r\n" +
        "s=SDP data\r\n" +
        "c=IN IP4 10.20.30.42\r\n" +
        "t=0 0\r\n" +
        "m=audio 11796 RTP/AVP 9 101\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=ptime:20\r\n" +
        "a=sendrecv\r\n";

    private SipCorpus()
    {
    }

    /** Every message, in the order of {@link #NAMES}. */
    public static byte[][] all()
    {
        final byte[][] messages = new byte[NAMES.length][];
        for (int i = 0; i < NAMES.length; i++)
        {
            messages[i] = byName(NAMES[i]);
        }
        return messages;
    }

    public static byte[] byName(final String name)
    {
        switch (name)
        {
            case "INVITE":
                return message(SDP_ALICE, "application/sdp",
                    "INVITE sip:1002@pbx.example.com SIP/2.0",
                    VIA_ALICE,
                    FROM,
                    TO,
                    "CSeq: 1 INVITE",
                    "Call-ID: " + CALL_ID,
                    CONTACT_ALICE,
                    ALLOW,
                    SUPPORTED,
                    UA_POLYCOM,
                    "Accept-Language: en",
                    "Allow-Events: conference,talk,hold",
                    "Session-Expires: 1800",
                    "Min-SE: 90",
                    "Max-Forwards: 70");

            case "TRYING":
                return message(null, null,
                    "SIP/2.0 100 Trying",
                    VIA_PROXY_1,
                    VIA_PROXY_2,
                    VIA_ALICE_RECEIVED,
                    FROM,
                    TO,
                    "Call-ID: " + CALL_ID,
                    "CSeq: 1 INVITE",
                    UA_YEALINK);

            case "RINGING":
                return message(null, null,
                    "SIP/2.0 180 Ringing",
                    VIA_PROXY_1,
                    VIA_PROXY_2,
                    VIA_ALICE_RECEIVED,
                    RECORD_ROUTE,
                    CONTACT_BOB,
                    FROM,
                    TO_TAGGED,
                    "Call-ID: " + CALL_ID,
                    "CSeq: 1 INVITE",
                    ALLOW,
                    "Allow-Events: talk,hold,conference,refer,check-sync",
                    UA_YEALINK);

            case "OK_INVITE":
                return message(SDP_BOB, "application/sdp",
                    "SIP/2.0 200 OK",
                    VIA_PROXY_1,
                    VIA_PROXY_2,
                    VIA_ALICE_RECEIVED,
                    RECORD_ROUTE,
                    CONTACT_BOB,
                    FROM,
                    TO_TAGGED,
                    "Call-ID: " + CALL_ID,
                    "CSeq: 1 INVITE",
                    ALLOW,
                    "Supported: replaces,timer",
                    "Require: timer",
                    "Session-Expires: 1800;refresher=uac",
                    "Allow-Events: talk,hold,conference,refer,check-sync",
                    UA_YEALINK);

            case "ACK":
                return message(null, null,
                    "ACK sip:1002@10.20.30.42:5060 SIP/2.0",
                    "Via: SIP/2.0/UDP 10.20.30.41:5060;branch=z9hG4bK4c2e7a19b05f;rport",
                    "Route: <sip:10.20.0.11;lr>, <sip:10.20.0.10;lr;ftag=8F3A9C21-7D54E0B6;did=a1c.5b2>",
                    FROM,
                    TO_TAGGED,
                    "CSeq: 1 ACK",
                    "Call-ID: " + CALL_ID,
                    CONTACT_ALICE,
                    UA_POLYCOM,
                    "Max-Forwards: 70");

            case "BYE":
                return message(null, null,
                    "BYE sip:1002@10.20.30.42:5060 SIP/2.0",
                    "Via: SIP/2.0/UDP 10.20.30.41:5060;branch=z9hG4bK9d01f3e6c72a;rport",
                    "Route: <sip:10.20.0.11;lr>, <sip:10.20.0.10;lr;ftag=8F3A9C21-7D54E0B6;did=a1c.5b2>",
                    FROM,
                    TO_TAGGED,
                    "CSeq: 3 BYE",
                    "Call-ID: " + CALL_ID,
                    "Contact: <sip:1001@10.20.30.41:5060;transport=udp>",
                    UA_POLYCOM,
                    "Accept-Language: en",
                    "Reason: Q.850;cause=16;text=\"Normal call clearing\"",
                    "Max-Forwards: 70");

            case "OK_BYE":
                return message(null, null,
                    "SIP/2.0 200 OK",
                    "Via: SIP/2.0/UDP 10.20.0.10:5060;branch=z9hG4bK3a2d.7f0c11b2.0",
                    "Via: SIP/2.0/UDP 10.20.0.11:5060;received=10.20.0.11;branch=z9hG4bK3a2d.44e1c0d9.0;rport=5060",
                    "Via: SIP/2.0/UDP 10.20.30.41:5060;branch=z9hG4bK9d01f3e6c72a;rport=5060;received=10.20.30.41",
                    FROM,
                    TO_TAGGED,
                    "Call-ID: " + CALL_ID,
                    "CSeq: 3 BYE",
                    UA_YEALINK);

            case "REFER":
                return message(null, null,
                    "REFER sip:1002@10.20.30.42:5060 SIP/2.0",
                    "Via: SIP/2.0/UDP 10.20.30.41:5060;branch=z9hG4bK61a7c3d9e2f0;rport",
                    "Route: <sip:10.20.0.11;lr>, <sip:10.20.0.10;lr;ftag=8F3A9C21-7D54E0B6;did=a1c.5b2>",
                    FROM,
                    TO_TAGGED,
                    "CSeq: 2 REFER",
                    "Call-ID: " + CALL_ID,
                    CONTACT_ALICE,
                    "Refer-To: <sip:1003@pbx.example.com?Replaces=9b2e77a1-c04d%4010.20.30.41%3Bto-tag%3D77a0e1%3B" +
                    "from-tag%3D1C2D3E4F>",
                    "Referred-By: \"Alice Martin\" <sip:1001@pbx.example.com>",
                    ALLOW,
                    SUPPORTED,
                    UA_POLYCOM,
                    "Accept-Language: en",
                    "Max-Forwards: 70");

            case "NOTIFY":
                return message("SIP/2.0 200 OK\r\n", "message/sipfrag;version=2.0",
                    "NOTIFY sip:1001@10.20.30.41:5060;transport=udp SIP/2.0",
                    "Via: SIP/2.0/UDP 10.20.30.42:5060;branch=z9hG4bK1958402837",
                    "Route: <sip:10.20.0.10;lr;ftag=8F3A9C21-7D54E0B6;did=a1c.5b2>, <sip:10.20.0.11;lr>",
                    "From: <sip:1002@pbx.example.com>;tag=3e5d1a47b2",
                    "To: \"Alice Martin\" <sip:1001@pbx.example.com>;tag=8F3A9C21-7D54E0B6",
                    "Call-ID: " + CALL_ID,
                    "CSeq: 2 NOTIFY",
                    CONTACT_BOB,
                    "Max-Forwards: 70",
                    UA_YEALINK,
                    "Event: refer",
                    "Subscription-State: terminated;reason=noresource",
                    "Allow-Events: talk,hold,conference,refer,check-sync");

            default:
                throw new IllegalArgumentException("unknown message " + name);
        }
    }

    private static byte[] message(final String body, final String contentType, final String... lines)
    {
        final StringBuilder sb = new StringBuilder(1024);
        for (final String line : lines)
        {
            sb.append(line).append("\r\n");
        }
        if (contentType != null)
        {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        final int bodyLength = body == null ? 0 : body.getBytes(StandardCharsets.US_ASCII).length;
        sb.append("Content-Length: ").append(bodyLength).append("\r\n\r\n");
        if (body != null)
        {
            sb.append(body);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
