#!/usr/bin/env bash
# End-to-end load through Referee with SIPp on this machine: SIPp uac -> Referee (UDP) -> SIPp uas.
#
#   benchmarks/scripts/e2e-sipp.sh --rate 1000 --calls 20000 [--warmup-calls N] [--limit N] [--bound SECONDS]
#                                  [--snapshot-interval DURATION]
#                                  [--port-base P] [--ring SLOTS] [--outbound-ring SLOTS] [--jfr FILE] [--log FILE] [--tcp-kick]
#                                  [--wait-strategy blocking|sleeping|yielding|busy-spin] [--journal on|off] [--build]
#                                  [--udp-send engine|send-thread] [--udp-syscalls batched|per-datagram]
#                                  [--udp-receive engine|receive-thread]
#                                  [--referee-warm-up CALLS] [--hep HOST:PORT]
#                                  [--socket-wait true|false] [--journal-outputs digest|full]
#
# Cold start: --warmup-calls 0 sends the measured load straight at a freshly started Referee (no SIPp warm-up);
# --referee-warm-up 0 also turns Referee's own warm-up off (warm-up.calls), to compare with and without it.
#
# --hep HOST:PORT captures every message to a HEP collector there over UDP (`hep:` in Referee's config; start the
# collector yourself): the cost of capture, docs/operations.md "Capture (HEP)". /status after the run shows hep counts.
#
# --socket-wait sets overload.socket-wait (README), to measure what counting the socket's wait costs a call.
#
# --journal off writes `journal: {enabled: false}` into Referee's config: no journal stage, output observer or
# domain-event journaling (the other half of "the same SIPp load with the journal on and off", see docs/benchmarks.md).
# --journal-outputs sets journal.outputs (default: Referee's, digest): what the journal keeps of each message sent.
#
# Starts Referee from ops/target/referee.jar (built with `mvn package -pl ops -am` when missing or with --build; or
# from the jar E2E_REFEREE_JAR names, to compare two builds),
# waits for GET /health, starts a SIPp uas, runs a warm-up uac, then a measured uac of --calls calls at --rate.
# Referee's CPU time (utime+stime of /proc/PID/stat, fields 14 and 15, in CLK_TCK ticks) is read before and after
# the measured run only, so JIT warm-up and start-up are not counted. Prints CPU us per call, the achieved rate and
# SIPp's failed-call count, then a one-line RESULT for scripts. Every process it starts is stopped by PID, and its
# temporary directory is removed, on any exit.
set -euo pipefail

rate=1000
calls=20000
warmup_calls=""
limit=""
bound=60
snapshot_interval=""
port_base=15060
jfr=""
build=0
ring=""
wait_strategy=""
outbound_ring=""
udp_send=""
udp_receive=""
udp_syscalls=""
socket_wait=""
kick=0
log=""
journal=on
referee_warm_up=""
hep=""

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --rate) rate="$2"; shift 2 ;;
        --calls) calls="$2"; shift 2 ;;
        --warmup-calls) warmup_calls="$2"; shift 2 ;;
        --limit) limit="$2"; shift 2 ;;
        --bound) bound="$2"; shift 2 ;;
        --snapshot-interval) snapshot_interval="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        --jfr) jfr="$2"; shift 2 ;;
        --ring) ring="$2"; shift 2 ;;
        --log) log="$2"; shift 2 ;;
        --tcp-kick) kick=1; shift ;;
        --wait-strategy) wait_strategy="$2"; shift 2 ;;
        --outbound-ring) outbound_ring="$2"; shift 2 ;;
        --udp-send) udp_send="$2"; shift 2 ;;
        --udp-receive) udp_receive="$2"; shift 2 ;;
        --udp-syscalls) udp_syscalls="$2"; shift 2 ;;
        --socket-wait) socket_wait="$2"; shift 2 ;;
        --journal) journal="$2"; shift 2 ;;
        --journal-outputs) journal_outputs="$2"; shift 2 ;;
        --build) build=1; shift ;;
        --referee-warm-up) referee_warm_up="$2"; shift 2 ;;
        --hep) hep="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "e2e-sipp: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$journal" in
    on|off) ;;
    *) echo "e2e-sipp: --journal takes on or off (got $journal)" >&2; exit 2 ;;
esac

# Warm-up: enough calls for C2 to compile the hot path (10 s worth, at least 5,000), capped by the run bound.
warmup_calls="${warmup_calls:-$(( rate * 10 > 5000 ? rate * 10 : 5000 ))}"
# Concurrent calls SIPp may hold: calls last a few ms here, so a second's worth is ample; more only hides stalls.
limit="${limit:-$(( rate > 200 ? rate : 200 ))}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${E2E_REFEREE_JAR:-$root/ops/target/referee.jar}"
referee_port=$port_base
uas_port=$(( port_base + 2 ))
uac_port=$(( port_base + 10 ))
admin_port=$(( port_base + 1000 ))

command -v sipp > /dev/null || { echo "e2e-sipp: sipp missing: apt-get install -y sip-tester" >&2; exit 2; }

if [[ $build -eq 1 || ! -f "$jar" ]]
then
    echo "e2e-sipp: building $jar" >&2
    (cd "$root" && mvn -q -B -DskipTests package -pl ops -am) >&2
fi

tmp="$(mktemp -d /tmp/referee-e2e.XXXXXX)"
pids=()
e2e_name="e2e-sipp"
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"

cleanup()
{
    e2e_stop_started
    if [[ -n "$log" ]]
    then
        cat "$tmp"/referee.log > "$log" 2> /dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

cat > "$tmp/referee.yaml" <<YAML
listen: ["udp:127.0.0.1:$referee_port", "tcp:127.0.0.1:$referee_port"]
routes:
  - user: "service"
    target: "127.0.0.1:$uas_port"
journal:
  dir: "$tmp/journal"
  enabled: $([[ $journal == on ]] && echo true || echo false)
$([[ -n "$snapshot_interval" ]] && printf '  snapshot-interval: "%s"' "$snapshot_interval")
$([[ -n "${journal_outputs:-}" ]] && printf '  outputs: "%s"' "$journal_outputs")
admin: "127.0.0.1:$admin_port"
YAML
if [[ -n "$referee_warm_up" ]]
then
    printf 'warm-up:\n  calls: %s\n' "$referee_warm_up" >> "$tmp/referee.yaml"
fi
if [[ -n "$hep" ]]
then
    printf 'hep:\n  address: "%s"\n' "$hep" >> "$tmp/referee.yaml"
fi
if [[ -n "$socket_wait" ]]
then
    printf 'overload:\n  socket-wait: %s\n' "$socket_wait" >> "$tmp/referee.yaml"
fi
if [[ -n "$ring$outbound_ring$wait_strategy$udp_send$udp_syscalls$udp_receive" ]]
then
    echo "pipeline:" >> "$tmp/referee.yaml"
    [[ -n "$ring" ]] && printf '  inbound-ring: %s\n' "$ring" >> "$tmp/referee.yaml"
    [[ -n "${outbound_ring:-$ring}" ]] && printf '  outbound-ring: %s\n' "${outbound_ring:-$ring}" >> "$tmp/referee.yaml"
    [[ -n "$wait_strategy" ]] && printf '  wait-strategy: "%s"\n' "$wait_strategy" >> "$tmp/referee.yaml"
    [[ -n "$udp_send" ]] && printf '  udp-send: "%s"\n' "$udp_send" >> "$tmp/referee.yaml"
    [[ -n "$udp_syscalls" ]] && printf '  udp-syscalls: "%s"\n' "$udp_syscalls" >> "$tmp/referee.yaml"
    [[ -n "$udp_receive" ]] && printf '  udp-receive: "%s"\n' "$udp_receive" >> "$tmp/referee.yaml"
fi

e2e_start_referee

if [[ $kick -eq 1 ]]
then
    e2e_tcp_kick
fi

(cd "$tmp" && exec sipp -sn uas -i 127.0.0.1 -p "$uas_port" -nostdin > "$tmp/uas.log" 2>&1) &
pids+=("$!")
sleep 0.5

ticks_per_s="$(getconf CLK_TCK)"

# Runs one uac; sets uac_failed, uac_success, uac_wall_ns. $1 = label, $2 = number of calls.
run_uac()
{
    local label="$1" n="$2" start end status=0
    start="$(date +%s%N)"
    (cd "$tmp" && exec sipp -sn uac "127.0.0.1:$referee_port" -s service -i 127.0.0.1 -p "$uac_port" \
        -r "$rate" -m "$n" -l "$limit" -nostdin -timeout "$bound" -trace_stat -stf "$tmp/$label.csv" -fd 1 \
        -trace_err -error_file "$tmp/$label.err" \
        > "$tmp/$label.log" 2>&1) &
    local uac_pid=$!
    pids+=("$uac_pid")
    wait "$uac_pid" || status=$?
    end="$(date +%s%N)"
    uac_wall_ns=$(( end - start ))
    # The last line of the statistics file holds the cumulative counters.
    uac_failed="$(stat_column "$tmp/$label.csv" 'FailedCall(C)')"
    uac_success="$(stat_column "$tmp/$label.csv" 'SuccessfulCall(C)')"
    uac_created="$(stat_column "$tmp/$label.csv" 'TotalCallCreated')"
    echo "e2e-sipp: $label: sipp exit $status, created $uac_created, successful $uac_success," \
        "failed $uac_failed, $(( uac_wall_ns / 1000000 )) ms" >&2
    if [[ "${uac_failed:-0}" != 0 && -s "$tmp/$label.err" ]]
    then
        # Why calls failed, most frequent reason first (timestamps and Call-IDs stripped).
        echo "e2e-sipp: $label: sipp errors:" >&2
        # Event lines are "date<TAB>time<TAB>epoch: what happened"; count the kinds of event, Call-IDs removed.
        grep -aP '^\d{4}-\d\d-\d\d\t' "$tmp/$label.err" | cut -f3 |
            sed -E 's/^[0-9.]+: //; s/[0-9]+-[0-9]+@[0-9.]+/ID/g' | cut -c1-90 | sort | uniq -c | sort -rn | head -6 >&2 || true
    fi
}

if [[ $warmup_calls -gt 0 ]]
then
    echo "e2e-sipp: warm-up: $warmup_calls calls at $rate calls/s" >&2
    run_uac warmup "$warmup_calls"
fi

# Idle CPU for 2 s (GC, ticker, blocked pipeline threads), to tell the per-call cost from the standing cost.
idle_before="$(cpu_ticks)"
sleep 2
idle_after="$(cpu_ticks)"
idle_us_per_s=$(( (idle_after - idle_before) * 1000000 / ticks_per_s / 2 ))

echo "e2e-sipp: measured: $calls calls at $rate calls/s" >&2
cpu_before="$(cpu_ticks)"
run_uac measured "$calls"
cpu_after="$(cpu_ticks)"

cpu_us=$(( (cpu_after - cpu_before) * 1000000 / ticks_per_s ))
completed=$(( uac_success + uac_failed ))
achieved=$(awk -v n="$completed" -v ns="$uac_wall_ns" 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
cpu_per_call=$(awk -v us="$cpu_us" -v n="$uac_success" 'BEGIN { if (n > 0) printf "%.1f", us / n; else print "n/a" }')
status_json="$(curl -fsS "http://127.0.0.1:$admin_port/status" 2> /dev/null || echo '{}')"

echo "rate requested:        $rate calls/s"
echo "calls:                 $calls (successful $uac_success, failed $uac_failed)"
echo "achieved rate:         $achieved calls/s (completed calls / wall time of the measured sipp run)"
echo "Referee CPU:           $cpu_us us over the run = $cpu_per_call us per successful call" \
    "(tick = $(( 1000000 / ticks_per_s )) us)"
echo "Referee idle CPU:      $idle_us_per_s us per second"
echo "Referee /status after: $status_json"
echo "journal:               $journal${journal_outputs:+ (outputs $journal_outputs)} ($(du -sk "$tmp/journal" 2> /dev/null | cut -f1 || echo 0) KiB written)"
# The first seconds of the measured run, from SIPp's periodic (P) columns: what a cold start looks like to callers.
echo "first seconds of the measured run (SIPp periodic statistics, one row per -fd period):"
awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
        rtd = "ResponseTimesetup(P)"; if ("ResponseTime1(P)" in col) rtd = "ResponseTime1(P)"; next }
    NR <= 7 { printf "  %s  calls created/s %s  successful %s  failed %s  setup time %s\n",
        $col["ElapsedTime(C)"], $col["OutgoingCall(P)"], $col["SuccessfulCall(P)"], $col["FailedCall(P)"],
        $col[rtd] }' "$tmp/measured.csv"
echo "RESULT journal=$journal hep=${hep:-off} rate=$rate calls=$calls failed=$uac_failed successful=$uac_success achieved=$achieved" \
    "cpu_us=$cpu_us cpu_us_per_call=$cpu_per_call idle_us_per_s=$idle_us_per_s"
