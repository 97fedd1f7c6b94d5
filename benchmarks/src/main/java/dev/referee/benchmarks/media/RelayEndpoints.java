package dev.referee.benchmarks.media;

import dev.referee.media.MediaCommands;
import dev.referee.media.MediaPorts;
import dev.referee.media.MediaRelay;
import dev.referee.media.MediaReportListener;

/** Opening relay endpoints for the media benchmarks, on a machine whose other processes share the port range. */
final class RelayEndpoints
{
    private RelayEndpoints()
    {
    }

    /**
     * Opens endpoint {@code endpointId} on the next free pair of {@code ports}, past pairs another process holds, and
     * waits for the relay's answer: the RTP port it got.
     */
    static int open(final MediaRelay relay, final MediaCommands commands, final MediaPorts ports,
        final long endpointId)
    {
        final int[] answer = new int[1];
        final MediaReportListener listener = new MediaReportListener()
        {
            @Override
            public void onOpened(final long id, final int port)
            {
                answer[0] = port;
            }

            @Override
            public void onOpenFailed(final long id, final int port, final OpenFailure reason)
            {
                answer[0] = -1;
            }
        };
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int port = ports.allocate();
            answer[0] = 0;
            commands.open(endpointId, port, false, 0);
            while (answer[0] == 0)
            {
                relay.reports().poll(listener, 10);
                Thread.onSpinWait();
            }
            if (answer[0] > 0)
            {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for endpoint " + endpointId + " in 100 tries");
    }
}
