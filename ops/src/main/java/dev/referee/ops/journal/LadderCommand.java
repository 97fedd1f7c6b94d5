package dev.referee.ops.journal;

import dev.referee.ops.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code referee journal ladder CALL}: a sequence diagram of the call's messages. */
@Command(name = "ladder", mixinStandardHelpOptions = true,
    description = "A sequence diagram of every message between caller, Referee, callee and transfer targets, as " +
        "text; --html also writes a self-contained page with an SVG diagram.")
final class LadderCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Parameters(paramLabel = "CALL", description = "A leg's Call-ID or Referee's call id.")
    String callName;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the diagram as an HTML page to FILE.")
    Path html;

    @Option(names = "--width", paramLabel = "N", defaultValue = "50", description = "Text column width (default 50).")
    int width;

    @Override
    public Integer call() throws Exception
    {
        final JournalIndex index = JournalIndex.load(journal.dir);
        final CallView call = index.find(callName);
        if (call == null)
        {
            spec.commandLine().getErr().println("referee: no call " + callName + " in " + journal.dir);
            return ExitCodes.FAILURE;
        }
        final Ladder ladder = new Ladder(call, index.recordsOf(call));
        spec.commandLine().getOut().print(ladder.text(index.clock, Math.max(20, width)));
        if (html != null)
        {
            final String title = "Call " + call.callId + ": " + call.from() + " -> " + call.to();
            Files.writeString(html, LadderSvg.page(ladder, title, index.clock), StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + html);
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
