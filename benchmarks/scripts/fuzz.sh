#!/usr/bin/env bash
# Long fuzzing run of one Jazzer target (docs/security.md, "Fuzzing"): coverage-guided, bounded by a count of inputs
# or a time, one target at a time, at low priority (the machine is shared).
#
#   benchmarks/scripts/fuzz.sh TARGET [--runs N] [--time SECONDS] [--max-len BYTES] [--jobs N] [--fresh]
#   benchmarks/scripts/fuzz.sh TARGET --replay DIR
#   benchmarks/scripts/fuzz.sh list
#
# TARGET is one of the names `list` prints. Default: --runs 10000000 (no time limit), --max-len 8192; with --runs and
# --time both, whichever is reached first ends the run. --jobs N runs N libFuzzer workers in parallel (libFuzzer's
# -jobs, one JVM each) on one shared corpus, each with its share of --runs: the same campaign N times as fast on N free
# cores; each worker's log is MODULE/target/fuzz/TARGET/fuzz-K.log, and the totals are their sums.
# --replay runs each input of DIR once, without fuzzing, and prints the rate: the same work before and after a change
# to the target or to the code under it (DIR is left as it is).
# It compiles the modules' tests (never installs anything), then runs Jazzer's libFuzzer driver on the @FuzzTest
# method, starting from the saved inputs (the seeds: RFC 4475 and SIPp scenario messages, and earlier findings).
# The corpus it grows stays in MODULE/target/fuzz/TARGET/corpus and is reused by the next run unless --fresh.
# A finding (an exception other than the target's own early return, a failed invariant, a heap overflow past -Xmx,
# RSS past 2 GiB, an input running over 10 s) stops the run and is written to the target's inputs directory under
# src/test/resources, where `mvn verify` replays it from then on: rename it (finding-<what>), fix the bug, and add a
# plain unit test that fails before the fix. Exit code: 0 no finding, 1 a finding, 2 usage.
#
# Bounds on one input: -Xmx512m (a Java allocation past it is an OutOfMemoryError, reported as a finding),
# -rss_limit_mb=2048 and -malloc_limit_mb=512 (native memory), -timeout=10 (seconds).
# FUZZ_JAVA_OPTS adds JVM options to the same command, for example a profile of a replay:
#   FUZZ_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/engine.jfr benchmarks/scripts/fuzz.sh engine --replay DIR
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# name module class method trace
# trace: the kinds of Jazzer instrumentation (--trace; "-" for Jazzer's default: cov, cmp, div, indir, native). The
# engine target goes without cmp: its bytes are a plan of choices read through consumeInt ranges, so the operands of
# the engine's comparisons cannot be copied into its input, while a JNI call per comparison (most of them the parser's
# byte loops) took three quarters of its time (docs/security.md "The whole-engine target's speed"). The parser's own
# targets keep cmp.
TARGETS="
parser          proxy-core      dev.referee.sip.SipMessageFuzzTest                parsedMessageReencodesToTheSameFields  -
error-response  proxy-core      dev.referee.sip.SipMessageFuzzTest                statelessErrorResponseNamesTheRequestsTransaction  -
framing         proxy-core      dev.referee.sip.SipMessageFuzzTest                streamFramingAgreesWithTheParser  -
sdp             proxy-core      dev.referee.sip.sdp.SessionDescriptionFuzzTest    viewsStayInsideTheBodyAndDoNotDependOnItsOffset  -
refer-to        transfer-engine dev.referee.engine.call.ReferToFuzzTest           referToHeadersDecodeToValuesThatCannotInject  -
replaces        transfer-engine dev.referee.engine.call.ReferToFuzzTest           inviteReplacesHeaderReadsOnlyWellFormedDialogs  -
header-copy     transfer-engine dev.referee.engine.call.HeaderCopierFuzzTest      copiedHeadersReadBackUnchangedAndAddNoHeaderLine  -
sdp-rewrite     transfer-engine dev.referee.engine.media.SdpRewriterFuzzTest      outputIsSdpPointedAtTheRelayWithTheSameLines  -
sdp-part        transfer-engine dev.referee.engine.media.SdpPartFuzzTest          onlyTheSdpPartIsReplaced  -
engine          transfer-engine dev.referee.engine.EngineFuzzTest                 sequencesOfInputsKeepTheEngineConsistent  cov:div:indir
engine-media    transfer-engine dev.referee.engine.EngineFuzzTest                 sequencesOfInputsKeepTheEngineConsistentWithMediaAnchored  cov:div:indir
"

usage()
{
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then
    echo "$TARGETS" | awk 'NF { printf "%-15s %s#%s\n", $1, $3, $4 }'
    exit 0
fi
NAME="$1"
shift
RUNS=10000000
RUNS_GIVEN=0
TIME=0
MAX_LEN=8192
FRESH=0
JOBS=1
REPLAY=
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; RUNS_GIVEN=1; shift 2 ;;
        --time) TIME="$2"; shift 2 ;;
        --max-len) MAX_LEN="$2"; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        --jobs) JOBS="$2"; shift 2 ;;
        --replay) REPLAY="$(cd "$2" && pwd)"; shift 2 ;;
        *) usage ;;
    esac
done
read -r _ MODULE CLASS METHOD TRACE <<< "$(echo "$TARGETS" | awk -v n="$NAME" '$1 == n')" || true
[ -n "${METHOD:-}" ] || { echo "fuzz.sh: unknown target '$NAME' (fuzz.sh list)" >&2; exit 2; }

WORK="$ROOT/$MODULE/target/fuzz/$NAME"
[ "$FRESH" = 1 ] && rm -rf "$WORK"
mkdir -p "$WORK/corpus"

# Compile the tests of the module and of what it depends on, and write the test class path, in one reactor build:
# the reactor then resolves proxy-core to its target/classes, never to a jar in ~/.m2.
MODULES=proxy-core
[ "$MODULE" = transfer-engine ] && MODULES=proxy-core,media-relay,transfer-engine
mvn -o -B -q test-compile dependency:build-classpath -pl "$MODULES" -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/fuzz/classpath.txt
CP="$ROOT/$MODULE/target/test-classes:$ROOT/$MODULE/target/classes:$ROOT/proxy-core/target/classes"
CP="$CP:$ROOT/media-relay/target/classes"
CP="$CP:$(tr ':' '\n' < "$ROOT/$MODULE/target/fuzz/classpath.txt" | grep -v '/dev/referee/' | paste -sd: -)"
# The flags Agrona and Chronicle need, as the tests get them (one place: the parent pom).
JVM_FLAGS="$(sed -n 's:.*<referee.jvm.flags>\(.*\)</referee.jvm.flags>.*:\1:p' pom.xml)"

INPUTS="$ROOT/$MODULE/src/test/resources/$(echo "${CLASS%.*}" | tr . /)/${CLASS##*.}Inputs"
mkdir -p "$INPUTS/$METHOD"
FINDINGS_BEFORE="$(find "$INPUTS/$METHOD" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' | wc -l)"
# Jazzer's own options override the @FuzzTest(maxDuration) of the annotation (meant for short JUnit fuzzing);
# 10000h stands for no time limit. With --jobs, each worker runs its share of the inputs.
PER_JOB=$(( (RUNS + JOBS - 1) / JOBS ))
LIMIT="--max_executions=$PER_JOB --max_duration=10000h -runs=$PER_JOB"
[ "$TIME" != 0 ] && LIMIT="--max_duration=${TIME}s -max_total_time=$TIME" &&
    [ "$RUNS_GIVEN" = 1 ] && LIMIT="$LIMIT --max_executions=$PER_JOB -runs=$PER_JOB"
[ "$JOBS" -gt 1 ] && LIMIT="$LIMIT -jobs=$JOBS -workers=$JOBS"

TRACE_OPTION=
[ "$TRACE" != - ] && TRACE_OPTION="--trace=$TRACE"

CORPORA=("$WORK/corpus" "$INPUTS" "$INPUTS/$METHOD")
if [ -n "$REPLAY" ]; then
    # libFuzzer with no runs left after loading its corpus runs each input once and stops.
    LIMIT="-runs=0"
    CORPORA=("$REPLAY")
    WORK="$WORK/replay"
    mkdir -p "$WORK"
fi
COMMAND=(nice -n 10 java -Xmx512m -XX:+UseParallelGC $JVM_FLAGS ${FUZZ_JAVA_OPTS:-}
    -cp "$CP" com.code_intelligence.jazzer.Jazzer
    "--target_class=$CLASS" "--target_method=$METHOD" "--instrumentation_includes=dev.referee.**" $TRACE_OPTION
    $LIMIT "-max_len=$MAX_LEN" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -print_final_stats=1
    "-artifact_prefix=$INPUTS/$METHOD/" "${CORPORA[@]}")
echo "fuzz.sh: $NAME ($CLASS#$METHOD) $LIMIT, log in $WORK/fuzz.log" >&2
START=$(date +%s)
set +e
if [ -n "$REPLAY" ]; then
    # CPU time as well as time: on a shared machine a replay's time depends on the other work, its CPU time less so.
    TIMEFORMAT="fuzz.sh: $NAME: replay took %R s, %U s user and %S s system CPU (the JVM's start included)"
    time "${COMMAND[@]}" > "$WORK/fuzz.log" 2>&1
else
    # In WORK: with --jobs, libFuzzer writes each worker's log there (fuzz-K.log).
    rm -f "$WORK"/fuzz-*.log
    (cd "$WORK" && "${COMMAND[@]}" > "$WORK/fuzz.log" 2>&1)
fi
STATUS=$?
set -e
SECONDS_RUN=$(( $(date +%s) - START ))

# One log, or one per worker with --jobs: the totals are the sums of each log's last figures.
LOGS=("$WORK/fuzz.log")
[ "$JOBS" -gt 1 ] && [ -z "$REPLAY" ] && LOGS=("$WORK"/fuzz-*.log)
last_stat()
{
    local total=0 value
    for log in "${LOGS[@]}"; do
        value="$(grep -ao "stat::$1: *[0-9]*" "$log" | tail -1 | grep -o '[0-9]*$' || true)"
        total=$(( total + ${value:-0} ))
    done
    echo "$total"
}
EXECUTED="$(last_stat number_of_executed_units)"
RATE="$(last_stat average_exec_per_sec)"
LAST="$(grep -aE '^#[0-9]+' "${LOGS[0]}" | tail -1 || true)"
COV="$(echo "$LAST" | grep -o 'cov: [0-9]*' || true)"
FT="$(echo "$LAST" | grep -o 'ft: [0-9]*' || true)"
CORPUS="$(echo "$LAST" | grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' || true)"
FINDINGS_AFTER="$(find "$INPUTS/$METHOD" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' | wc -l)"
echo "fuzz.sh: $NAME: $EXECUTED inputs in ${SECONDS_RUN}s ($RATE a second fuzzing), $COV $FT $CORPUS, findings: $((FINDINGS_AFTER - FINDINGS_BEFORE)), exit $STATUS"
if [ "$FINDINGS_AFTER" -gt "$FINDINGS_BEFORE" ] || [ "$STATUS" -ne 0 ]; then
    grep -a -A6 '== Java Exception\|== libFuzzer crashing input\|ERROR: libFuzzer' "${LOGS[@]}" | head -30 >&2
    exit 1
fi
