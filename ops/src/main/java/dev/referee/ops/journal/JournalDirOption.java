package dev.referee.ops.journal;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --dir DIR}: the journal to read (opened read-only). */
final class JournalDirOption
{
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "Journal directory (journal.dir); opened read-only, may be a copy or a journal being written.")
    Path dir;
}
