package dev.referee.engine.transfer;

import dev.referee.engine.call.Leg;

/** The JSON a transfer webhook receives (docs/transfers.md). */
final class WebhookJson
{
    private WebhookJson()
    {
    }

    static String request(final long callId, final Leg transferor, final Leg transferee, final String referTo,
        final String referredBy)
    {
        final StringBuilder json = new StringBuilder(512);
        json.append("{\"callId\":").append(callId);
        field(json, "transferor", transferor.remoteUri());
        field(json, "transferee", transferee != null ? transferee.remoteUri() : "");
        field(json, "referTarget", referTo);
        field(json, "referredBy", referredBy);
        field(json, "transferorCallId", transferor.callId());
        field(json, "transfereeCallId", transferee != null ? transferee.callId() : "");
        return json.append('}').toString();
    }

    private static void field(final StringBuilder json, final String name, final String value)
    {
        json.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        json.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
