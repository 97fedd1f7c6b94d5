package dev.referee.ops.admin;

import java.util.Map;

/**
 * Writes a {@link StatusSnapshot} as the agreed JSON:
 * <pre>
 * {"activeCalls":n,"dialogs":n,"transactions":n,"transactionsWaiting":n,"timers":n,
 *  "ring":{"inboundRemaining":n,"inboundSize":n,"outboundRemaining":n,"outboundSize":n},
 *  "messagesIn":{"requests":{"INVITE":n},"responses":{"200":n}},"messagesOut":{...},
 *  "drops":{"inboundFull":n,"outboundFull":n,"overload503":n,"malformed":n,"journalRefused":n,"unexpected":n,
 *           "transactionLimit":n,"callLimit":n},
 *  "overload":{"admitted":n,"shed":n,"absorbed":n,"backlog":n,"lagMs":n,"plannedPauses":n,"plannedPauseMs":n},
 *  "security":{"unknownRejected":n,"unknownDropped":n,"floodDropped":n,"blockedSources":n,
 *              "responsesFromElsewhere":n},
 *  "tcp":{"connectionsOpen":n,"connectionsRefused":n,"bufferOverflows":n,"idleClosed":n,"readTimeouts":n,"tlsFailed":n,"connectFailures":n,"heldForRing":n},
 *  "trunks":{"routeRefused":n,"callLimitRefused":n,"rateRefused":n,"replacesRefused":n,"authChallenged":n,
 *            "authFailed":n,"byName":{"name":{"calls":n,"routeRefused":n,"callLimitRefused":n,"rateRefused":n,
 *            "replacesRefused":n,"authChallenged":n,"authFailed":n}}},
 *  "hep":{"sent":n,"dropped":n,"errors":n},
 *  "routeTargets":{"udp:10.0.0.1:5060":{"up":1,"pings":n,"wentDown":n,"cameUp":n}},
 *  "provisionals":{"pracksSent":n,"pracksReceived":n,"neverAcknowledged":n},
 *  "media":{"enabled":0|1,"pairs":n,"pairsInUse":n,"callsRefused":n,"relayed":n,"dropped":n,"openFailed":n,
 *   "pairsUnusable":n},
 *  "cluster":{"member":n,"role":"leader"|"follower"|"candidate","leader":n,"term":n,"commitPosition":n}}
 *  ("cluster" only on a member of a cluster)
 * </pre>
 * Written by hand: the shape is small and fixed, and no JSON library is needed on the ops classpath for it.
 */
public final class StatusJson
{
    private StatusJson()
    {
    }

    public static String write(final StatusSnapshot status)
    {
        final StringBuilder json = new StringBuilder(512);
        json.append("{\"activeCalls\":").append(status.activeCalls())
            .append(",\"dialogs\":").append(status.dialogs())
            .append(",\"transactions\":").append(status.transactions())
            .append(",\"transactionsWaiting\":").append(status.transactionsWaiting())
            .append(",\"timers\":").append(status.timers());

        final StatusSnapshot.RingStatus ring = status.ring();
        json.append(",\"ring\":{\"inboundRemaining\":").append(ring.inboundRemaining())
            .append(",\"inboundSize\":").append(ring.inboundSize())
            .append(",\"outboundRemaining\":").append(ring.outboundRemaining())
            .append(",\"outboundSize\":").append(ring.outboundSize())
            .append('}');

        json.append(",\"messagesIn\":");
        messages(json, status.messagesIn());
        json.append(",\"messagesOut\":");
        messages(json, status.messagesOut());

        final StatusSnapshot.Drops drops = status.drops();
        json.append(",\"drops\":{\"inboundFull\":").append(drops.inboundFull())
            .append(",\"outboundFull\":").append(drops.outboundFull())
            .append(",\"overload503\":").append(drops.overload503())
            .append(",\"malformed\":").append(drops.malformed())
            .append(",\"journalRefused\":").append(drops.journalRefused())
            .append(",\"unexpected\":").append(drops.unexpected())
            .append(",\"transactionLimit\":").append(drops.transactionLimit())
            .append(",\"callLimit\":").append(drops.callLimit())
            .append('}');

        final StatusSnapshot.Overload overload = status.overload();
        json.append(",\"overload\":{\"admitted\":").append(overload.admitted())
            .append(",\"shed\":").append(overload.shed())
            .append(",\"absorbed\":").append(overload.absorbed())
            .append(",\"backlog\":").append(overload.backlog())
            .append(",\"lagMs\":").append(overload.lagMs())
            .append(",\"plannedPauses\":").append(overload.plannedPauses())
            .append(",\"plannedPauseMs\":").append(overload.plannedPauseMs())
            .append('}');

        final StatusSnapshot.Security security = status.security();
        json.append(",\"security\":{\"unknownRejected\":").append(security.unknownRejected())
            .append(",\"unknownDropped\":").append(security.unknownDropped())
            .append(",\"floodDropped\":").append(security.floodDropped())
            .append(",\"blockedSources\":").append(security.blockedSources())
            .append(",\"responsesFromElsewhere\":").append(security.responsesFromElsewhere())
            .append('}');

        final StatusSnapshot.Tcp tcp = status.tcp();
        json.append(",\"tcp\":{\"connectionsOpen\":").append(tcp.connectionsOpen())
            .append(",\"connectionsRefused\":").append(tcp.connectionsRefused())
            .append(",\"bufferOverflows\":").append(tcp.bufferOverflows())
            .append(",\"idleClosed\":").append(tcp.idleClosed())
            .append(",\"readTimeouts\":").append(tcp.readTimeouts())
            .append(",\"tlsFailed\":").append(tcp.tlsFailed())
            .append(",\"connectFailures\":").append(tcp.connectFailures())
            .append(",\"heldForRing\":").append(tcp.heldForRing())
            .append('}');

        final StatusSnapshot.TrunkCalls total = status.trunks().total();
        json.append(",\"trunks\":{");
        refusals(json, total);
        json.append(",\"byName\":{");
        boolean first = true;
        for (final Map.Entry<String, StatusSnapshot.TrunkCalls> trunk : status.trunks().byName().entrySet())
        {
            if (!first)
            {
                json.append(',');
            }
            first = false;
            string(json, trunk.getKey());
            json.append(":{\"calls\":").append(trunk.getValue().calls()).append(',');
            refusals(json, trunk.getValue());
            json.append('}');
        }
        json.append("}}");

        final StatusSnapshot.Hep hep = status.hep();
        json.append(",\"hep\":{\"sent\":").append(hep.sent())
            .append(",\"dropped\":").append(hep.dropped())
            .append(",\"errors\":").append(hep.errors())
            .append('}');

        json.append(",\"routeTargets\":{");
        boolean firstTarget = true;
        for (final Map.Entry<String, StatusSnapshot.RouteTarget> target : status.routeTargets().entrySet())
        {
            if (!firstTarget)
            {
                json.append(',');
            }
            firstTarget = false;
            string(json, target.getKey());
            json.append(":{\"up\":").append(target.getValue().up())
                .append(",\"pings\":").append(target.getValue().pings())
                .append(",\"wentDown\":").append(target.getValue().wentDown())
                .append(",\"cameUp\":").append(target.getValue().cameUp())
                .append('}');
        }
        json.append('}');
        final StatusSnapshot.Provisionals provisionals = status.provisionals();
        json.append(",\"provisionals\":{\"pracksSent\":").append(provisionals.pracksSent())
            .append(",\"pracksReceived\":").append(provisionals.pracksReceived())
            .append(",\"neverAcknowledged\":").append(provisionals.neverAcknowledged())
            .append('}');
        final StatusSnapshot.Media media = status.media();
        json.append(",\"media\":{\"enabled\":").append(media.enabled())
            .append(",\"pairs\":").append(media.pairs())
            .append(",\"pairsInUse\":").append(media.pairsInUse())
            .append(",\"callsRefused\":").append(media.callsRefused())
            .append(",\"relayed\":").append(media.relayed())
            .append(",\"dropped\":").append(media.dropped())
            .append(",\"openFailed\":").append(media.openFailed())
            .append(",\"pairsUnusable\":").append(media.pairsUnusable())
            .append('}');
        final StatusSnapshot.Cluster cluster = status.cluster();
        if (cluster != StatusSnapshot.Cluster.NONE)
        {
            json.append(",\"cluster\":{\"member\":").append(cluster.member())
                .append(",\"role\":\"").append(cluster.role()).append('"')
                .append(",\"leader\":").append(cluster.leader())
                .append(",\"term\":").append(cluster.term())
                .append(",\"commitPosition\":").append(cluster.commitPosition())
                .append('}');
        }
        json.append('}');
        return json.toString();
    }

    private static void refusals(final StringBuilder json, final StatusSnapshot.TrunkCalls counts)
    {
        json.append("\"routeRefused\":").append(counts.routeRefused())
            .append(",\"callLimitRefused\":").append(counts.callLimitRefused())
            .append(",\"rateRefused\":").append(counts.rateRefused())
            .append(",\"replacesRefused\":").append(counts.replacesRefused())
            .append(",\"authChallenged\":").append(counts.authChallenged())
            .append(",\"authFailed\":").append(counts.authFailed());
    }

    private static void messages(final StringBuilder json, final StatusSnapshot.MessageCounts counts)
    {
        json.append("{\"requests\":");
        counters(json, counts.requests());
        json.append(",\"responses\":");
        counters(json, counts.responses());
        json.append('}');
    }

    private static void counters(final StringBuilder json, final Map<?, Long> counters)
    {
        json.append('{');
        boolean first = true;
        for (final Map.Entry<?, Long> entry : counters.entrySet())
        {
            if (!first)
            {
                json.append(',');
            }
            first = false;
            string(json, String.valueOf(entry.getKey()));
            json.append(':').append(entry.getValue());
        }
        json.append('}');
    }

    /** Method names are SIP tokens, but an extension method could still carry a quote or backslash. */
    static void string(final StringBuilder json, final String value)
    {
        json.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                json.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                json.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                json.append(c);
            }
        }
        json.append('"');
    }
}
