# The JVM flags Referee runs with, in one place: the `referee` launcher and the benchmark scripts (e2e-lib.sh) source
# this file. Sourced, not run. The caller may set java_cmd (default: java on the PATH); it defines the arrays
# referee_jvm_flags (everything but the collector) and referee_gc_flags (the collector and its tuning).

# The feature version of the JDK behind ${java_cmd:-java} (17, 21, 25...), read from its release file without
# starting a JVM; 0 when it cannot be told.
referee_java_feature_version()
{
    local bin home version
    bin="$(command -v "${java_cmd:-java}" 2> /dev/null)" || { echo 0; return; }
    home="$(dirname "$(dirname "$(readlink -f "$bin")")")"
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2> /dev/null)"
    echo "${version:-0}"
}

referee_jvm_flags=(
    # Agrona/Aeron (Unsafe) and Chronicle Queue (memory-mapped files, generated writers). The jar manifest carries
    # the same Add-Exports/Add-Opens; they are repeated here so that the flags stay right if the launch changes.
    --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
    --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED
    # Needed on JDK 25, accepted by JDK 17.
    --enable-native-access=ALL-UNNAMED
    -Dsun.misc.unsafe.memory.access=allow
    # Without these Chronicle sends a usage ping over the network and prints a banner.
    -Dchronicle.analytics.disable=true
    -Dchronicle.announcer.disable=true
    # Fixed 1.5 GiB heap: no resizing while calls are being handled. It holds the default sip.max-calls (30,000) and
    # sip.max-transactions (256,000: the waiting transactions of 4,000 short calls a second) with a quarter to spare
    # (DefaultMaxCallsTest). Not -XX:+AlwaysPreTouch: touching the whole heap
    # up front took 3.2 s of the start-up on this kind of machine (a VM whose page faults are dear), and the warm-up
    # (warm-up.calls) touches the young generation, where the hot path allocates, before the listeners open.
    -Xms1536m
    -Xmx1536m
    # An out-of-memory error stops the process (for a supervisor to restart) rather than leaving it half alive.
    -XX:+ExitOnOutOfMemoryError
)

referee_gc_flags=(
    # G1 with a modest pause goal: the hot path is designed to allocate little, and SIP's timers (T1 = 500 ms)
    # tolerate pauses of this size. ZGC/Shenandoah would add concurrent GC threads that compete for the two cores
    # the pipeline already oversubscribes; ParallelGC has the longest old-generation pauses (0.3-1.0 s full
    # collections at 3,000 calls/s, whose waiting transactions keep about 0.5 GB live: measured 2026-12-05).
    -XX:+UseG1GC
    -XX:MaxGCPauseMillis=20
)
if (( $(referee_java_feature_version) > 0 && $(referee_java_feature_version) < 21 ))
then
    # G1's hot card cache, 65,536 cards (32 MiB of heap) instead of 1,024. The engine's large reference tables
    # (timer owners, transactions, calls: old objects, written at every message) dirty the same few thousand cards
    # many times a second, and by default the concurrent refinement thread re-scans a card at each of them: 90-100
    # ms of CPU per second at 3,000 calls/s, 12 % of Referee's. Cards written four times now wait in the cache for
    # the next young pause, which scans each once: refinement 7 ms/s, young pauses about 45 ms instead of 30
    # (docs/benchmarks.md "G1 refinement"). JDK 21 removed the cache (its refinement was rewritten) and JDK 25 refuses
    # the flag, hence the version test.
    referee_gc_flags+=(-XX:G1ConcRSLogCacheSize=16)
fi
if grep -qE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null
then
    # The heap in 2 MiB pages where the kernel grants them to a process that asks (THP "madvise", the common default,
    # or "always"): a node under load touches fresh heap for its first minute (the waiting transactions, 130 MB at
    # 3,000 calls/s, promoted into old regions never used before) with a page fault per 2 MiB instead of per 4 KiB,
    # and the engine's large tables (transactions, timers, calls) miss the TLB less. Alternated at 3,000 calls/s: 197
    # against 216 us of CPU per call, better in 6 of 7 pairs (docs/benchmarks.md "Timer wheel and huge pages"). The heap
    # is fixed (-Xms = -Xmx), so the 2 MiB granularity costs no memory it would not take anyway. Without THP in the
    # kernel the flag would only print a warning, hence the test.
    referee_jvm_flags+=(-XX:+UseTransparentHugePages)
fi
