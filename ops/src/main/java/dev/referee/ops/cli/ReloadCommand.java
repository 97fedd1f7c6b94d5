package dev.referee.ops.cli;

import dev.referee.ops.config.RefereeConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code referee reload}: asks the running node to read its configuration file again ({@code POST /reload} on the
 * admin address the file names, with its {@code admin-token} when it has one). The node answers whether it applied
 * the file, or which key and line are wrong, or what needs a restart; this prints that one line.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Make the running node re-read its configuration file (the same as SIGHUP): routes, trunks, policies, " +
            "webhooks and limits change for new calls, no call is dropped. The node is found through the file's " +
            "admin address. Exit codes: 0 applied, 1 node not reached or did not apply it, 2 the file is refused " +
            "(key and line printed) or changes what needs a restart."
    })
public final class ReloadCommand implements Callable<Integer>
{
    private static final Pattern MESSAGE = Pattern.compile("\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RefereeConfig file = config.loadOrReport(err);
        if (file == null)
        {
            // The node would refuse the same file; it is not asked (and could not be found without the file).
            err.println("referee: nothing sent to the node: its running configuration stays");
            err.flush();
            return ExitCodes.CONFIG;
        }
        if (file.admin() == null)
        {
            err.println("referee: admin is off in " + config.sourceName() + ": no way to reach the node (send it " +
                "SIGHUP instead)");
            err.flush();
            return ExitCodes.FAILURE;
        }
        final URI uri = URI.create("http://" + AddressFormat.hostPort(reachable(file.admin())) + "/reload");
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
            .POST(HttpRequest.BodyPublishers.noBody());
        if (file.adminToken() != null)
        {
            request.header("Authorization", "Bearer " + file.adminToken());
        }
        final HttpResponse<String> response;
        try
        {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            err.println("referee: no node answered at " + uri + ": " + ex.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
        final String message = message(response.body());
        final int status = response.statusCode();
        (status == 200 ? out : err).println("referee: " + message);
        out.flush();
        err.flush();
        return status == 200 ? ExitCodes.OK : status == 400 || status == 409 ? ExitCodes.CONFIG : ExitCodes.FAILURE;
    }

    /** A wildcard admin address is reached on loopback (of the same family). */
    static InetSocketAddress reachable(final InetSocketAddress admin)
    {
        final InetAddress address = admin.getAddress();
        if (address != null && address.isAnyLocalAddress())
        {
            return new InetSocketAddress(InetAddress.getLoopbackAddress().getClass() == address.getClass() ?
                InetAddress.getLoopbackAddress() : loopbackLike(address), admin.getPort());
        }
        return admin;
    }

    private static InetAddress loopbackLike(final InetAddress any)
    {
        try
        {
            return InetAddress.getByName(any instanceof java.net.Inet6Address ? "::1" : "127.0.0.1");
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The node's one-line message from its JSON answer (the whole body when it is not one). */
    static String message(final String body)
    {
        final Matcher matcher = MESSAGE.matcher(body);
        return matcher.find() ? matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : body;
    }
}
