#!/usr/bin/env bash
# Start-up time of Referee to its first SIP answer, fresh and after a kill -9 with calls in progress.
#
#   benchmarks/scripts/startup-time.sh [--runs N] [--calls N] [--port-base P] [--referee-warm-up CALLS]
#                                      [--load-rate R --load-seconds S] [--snapshot-interval DURATION] [--log-dir DIR]
#
# Each run starts Referee from ops/target/referee.jar (built when missing) with a journal in a temporary directory
# and sends an OPTIONS every 20 ms from the moment the JVM is launched; the time to the first 200 is "fresh".
# Then SIPp places --calls calls that stay up (a long hold), Referee is killed with kill -9, started again on the
# same journal, and the time to the first answer is "restart"; its log must say it recovered the calls before it
# listened. Prints one line per run and a RESULT line. Processes are stopped by PID; the directory is removed.
#
# --load-rate R --load-seconds S: before the standing calls, SIPp's basic call (no hold) at R calls/s for S seconds, so
# that the restart recovers from a journal of that size (a snapshot every --snapshot-interval, journal.snapshot-
# interval, default Referee's 60 s; the restart replays what came after the last one, much of it read from the disk:
# the journal keeps about 90 MiB behind its writer in the page cache, docs/journal-format.md). The run's line then
# gives the journal's size and the recovery's own time. --log-dir keeps Referee's logs of each start there;
# E2E_JAVA_OPTS adds JVM flags to both starts (a JFR recording with dumponexit=true profiles the restart).
# E2E_REFEREE_JAR runs another jar than ops/target/referee.jar (to compare two builds).
set -euo pipefail

runs=3
calls=200
port_base=48060
referee_warm_up=""
load_rate=0
load_seconds=0
snapshot_interval=""
log_dir=""

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --calls) calls="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        --referee-warm-up) referee_warm_up="$2"; shift 2 ;;
        --load-rate) load_rate="$2"; shift 2 ;;
        --load-seconds) load_seconds="$2"; shift 2 ;;
        --snapshot-interval) snapshot_interval="$2"; shift 2 ;;
        --log-dir) log_dir="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "startup-time: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${E2E_REFEREE_JAR:-$root/ops/target/referee.jar}"
referee_port=$port_base
uas_port=$(( port_base + 2 ))
uac_port=$(( port_base + 10 ))
admin_port=$(( port_base + 1000 ))
command -v sipp > /dev/null || { echo "startup-time: sipp missing: apt-get install -y sip-tester" >&2; exit 2; }
if [[ ! -f "$jar" ]]
then
    (cd "$root" && mvn -q -B -DskipTests package -pl ops -am) >&2
fi

tmp="$(mktemp -d /tmp/referee-startup.XXXXXX)"
pids=()
e2e_name="startup-time"
jfr=""
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
trap 'e2e_stop_started; rm -rf "$tmp"' EXIT

cat > "$tmp/referee.yaml" <<YAML
listen: ["udp:127.0.0.1:$referee_port"]
routes:
  - user: "service"
    target: "127.0.0.1:$uas_port"
journal:
  dir: "$tmp/journal"
$([[ -n "$snapshot_interval" ]] && printf '  snapshot-interval: "%s"' "$snapshot_interval")
cdr:
  dir: "$tmp/cdr"
admin: "127.0.0.1:$admin_port"
YAML
if [[ -n "$referee_warm_up" ]]
then
    printf 'warm-up:\n  calls: %s\n' "$referee_warm_up" >> "$tmp/referee.yaml"
fi

# Prints the milliseconds from $launch_ns to the first 200 answer to an OPTIONS sent every 20 ms (-1 after 60 s).
first_answer_ms()
{
    e2e_first_options_answer_ms "$referee_port" "$launch_ns" 60
}

fresh_total=0
restart_total=0
for run in $(seq "$runs")
do
    rm -rf "$tmp/journal" "$tmp/cdr"
    e2e_launch_referee "$jar" "$tmp/fresh-$run.log"
    fresh_ms="$(first_answer_ms)"
    (cd "$tmp" && exec sipp -sn uas -i 127.0.0.1 -p "$uas_port" -nostdin > "$tmp/uas.log" 2>&1) &
    uas_pid=$!
    pids+=("$uas_pid")
    journal_size=""
    if (( load_rate > 0 && load_seconds > 0 ))
    then
        (cd "$tmp" && exec sipp -sn uac "127.0.0.1:$referee_port" -s service -i 127.0.0.1 -p "$(( uac_port + 1 ))" \
            -r "$load_rate" -m "$(( load_rate * load_seconds ))" -d 0 -timeout "$(( load_seconds + 60 ))" -nostdin \
            > "$tmp/load.log" 2>&1) &
        load_pid=$!
        pids+=("$load_pid")
        wait "$load_pid" || true
        journal_size=", journal $(du -sm "$tmp/journal" | cut -f1) MiB after $(( load_rate * load_seconds )) calls"
    fi
    (cd "$tmp" && exec sipp -sn uac "127.0.0.1:$referee_port" -s service -i 127.0.0.1 -p "$uac_port" -r 100 \
        -m "$calls" -d 600000 -nostdin > "$tmp/uac.log" 2>&1) &
    uac_pid=$!
    pids+=("$uac_pid")
    for _ in $(seq 200)
    do
        # The admin server may answer a moment after SIP does: a refused connection is "not yet", not a failure.
        active="$(curl -fsS "http://127.0.0.1:$admin_port/status" 2> /dev/null | sed -E 's/.*"activeCalls":([0-9]+).*/\1/' || true)"
        [[ "${active:-0}" -ge "$calls" ]] && break
        sleep 0.1
    done
    kill -9 "$referee_pid"
    wait "$referee_pid" 2> /dev/null || true
    e2e_launch_referee "$jar" "$tmp/restart-$run.log"
    restart_ms="$(first_answer_ms)"
    recovered="$(grep -o 'recovered [0-9]* calls from [0-9]* journaled inputs in [0-9]* ms' "$tmp/restart-$run.log" \
        || echo 'recovered ? calls')"
    [[ -n "$log_dir" ]] && mkdir -p "$log_dir" && cp "$tmp/fresh-$run.log" "$tmp/restart-$run.log" "$log_dir/"
    echo "run $run: fresh $fresh_ms ms to the first answer; after kill -9 with $active calls up: $restart_ms ms ($recovered$journal_size)"
    fresh_total=$(( fresh_total + fresh_ms ))
    restart_total=$(( restart_total + restart_ms ))
    kill "$uac_pid" "$uas_pid" "$referee_pid" 2> /dev/null || true
    wait "$uac_pid" "$uas_pid" "$referee_pid" 2> /dev/null || true
done
echo "RESULT runs=$runs fresh_ms_avg=$(( fresh_total / runs )) restart_ms_avg=$(( restart_total / runs )) calls=$calls"
