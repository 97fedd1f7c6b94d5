#!/usr/bin/env bash
# Referee against Kamailio (a stateful proxy with dialog tracking) under the same SIPp load on this machine, in
# alternation, in one run: CPU per call of each server and their ratio.
#
#   benchmarks/scripts/compare-kamailio.sh [--rounds N] [--rate R] [--calls N] [--hold-ms MS] [--warmup-calls N]
#                                          [--cold] [--transfer] [--port-base P] [--bound SECONDS]
#                                          [--kamailio-shm MB] [--kamailio-children N] [--keep DIR] [--build]
#                                          [--udp-send engine|send-thread] [--udp-receive engine|receive-thread]
#                                          [--journal-outputs digest|full]
#
# Basic call (default): SIPp uac -> server -> SIPp uas, benchmarks/sipp/uac-basic-call.xml and uas-basic-call.xml
# for both servers (a UA's route-set handling, so the same scenario works through a record-routing proxy and through
# a B2BUA). --hold-ms: time between ACK and BYE (SIPp -d, default 0). --rate calls/s (default 500), --calls per
# measured run (default 3,000), --rounds (default 2).
# --transfer: blind transfers instead (RFC 5589 6.1), alice calls bob through the server, bob REFERs alice to carol.
#   Referee performs the transfer: the interop suite's scenarios (ops/src/test/resources/sipp/
#   uac-call-then-accept-transfer-reinvite.xml, uas-answer-then-refer-blind.xml,
#   uas-target-answer-offer-then-wait-bye.xml), as in e2e-transfer-sipp.sh. Kamailio relays the REFER to alice,
#   who carries the transfer out (202, NOTIFYs, INVITE carol through Kamailio, bob's BYE): benchmarks/sipp/
#   uac-call-then-perform-refer-blind.xml, uas-answer-then-refer-blind-rr.xml, uas-target-answer-offer-then-wait-bye-rr.xml.
#   Both end with alice talking with carol for --hold-ms and hanging up; --rate and --calls count transfers.
#
# Warm (default): both servers are started once; each gets a warm-up run (--warmup-calls, default 10 s worth, at
# least 5,000 calls or 1,000 transfers) that is not measured, then the rounds alternate them (odd rounds Referee
# first, even rounds Kamailio first) under the same load. --cold: each server is started afresh right before each
# of its measured runs and stopped after it, with no SIPp warm-up (Referee still runs its own warm-up before it
# listens: config warm-up); its CPU until ready is shown apart ("start-up CPU"), not counted per call.
#
# CPU: utime+stime (/proc/PID/stat, fields 14 and 15, CLK_TCK ticks) read just before a measured run and just after
# its SIPp processes exit (at most 2 s after the caller's: a party still waiting then is waiting on failed calls). Referee: its JVM. Kamailio: its main process and every child (UDP workers, timers, ctl),
# summed. Calls ok/failed from the caller's SIPp statistics (transfers: a transfer is ok when alice, bob and carol
# all count it successful, the smallest count of the three; failed is the sum of their failures). After the rounds
# it prints per round and in total: calls ok/failed, CPU us per successful call for each, and the ratio
# Referee/Kamailio (of the totals: all CPU over all successful calls), then one RESULT line. Warm runs also show
# each server's idle CPU (2 s with no load, after the warm-up) and the CPU per call less that idle rate over the
# run's wall time: at small rates the standing cost (timers, GC, pipeline threads) weighs heavily per call.
#
# Kamailio: Debian's package, installed by benchmarks/scripts/install-kamailio.sh when missing (service not
# started), run in the foreground (-DD -E) on benchmarks/kamailio/kamailio-stateful.cfg with -x tlsf,
# -m --kamailio-shm (default 1024 MB), -M 32, --kamailio-children UDP workers (default 2). Referee runs from
# ops/target/referee.jar (built when missing or with --build) with e2e-lib.sh's JVM flags and $E2E_JAVA_OPTS.
# Ports (P = --port-base, default 16060): Referee P (UDP), admin P+1000, Kamailio P+100 (UDP), uas/bob P+2,
# carol P+4, uac/alice P+10; they must be free. --keep DIR copies SIPp's statistics and logs and both servers' logs
# there. --udp-send sets Referee's pipeline.udp-send (default: its configuration's default, send-thread);
# --journal-outputs its journal.outputs (default: the configuration's, digest). Every
# process it starts is stopped by PID, and its temporary directory removed, on any exit.
set -euo pipefail

rounds=2
rate=500
calls=3000
hold=0
warmup=""
cold=0
transfer=0
port_base=16060
bound=""
kam_shm=1024
kam_children=2
keep=""
build=0

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        --calls) calls="$2"; shift 2 ;;
        --hold-ms) hold="$2"; shift 2 ;;
        --warmup-calls) warmup="$2"; shift 2 ;;
        --cold) cold=1; shift ;;
        --transfer) transfer=1; shift ;;
        --port-base) port_base="$2"; shift 2 ;;
        --bound) bound="$2"; shift 2 ;;
        --kamailio-shm) kam_shm="$2"; shift 2 ;;
        --kamailio-children) kam_children="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        --build) build=1; shift ;;
        --udp-send) udp_send="$2"; shift 2 ;;
        --udp-receive) udp_receive="$2"; shift 2 ;;
        --journal-outputs) journal_outputs="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare-kamailio: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

for n in "$rounds" "$rate" "$calls" "$hold" "$port_base" "$kam_shm" "$kam_children" ${warmup:+"$warmup"} ${bound:+"$bound"}
do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "compare-kamailio: not a whole number: $n" >&2; exit 2; }
done

if [[ $transfer -eq 1 ]]
then
    unit="transfer"
    warmup="${warmup:-$(( rate * 10 > 1000 ? rate * 10 : 1000 ))}"
    # A transfer lasts about 0.45 s plus the hold time: 2 s worth of concurrent transfers, as e2e-transfer-sipp.sh.
    limit=$(( rate * (2000 + hold) / 1000 > 200 ? rate * (2000 + hold) / 1000 : 200 ))
else
    unit="call"
    warmup="${warmup:-$(( rate * 10 > 5000 ? rate * 10 : 5000 ))}"
    limit=$(( rate * (1000 + hold) / 1000 > 200 ? rate * (1000 + hold) / 1000 : 200 ))
fi
# SIPp's -timeout for one run: three times its nominal length plus 30 s.
bound="${bound:-$(( (calls > warmup ? calls : warmup) * 3 / rate + 30 ))}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scripts="$root/benchmarks/scripts"
jar="$root/ops/target/referee.jar"
kam_cfg="$root/benchmarks/kamailio/kamailio-stateful.cfg"
bench_sipp="$root/benchmarks/sipp"
interop_sipp="$root/ops/src/test/resources/sipp"
referee_port=$port_base
admin_port=$(( port_base + 1000 ))
kam_port=$(( port_base + 100 ))
uas_port=$(( port_base + 2 ))
carol_port=$(( port_base + 4 ))
uac_port=$(( port_base + 10 ))

"$root/scripts/install-sipp.sh"
"$scripts/install-kamailio.sh"
command -v curl > /dev/null || { echo "compare-kamailio: curl missing" >&2; exit 2; }

e2e_name="compare-kamailio"
jfr=""
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$scripts/e2e-lib.sh"
e2e_require_free_udp_ports "$referee_port" "$kam_port" "$uas_port" "$carol_port" "$uac_port"
e2e_build_jar

tmp="$(mktemp -d /tmp/referee-vs-kamailio.XXXXXX)"
pids=()

cleanup()
{
    e2e_stop_started
    if [[ -n "$keep" ]]
    then
        mkdir -p "$keep" && cp -r "$tmp"/*.csv "$tmp"/*.err "$tmp"/*.log "$keep"/ 2> /dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

if [[ $transfer -eq 1 ]]
then
    routes="  - user: \"bob\"
    target: \"127.0.0.1:$uas_port\"
  - user: \"carol\"
    target: \"127.0.0.1:$carol_port\""
else
    routes="  - user: \"service\"
    target: \"127.0.0.1:$uas_port\""
fi
cat > "$tmp/referee.yaml" <<YAML
listen: ["udp:127.0.0.1:$referee_port"]
routes:
$routes
journal:
  dir: "$tmp/journal"${journal_outputs:+
  outputs: \"$journal_outputs\"}
admin: "127.0.0.1:$admin_port"
YAML
if [[ -n "${udp_send:-}${udp_receive:-}" ]]
then
    printf 'pipeline:\n' >> "$tmp/referee.yaml"
    if [[ -n "${udp_send:-}" ]]; then printf '  udp-send: "%s"\n' "$udp_send" >> "$tmp/referee.yaml"; fi
    if [[ -n "${udp_receive:-}" ]]; then printf '  udp-receive: "%s"\n' "$udp_receive" >> "$tmp/referee.yaml"; fi
fi

ticks_per_s="$(getconf CLK_TCK)"
referee_pid=""
kam_pid=""
kam_procs=()

# utime + stime, in ticks, of the processes given, summed (a process that is gone counts 0).
proc_ticks()
{
    local pid stat total=0
    for pid in "$@"
    do
        stat="$(cat "/proc/$pid/stat" 2> /dev/null)" || continue
        stat="${stat##*) }"
        # shellcheck disable=SC2086
        set -- $stat
        total=$(( total + ${12} + ${13} ))
    done
    echo "$total"
}

# The children of PID $1 (Kamailio's main process forks its workers once, at start): field 4 of /proc/PID/stat.
children_of()
{
    local parent="$1" stat line pid rest
    for stat in /proc/[0-9]*/stat
    do
        read -r line 2> /dev/null < "$stat" || continue
        pid="${line%% *}"
        rest="${line##*) }"
        # shellcheck disable=SC2086
        set -- $rest
        if [[ "${2:-}" == "$parent" ]]
        then
            echo "$pid"
        fi
    done
}

start_referee()
{
    e2e_start_referee
}

stop_pid()
{
    local pid="$1" _
    kill "$pid" 2> /dev/null || true
    for _ in $(seq 100)
    do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
}

start_kamailio()
{
    local defines=(-A "LISTEN_PORT=$kam_port" -A "UAS_URI=\"sip:127.0.0.1:$uas_port\"" -A "CHILDREN=$kam_children"
        -A "CTL_SOCKET=\"unix:$tmp/kamailio/ctl\"")
    if [[ $transfer -eq 1 ]]
    then
        defines+=(-A 'TARGET_USER="carol"' -A "TARGET_URI=\"sip:127.0.0.1:$carol_port\"")
    fi
    mkdir -p "$tmp/kamailio"
    kamailio -f "$kam_cfg" -DD -E -x tlsf -m "$kam_shm" -M 32 -Y "$tmp/kamailio" -w "$tmp/kamailio" \
        "${defines[@]}" >> "$tmp/kamailio.log" 2>&1 &
    kam_pid=$!
    pids+=("$kam_pid")
    local _
    for _ in $(seq 100)
    do
        [[ -n "$(ss -Hlun "sport = :$kam_port" 2> /dev/null)" && -S "$tmp/kamailio/ctl" ]] && break
        if ! kill -0 "$kam_pid" 2> /dev/null
        then
            echo "compare-kamailio: Kamailio exited:" >&2
            cat "$tmp/kamailio.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    sleep 0.3
    mapfile -t kam_procs < <(children_of "$kam_pid")
    kam_procs=("$kam_pid" "${kam_procs[@]}")
    echo "compare-kamailio: Kamailio PID $kam_pid, ${#kam_procs[@]} processes" >&2
}

server_ticks()
{
    case "$1" in
        referee) proc_ticks "$referee_pid" ;;
        kamailio) proc_ticks "${kam_procs[@]}" ;;
    esac
}

server_port()
{
    case "$1" in
        referee) echo "$referee_port" ;;
        kamailio) echo "$kam_port" ;;
    esac
}

kamailio_stats()
{
    kamcmd -s "unix:$tmp/kamailio/ctl" stats.get_statistics dialog: 2> /dev/null |
        awk -F' = ' '/processed_dialogs|active_dialogs|failed_dialogs/ { sub(/dialog:/, "", $1); printf "%s %s, ", $1, $2 }'
    kamcmd -s "unix:$tmp/kamailio/ctl" core.shmmem 2> /dev/null |
        awk '/max_used/ { printf "shm max_used %d MB", $2 / 1048576 }'
}

# Starts one SIPp in the background; $1 = name, then sipp arguments. Adds its PID to pids and to run_pids.
start_sipp()
{
    local name="$1"
    shift
    rm -f "$tmp/$name.csv" "$tmp/$name.err"
    # -key mport: the media port the interop suite's scenarios write in their SDP ([mport], 6000 as its Sipp class
    # gives by default); SIPp refuses a scenario that names a key it was not given. -buff_size 4 MiB: with SIPp's
    # 64 KiB the transferor's socket (seven messages a transfer) overflowed at 500 transfers/s (76 datagrams dropped
    # in /proc/net/udp, 27 transfers failed at SIPp's bob, none at Referee's socket), as overload-steps.sh found.
    (cd "$tmp" && exec sipp "$@" -key mport 6000 -buff_size 4194304 -i 127.0.0.1 -nostdin -timeout "$bound" -trace_stat -stf "$tmp/$name.csv" -fd 1 \
        -trace_err -error_file "$tmp/$name.err" > "$tmp/$name.log" 2>&1) &
    pids+=("$!")
    run_pids+=("$!")
}

# Waits for the caller (first of run_pids), then up to 2 s for the others, and reads the measured server's CPU
# (done_ticks) and the time (done_ns) there: the measured run ends when its parties are done. Then it gives any
# party still running 13 s more (calls that failed wait for their timeouts) and stops what is left by PID.
wait_sipps()
{
    local pid i alive=1 first="${run_pids[0]}"
    wait "$first" 2> /dev/null || true
    for i in $(seq 150)
    do
        if [[ $i -eq 21 ]]
        then
            done_ticks="$(server_ticks "$run_server")"
            done_ns="$(date +%s%N)"
        fi
        alive=0
        for pid in "${run_pids[@]}"
        do
            kill -0 "$pid" 2> /dev/null && alive=1
        done
        [[ $alive -eq 0 ]] && break
        sleep 0.1
    done
    if [[ $alive -eq 0 && $i -le 21 ]]
    then
        done_ticks="$(server_ticks "$run_server")"
        done_ns="$(date +%s%N)"
    fi
    for pid in "${run_pids[@]}"
    do
        if kill -0 "$pid" 2> /dev/null
        then
            echo "compare-kamailio: stopping a SIPp that did not finish (PID $pid)" >&2
            stop_pid "$pid"
        fi
        wait "$pid" 2> /dev/null || true
    done
}

# The kinds of SIPp error events in $1, Call-IDs removed, most frequent first.
error_kinds()
{
    [[ -s "$1" ]] || return 0
    # SIPp writes some events without a line end after them: cut before each "date<TAB>time<TAB>epoch: ".
    sed -E 's/([0-9]{4}-[0-9]{2}-[0-9]{2}\t[0-9:.]+\t[0-9.]+: )/\n\1/g' "$1" | grep -aP '^\d{4}-\d\d-\d\d\t' | cut -f3 |
        sed -E "s/^[0-9.]+: //; s/[0-9a-z/]*[0-9]+-[0-9]+@[0-9.]+/ID/g; s/Call-I[dD] '[^']*'/Call-Id ID/" |
        cut -c1-100 | sort | uniq -c | sort -rn | head -4 >&2 || true
}

# Basic calls at --rate through server $1; $2 = label, $3 = calls. Long-lived uas. Sets run_ok, run_failed.
uas_pid=""
run_basic()
{
    local server="$1" label="$2" n="$3"
    run_server="$server"
    if [[ -z "$uas_pid" ]] || ! kill -0 "$uas_pid" 2> /dev/null
    then
        (cd "$tmp" && exec sipp -sf "$bench_sipp/uas-basic-call.xml" -i 127.0.0.1 -p "$uas_port" -nostdin \
            > "$tmp/uas.log" 2>&1) &
        uas_pid=$!
        pids+=("$uas_pid")
        sleep 0.5
    fi
    run_pids=()
    start_sipp "$label-uac" -sf "$bench_sipp/uac-basic-call.xml" "127.0.0.1:$(server_port "$server")" -s service \
        -p "$uac_port" -r "$rate" -m "$n" -l "$limit" -d "$hold"
    wait_sipps
    run_ok="$(stat_column "$tmp/$label-uac.csv" 'SuccessfulCall(C)')"
    run_failed="$(stat_column "$tmp/$label-uac.csv" 'FailedCall(C)')"
    local shed
    shed="$(stat_column "$tmp/$label-uac.csv" 'shed(C)')"
    # A 503 ends a call "successfully" in SIPp's count (uac-basic-call.xml): it is not a call that went through.
    run_ok=$(( run_ok - shed ))
    run_failed=$(( run_failed + shed ))
    if [[ $run_failed -ne 0 ]]
    then
        echo "compare-kamailio: $label: $run_failed failed ($shed answered 503):" >&2
        error_kinds "$tmp/$label-uac.err"
    fi
}

# Blind transfers at --rate through server $1; $2 = label, $3 = transfers. Sets run_ok, run_failed.
run_transfers()
{
    local server="$1" label="$2" n="$3" alice bob carol party ok failed
    run_server="$server"
    if [[ "$server" == referee ]]
    then
        alice="$interop_sipp/uac-call-then-accept-transfer-reinvite.xml"
        bob="$interop_sipp/uas-answer-then-refer-blind.xml"
        carol="$interop_sipp/uas-target-answer-offer-then-wait-bye.xml"
    else
        alice="$bench_sipp/uac-call-then-perform-refer-blind.xml"
        bob="$bench_sipp/uas-answer-then-refer-blind-rr.xml"
        carol="$bench_sipp/uas-target-answer-offer-then-wait-bye-rr.xml"
    fi
    run_pids=()
    start_sipp "$label-carol" -sf "$carol" -p "$carol_port" -m "$n"
    start_sipp "$label-bob" -sf "$bob" -p "$uas_port" -m "$n" -key target carol
    sleep 0.5
    start_sipp "$label-alice" -sf "$alice" "127.0.0.1:$(server_port "$server")" -p "$uac_port" -s bob \
        -key target carol -r "$rate" -m "$n" -l "$limit" -d "$hold"
    # alice first: wait_sipps waits for her, then gives bob and carol 15 s.
    run_pids=("${run_pids[2]}" "${run_pids[0]}" "${run_pids[1]}")
    wait_sipps
    run_ok=""
    run_failed=0
    for party in alice bob carol
    do
        ok="$(stat_column "$tmp/$label-$party.csv" 'SuccessfulCall(C)')"
        failed="$(stat_column "$tmp/$label-$party.csv" 'FailedCall(C)')"
        run_failed=$(( run_failed + failed ))
        if [[ -z "$run_ok" || $ok -lt $run_ok ]]
        then
            run_ok=$ok
        fi
        if [[ $failed -ne 0 ]]
        then
            echo "compare-kamailio: $label: $party: $failed failed:" >&2
            error_kinds "$tmp/$label-$party.err"
        fi
    done
}

run_load()
{
    if [[ $transfer -eq 1 ]]
    then
        run_transfers "$@"
    else
        run_basic "$@"
    fi
}

start_server()
{
    case "$1" in
        referee) start_referee ;;
        kamailio) start_kamailio ;;
    esac
}

stop_server()
{
    case "$1" in
        referee) stop_pid "$referee_pid"; referee_pid="" ;;
        kamailio) stop_pid "$kam_pid"; kam_pid=""; kam_procs=() ;;
    esac
}

# Measured results, one line per run: "round server ok failed ticks wall_ms startup_ticks".
results="$tmp/results.txt"
: > "$results"

measure()
{
    local round="$1" server="$2" label before after start end startup=0
    label="r$round-$server"
    if [[ $cold -eq 1 ]]
    then
        start_server "$server"
        startup="$(server_ticks "$server")"
    fi
    echo "compare-kamailio: round $round: $server: $calls ${unit}s at $rate/s" >&2
    before="$(server_ticks "$server")"
    start="$(date +%s%N)"
    run_load "$server" "$label" "$calls"
    echo "$round $server $run_ok $run_failed $(( done_ticks - before )) $(( (done_ns - start) / 1000000 ))" \
        "$startup" >> "$results"
    if [[ "$server" == kamailio ]]
    then
        echo "compare-kamailio: round $round: kamailio: $(kamailio_stats)" >&2
    fi
    if [[ $cold -eq 1 ]]
    then
        stop_server "$server"
    fi
}

mode=$([[ $cold -eq 1 ]] && echo cold || echo warm)
echo "compare-kamailio: $mode, $([[ $transfer -eq 1 ]] && echo 'blind transfers' || echo 'basic calls'), $rounds" \
    "rounds of $calls at $rate/s, hold $hold ms" >&2

if [[ $cold -eq 0 ]]
then
    start_referee
    start_kamailio
    for server in referee kamailio
    do
        echo "compare-kamailio: warm-up: $server: $warmup ${unit}s at $rate/s" >&2
        run_load "$server" "warmup-$server" "$warmup"
        echo "compare-kamailio: warm-up: $server: ok $run_ok, failed $run_failed" >&2
    done
    # Standing CPU of each server for 2 s with no load, to tell the per-call cost from what an idle server burns.
    idle_r0="$(server_ticks referee)"; idle_k0="$(server_ticks kamailio)"
    sleep 2
    idle_r1="$(server_ticks referee)"; idle_k1="$(server_ticks kamailio)"
    idle_referee=$(( (idle_r1 - idle_r0) * 1000000 / ticks_per_s / 2 ))
    idle_kamailio=$(( (idle_k1 - idle_k0) * 1000000 / ticks_per_s / 2 ))
fi

for round in $(seq "$rounds")
do
    if (( round % 2 == 1 ))
    then
        order=(referee kamailio)
    else
        order=(kamailio referee)
    fi
    for server in "${order[@]}"
    do
        measure "$round" "$server"
    done
done

tick_us=$(( 1000000 / ticks_per_s ))
echo
echo "Referee vs Kamailio: $mode, $([[ $transfer -eq 1 ]] && echo 'blind transfers' || echo 'basic calls'), $calls" \
    "${unit}s at $rate/s per run, hold $hold ms, $rounds rounds (CPU tick $tick_us us)"
if [[ $cold -eq 0 ]]
then
    echo "idle CPU (no load, 2 s): Referee $idle_referee us/s, Kamailio $idle_kamailio us/s"
fi
awk -v tick="$tick_us" -v unit="$unit" -v cold="$cold" -v idle_r="${idle_referee:-}" -v idle_k="${idle_kamailio:-}" '
    function per(t, n) { return n > 0 ? sprintf("%.1f", t * tick / n) : "n/a" }
    # CPU per call less what the idle server burned over the same wall time (warm runs, where idle was measured).
    function net(t, w, n, name) {
        if (cold || n <= 0) return ""
        return sprintf("%.1f", (t * tick - (name == "referee" ? idle_r : idle_k) * w / 1000) / n)
    }
    {
        ok[$1, $2] = $3; failed[$1, $2] = $4; ticks[$1, $2] = $5; wall[$1, $2] = $6; startup[$1, $2] = $7
        tok[$2] += $3; tfailed[$2] += $4; tticks[$2] += $5
        if ($1 > last) last = $1
    }
    END {
        printf "%-7s %-9s %8s %7s %11s %12s %10s%s\n", "round", "server", "ok", "failed", "CPU ms",
            "us/" unit, "wall s", (cold ? "   start-up CPU ms" : "   us/" unit " less idle")
        for (r = 1; r <= last; r++) {
            for (s = 0; s < 2; s++) {
                name = s == 0 ? "referee" : "kamailio"
                printf "%-7s %-9s %8d %7d %11.0f %12s %10.1f", r, name, ok[r, name], failed[r, name],
                    ticks[r, name] * tick / 1000, per(ticks[r, name], ok[r, name]), wall[r, name] / 1000
                if (cold) printf " %17.0f", startup[r, name] * tick / 1000
                else printf " %17s", net(ticks[r, name], wall[r, name], ok[r, name], name)
                printf "\n"
            }
            rr = ok[r, "referee"] > 0 ? ticks[r, "referee"] / ok[r, "referee"] : 0
            kk = ok[r, "kamailio"] > 0 ? ticks[r, "kamailio"] / ok[r, "kamailio"] : 0
            printf "%-7s %-9s %s\n", r, "ratio", (kk > 0 ? sprintf("Referee/Kamailio = %.2f", rr / kk) : "n/a")
        }
        for (s = 0; s < 2; s++) {
            name = s == 0 ? "referee" : "kamailio"
            printf "%-7s %-9s %8d %7d %11.0f %12s\n", "total", name, tok[name], tfailed[name],
                tticks[name] * tick / 1000, per(tticks[name], tok[name])
        }
        rr = tok["referee"] > 0 ? tticks["referee"] / tok["referee"] : 0
        kk = tok["kamailio"] > 0 ? tticks["kamailio"] / tok["kamailio"] : 0
        printf "%-7s %-9s %s\n", "total", "ratio", (kk > 0 ? sprintf("Referee/Kamailio = %.2f", rr / kk) : "n/a")
        printf "RESULT mode=%s unit=%s referee_ok=%d referee_failed=%d referee_us_per_%s=%s kamailio_ok=%d " \
            "kamailio_failed=%d kamailio_us_per_%s=%s ratio=%s\n", cold ? "cold" : "warm", unit, tok["referee"],
            tfailed["referee"], unit, per(tticks["referee"], tok["referee"]), tok["kamailio"], tfailed["kamailio"],
            unit, per(tticks["kamailio"], tok["kamailio"]), (kk > 0 ? sprintf("%.2f", rr / kk) : "n/a")
    }' "$results" | sed 's/^RESULT /RESULT rounds='"$rounds"' rate='"$rate"' calls='"$calls"' hold_ms='"$hold"' /'
