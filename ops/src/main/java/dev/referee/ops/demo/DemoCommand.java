package dev.referee.ops.demo;

import dev.referee.ops.cli.ExitCodes;
import dev.referee.ops.cli.VersionProvider;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.journal.JournalCommand;
import dev.referee.ops.node.RefereeNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code referee demo}: Referee with an embedded configuration and four simulated phones on loopback (alice, bob,
 * carol, and dave who is always busy) plays a basic call, a blind transfer, an attended transfer and a transfer to a
 * busy target that ends in a recall, then prints each call from its journal as a ladder and as {@code journal show}
 * explains it. Needs nothing but Java; exits 0 when every call went as it should, 1 naming the step that did not.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Run Referee with simulated phones on loopback: a basic call, a blind transfer, an attended transfer and a",
        "busy transfer target with recall; print each as a ladder and as the journal explains it.",
        "Exit codes: 0 every call went as it should, 1 one did not."
    })
public final class DemoCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--keep-journal", paramLabel = "DIR",
        description = "Write the journal to DIR and keep it (default: a temporary directory, deleted at the end).")
    Path keepJournal;

    /** One scripted call: its title, and the Call-ID of the caller's leg once played. */
    private record Played(String title, String callId)
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path journalDir = keepJournal != null ? keepJournal : Files.createTempDirectory("referee-demo-");
        final List<Played> played = new ArrayList<>();
        try
        {
            final Phones phones = Phones.open();
            try (phones)
            {
                final RefereeConfig config = ConfigLoader.parse(configuration(phones, journalDir), "demo (embedded)");
                try (RefereeNode node = RefereeNode.start(config))
                {
                    final InetSocketAddress referee = node.boundAddresses().get(0).address();
                    phones.start(referee);
                    out.println("referee demo: Referee on udp:127.0.0.1:" + referee.getPort() + ", journal " +
                        journalDir);
                    played.add(new Played("1. Basic call: alice calls bob, talks, hangs up", basicCall(phones)));
                    played.add(new Played("2. Blind transfer: bob transfers alice to carol", blindTransfer(phones)));
                    played.add(new Played("3. Attended transfer: bob consults carol, then joins alice to her",
                        attendedTransfer(phones)));
                    played.add(new Played("4. Busy target: bob transfers alice to dave (busy) and hangs up; Referee " +
                        "calls bob back", busyTargetWithRecall(phones)));
                }
            }
            for (final Played call : played)
            {
                out.println();
                out.println("== " + call.title() + " ==");
                out.flush();
                journal(out, err, "ladder", journalDir, call.callId());
                out.println();
                journal(out, err, "show", journalDir, call.callId());
            }
            out.println();
            out.println("referee demo: " + played.size() + " calls, every one as expected. Read them again with " +
                "`referee journal calls --dir " + journalDir + "`" + (keepJournal == null ? " (with --keep-journal)" : ""));
            out.flush();
            return ExitCodes.OK;
        }
        catch (final DemoFailure failure)
        {
            err.println("referee demo: " + failure.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
        finally
        {
            if (keepJournal == null)
            {
                deleteTree(journalDir);
            }
        }
    }

    private static String basicCall(final Phones phones) throws IOException
    {
        final DemoPhone.Dialog call = phones.alice.call("bob");
        final DemoPhone.Dialog atBob = phones.bob.answered(1);
        phones.alice.hangUp(call);
        phones.bob.awaitHungUp(atBob);
        return call.callId;
    }

    private static String blindTransfer(final Phones phones) throws IOException
    {
        final DemoPhone.Dialog call = phones.alice.call("bob");
        final DemoPhone.Dialog atBob = phones.bob.answered(2);
        phones.bob.refer(atBob, "sip:carol@127.0.0.1");
        phones.carol.answered(1);
        phones.alice.awaitReInvite(call);
        phones.bob.awaitNotify("SIP/2.0 200");
        phones.bob.hangUp(atBob); // the transferor leaves once told the transfer succeeded (RFC 5589 §6.1)
        final DemoPhone.Dialog atCarol = phones.carol.answered(1);
        phones.carol.hangUp(atCarol);
        phones.alice.awaitHungUp(call);
        return call.callId;
    }

    private static String attendedTransfer(final Phones phones) throws IOException
    {
        final DemoPhone.Dialog call = phones.alice.call("bob");
        final DemoPhone.Dialog atBob = phones.bob.answered(3);
        final DemoPhone.Dialog consultation = phones.bob.call("carol");
        phones.carol.answered(2);
        // Refer-To names the consultation dialog as carol's side has it (RFC 5589 §7.1, RFC 3891).
        phones.bob.refer(atBob, "sip:carol@127.0.0.1?Replaces=" + consultation.replacesForPeer()
            .replace(";", "%3B").replace("=", "%3D").replace("@", "%40"));
        phones.alice.awaitReInvite(call);
        phones.bob.awaitNotify("SIP/2.0 200");
        phones.bob.awaitHungUp(consultation); // Referee releases the replaced consultation dialog
        phones.bob.hangUp(atBob);
        final DemoPhone.Dialog atCarol = phones.carol.answered(2);
        phones.carol.hangUp(atCarol);
        phones.alice.awaitHungUp(call);
        return call.callId;
    }

    private static String busyTargetWithRecall(final Phones phones) throws IOException
    {
        final DemoPhone.Dialog call = phones.alice.call("bob");
        final DemoPhone.Dialog atBob = phones.bob.answered(4);
        phones.bob.refer(atBob, "sip:dave@127.0.0.1");
        phones.bob.hangUp(atBob); // a blind transfer whose transferor does not wait for the outcome
        final DemoPhone.Dialog recall = phones.bob.answered(5); // dave said 486: Referee calls bob back
        phones.alice.awaitReInvite(call);
        phones.bob.hangUp(recall);
        phones.alice.awaitHungUp(call);
        return call.callId;
    }

    private static void journal(final PrintWriter out, final PrintWriter err, final String command, final Path dir,
        final String callId)
    {
        final int exit = new CommandLine(new JournalCommand()).setOut(out).setErr(err)
            .execute(command, "--dir", dir.toString(), callId);
        if (exit != 0)
        {
            throw new DemoFailure("journal " + command + " of " + callId + " exited " + exit);
        }
    }

    /** The embedded configuration: Referee on a free loopback port, the phones' routes, the demo's journal. */
    static String configuration(final Phones phones, final Path journalDir)
    {
        return "listen:\n" +
            "  - \"udp:127.0.0.1:0\"\n" +
            "admin: off\n" +
            "routes:\n" +
            "  - {user: \"bob\", target: \"127.0.0.1:" + phones.bob.address.getPort() + "\"}\n" +
            "  - {user: \"carol\", target: \"127.0.0.1:" + phones.carol.address.getPort() + "\"}\n" +
            "  - {user: \"dave\", target: \"127.0.0.1:" + phones.dave.address.getPort() + "\"}\n" +
            "journal:\n" +
            "  dir: \"" + journalDir.toAbsolutePath().toString().replace("\\", "/") + "\"\n" +
            // Its call records beside the journal's files (kept or deleted with them), not in ./data of whatever
            // directory the newcomer ran it from.
            "cdr:\n" +
            "  dir: \"" + journalDir.resolve("cdr").toAbsolutePath().toString().replace("\\", "/") + "\"\n" +
            "warm-up:\n" +
            "  calls: 0\n" +
            "trunks:\n" +
            "  - name: \"phones\"\n" +
            "    sources: [\"127.0.0.0/8\"]\n" +
            "    flood: false\n";
    }

    private static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
