#!/usr/bin/env bash
# End-to-end blind transfers through Referee with three SIPp processes on this machine (RFC 5589 §6.1):
#   alice (uac-call-then-accept-transfer-reinvite.xml) -> Referee -> bob (uas-answer-then-refer-blind.xml),
#   bob REFERs alice to carol, Referee -> carol (uas-target-answer-offer-then-wait-bye.xml) with an offerless
#   INVITE, carol's 200 brings the offer, Referee re-INVITEs alice with it; bob hangs up after the final NOTIFY,
#   alice hangs up after --hold ms, carol answers the BYE.
#
#   benchmarks/scripts/e2e-transfer-sipp.sh --rate 100 [--transfers N] [--warmup N] [--bound SECONDS]
#                                           [--hold MS] [--limit N] [--port-base P] [--tcp-kick] [--jfr FILE]
#                                           [--log FILE] [--keep DIR] [--build]
#
# --transfers: measured transfers (default 20 s worth, at least 500); --warmup: transfers before it (default 5 s
# worth, at least 1,000), not measured, so JIT warm-up and start-up are not counted. --bound: SIPp -timeout of
# each run (default 60). Ports: Referee P (UDP and TCP), bob P+2, carol P+4, alice P+10, admin P+1000 (P = 15060
# unless --port-base). The scenarios are the interop suite's (ops/src/test/resources/sipp/).
# Runs ops/target/referee.jar, or the jar E2E_REFEREE_JAR names (to compare two builds); E2E_JAVA_OPTS adds JVM flags.
#
# For each run (warm-up, measured) the three SIPp processes are started afresh with -m N, so each exits once its
# N calls are done and its final statistics count only that run; a transfer failed when any of the three
# reports it failed. Referee's CPU time is utime+stime of /proc/PID/stat (fields 14 and 15, CLK_TCK ticks) read
# just before the measured run starts and just after its three SIPp processes exit. Prints CPU us per
# successful transfer (in all and per Referee thread, from /proc/PID/task/*/stat), the achieved rate and the
# failures with their SIPp error kinds, then one RESULT line.
# Every process it starts is stopped by PID, and its temporary directory removed, on any exit.
set -euo pipefail

rate=100
transfers=""
warmup=""
limit=""
bound=60
hold=0
port_base=15060
jfr=""
build=0
kick=0
log=""
keep=""

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --rate) rate="$2"; shift 2 ;;
        --transfers) transfers="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --limit) limit="$2"; shift 2 ;;
        --bound) bound="$2"; shift 2 ;;
        --hold) hold="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        --jfr) jfr="$2"; shift 2 ;;
        --log) log="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        --tcp-kick) kick=1; shift ;;
        --build) build=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "e2e-transfer: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

transfers="${transfers:-$(( rate * 20 > 500 ? rate * 20 : 500 ))}"
warmup="${warmup:-$(( rate * 5 > 1000 ? rate * 5 : 1000 ))}"
# A transfer lasts about 0.45 s plus --hold (bob waits 200 ms before REFER, carol rings 200 ms): allow 2 s worth
# of concurrent transfers so the limit never paces the rate; more would only hide stalls.
limit="${limit:-$(( rate * 2 > 200 ? rate * 2 : 200 ))}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="${E2E_REFEREE_JAR:-$root/ops/target/referee.jar}"
scenarios="$root/ops/src/test/resources/sipp"
referee_port=$port_base
bob_port=$(( port_base + 2 ))
carol_port=$(( port_base + 4 ))
alice_port=$(( port_base + 10 ))
admin_port=$(( port_base + 1000 ))

command -v sipp > /dev/null || { echo "e2e-transfer: sipp missing: apt-get install -y sip-tester" >&2; exit 2; }

if [[ $build -eq 1 || ! -f "$jar" ]]
then
    echo "e2e-transfer: building $jar" >&2
    (cd "$root" && mvn -q -o -B -DskipTests package -pl ops -am) >&2
fi

tmp="$(mktemp -d /tmp/referee-e2e-xfer.XXXXXX)"
pids=()
e2e_name="e2e-transfer"
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"

cleanup()
{
    e2e_stop_started
    if [[ -n "$log" ]]
    then
        cat "$tmp"/referee.log > "$log" 2> /dev/null || true
    fi
    if [[ -n "$keep" ]]
    then
        mkdir -p "$keep" && cp -r "$tmp"/*.csv "$tmp"/*.err "$tmp"/*.log "$keep"/ 2> /dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

cat > "$tmp/referee.yaml" <<YAML
listen: ["udp:127.0.0.1:$referee_port", "tcp:127.0.0.1:$referee_port"]
routes:
  - user: "bob"
    target: "127.0.0.1:$bob_port"
  - user: "carol"
    target: "127.0.0.1:$carol_port"
journal:
  dir: "$tmp/journal"
admin: "127.0.0.1:$admin_port"
YAML

e2e_start_referee

if [[ $kick -eq 1 ]]
then
    e2e_tcp_kick
fi

ticks_per_s="$(getconf CLK_TCK)"

# "name ticks" per Referee thread (utime + stime of /proc/PID/task/TID/stat), threads of one name summed.
thread_ticks()
{
    local task stat name
    for task in /proc/"$referee_pid"/task/*
    do
        name="$(< "$task/comm")" 2> /dev/null || continue
        stat="$(< "$task/stat")" 2> /dev/null || continue
        stat="${stat##*) }"
        # shellcheck disable=SC2086
        set -- $stat
        echo "${name// /_} $(( ${12} + ${13} ))"
    done | awk '{ t[$1] += $2 } END { for (n in t) print n, t[n] }' | sort
}

# UDP receive-buffer overflows of the whole machine (RcvbufErrors of /proc/net/snmp): datagrams the kernel dropped
# because a socket (Referee's or a SIPp's) was not read fast enough. Other processes count here too.
udp_rcvbuf_errors()
{
    awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 } else print $col["RcvbufErrors"] }' \
        /proc/net/snmp
}

# Datagrams dropped at one UDP port's sockets since they opened (last column of /proc/net/udp); $1 = port.
udp_port_drops()
{
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v port=":$hex" 'NR > 1 && substr($2, length($2) - 4) == port { d += $NF } END { print d + 0 }' /proc/net/udp
}

# Starts one SIPp in the background; $1 = name, then sipp arguments. Adds its PID to pids and to run_pids.
start_sipp()
{
    local name="$1"
    shift
    # -key mport: the media port the interop suite's scenarios write in their SDP ([mport], 6000 as its Sipp class
    # gives by default); SIPp refuses a scenario that names a key it was not given. -buff_size 4 MiB: with SIPp's
    # 64 KiB the transferor's socket (seven messages a transfer) overflowed at 500 transfers/s (76 datagrams dropped
    # in /proc/net/udp, 27 transfers failed at SIPp's bob, none at Referee's socket), as overload-steps.sh found.
    (cd "$tmp" && exec sipp "$@" -key mport 6000 -buff_size 4194304 -i 127.0.0.1 -nostdin -timeout "$bound" -trace_stat -stf "$tmp/$name.csv" -fd 1 \
        -trace_err -error_file "$tmp/$name.err" > "$tmp/$name.log" 2>&1) &
    pids+=("$!")
    run_pids+=("$!")
}

# One run of $2 transfers at --rate; $1 = label. Sets run_failed, run_success, run_wall_ns.
run_transfers()
{
    local label="$1" n="$2" start end pid status party failed success
    run_pids=()
    rm -f "$tmp/$label"-*.csv "$tmp/$label"-*.err
    start_sipp "$label-carol" -sf "$scenarios/uas-target-answer-offer-then-wait-bye.xml" -p "$carol_port" -m "$n"
    start_sipp "$label-bob" -sf "$scenarios/uas-answer-then-refer-blind.xml" -p "$bob_port" -m "$n" -key target carol
    sleep 0.5
    start="$(date +%s%N)"
    start_sipp "$label-alice" -sf "$scenarios/uac-call-then-accept-transfer-reinvite.xml" "127.0.0.1:$referee_port" \
        -p "$alice_port" -s bob -key target carol -r "$rate" -m "$n" -l "$limit" -d "$hold"
    status=0
    # SIPp's sockets close when they exit: read their drop counts while alice runs, at its last second.
    (
        while kill -0 "${run_pids[2]}" 2> /dev/null
        do
            echo "referee=$(udp_port_drops "$referee_port") bob=$(udp_port_drops "$bob_port")" \
                "carol=$(udp_port_drops "$carol_port") alice=$(udp_port_drops "$alice_port")" > "$tmp/$label.drops.tmp"
            mv "$tmp/$label.drops.tmp" "$tmp/$label.drops"
            sleep 1
        done
    ) &
    pids+=("$!")
    for pid in "${run_pids[@]}"
    do
        wait "$pid" || status=$?
    done
    end="$(date +%s%N)"
    run_wall_ns=$(( end - start ))
    run_failed=0
    run_success=""
    for party in alice bob carol
    do
        failed="$(stat_column "$tmp/$label-$party.csv" 'FailedCall(C)')"
        success="$(stat_column "$tmp/$label-$party.csv" 'SuccessfulCall(C)')"
        run_failed=$(( run_failed + failed ))
        # A transfer succeeded when all three parties saw their call succeed: the smallest count bounds it.
        if [[ -z "$run_success" || $success -lt $run_success ]]
        then
            run_success=$success
        fi
        echo "e2e-transfer: $label: $party successful $success, failed $failed" >&2
        if [[ "$failed" != 0 && -s "$tmp/$label-$party.err" ]]
        then
            # Event lines are "date<TAB>time<TAB>epoch: what happened"; kinds of event, Call-IDs removed.
            grep -aP '^\d{4}-\d\d-\d\d\t' "$tmp/$label-$party.err" | cut -f3 |
                sed -E "s/^[0-9.]+: //; s/[0-9a-f-]{8,}@[A-Za-z0-9.]+/ID/g; s/Call-I[dD] '[^']*'/Call-Id ID/" |
                cut -c1-110 | sort | uniq -c | sort -rn |
                head -5 >&2 || true
        fi
    done
    echo "e2e-transfer: $label: sipp exit $status, $(( run_wall_ns / 1000000 )) ms; UDP drops per socket (since" \
        "it opened, last read <= 1 s before alice exited): $(cat "$tmp/$label.drops" 2> /dev/null)" >&2
}

echo "e2e-transfer: warm-up: $warmup transfers at $rate/s" >&2
run_transfers warmup "$warmup"
warmup_failed=$run_failed

# Idle CPU for 2 s (GC, ticker, blocked pipeline threads), to tell the per-transfer cost from the standing cost.
idle_before="$(cpu_ticks)"
sleep 2
idle_after="$(cpu_ticks)"
idle_us_per_s=$(( (idle_after - idle_before) * 1000000 / ticks_per_s / 2 ))

echo "e2e-transfer: measured: $transfers transfers at $rate/s" >&2
threads_before="$(thread_ticks)"
drops_before="$(udp_rcvbuf_errors)"
cpu_before="$(cpu_ticks)"
run_transfers measured "$transfers"
cpu_after="$(cpu_ticks)"
drops_after="$(udp_rcvbuf_errors)"
threads_after="$(thread_ticks)"

cpu_us=$(( (cpu_after - cpu_before) * 1000000 / ticks_per_s ))
achieved=$(awk -v n="$transfers" -v ns="$run_wall_ns" 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
cpu_per=$(awk -v us="$cpu_us" -v n="$run_success" 'BEGIN { if (n > 0) printf "%.1f", us / n; else print "n/a" }')
status_json="$(curl -fsS "http://127.0.0.1:$admin_port/status" 2> /dev/null || echo '{}')"

echo "rate requested:        $rate transfers/s"
echo "transfers:             $transfers (successful $run_success, failed $run_failed; warm-up failed $warmup_failed)"
echo "achieved rate:         $achieved transfers/s (transfers / wall time from alice's start to the last exit)"
echo "Referee CPU:           $cpu_us us over the run = $cpu_per us per successful transfer" \
    "(tick = $(( 1000000 / ticks_per_s )) us)"
echo "Referee idle CPU:      $idle_us_per_s us per second"
echo "UDP datagrams dropped: $(( drops_after - drops_before )) (kernel RcvbufErrors, whole machine, measured run)"
echo "Referee CPU by thread over the measured run (us per successful transfer; JVM threads of one name summed):"
# Threads that started during the run have no 'before' entry and count from 0.
join -a 2 -e 0 -o 0,1.2,2.2 <(echo "$threads_before") <(echo "$threads_after") |
    awk -v tick="$(( 1000000 / ticks_per_s ))" -v n="$run_success" \
        '{ d = ($3 - $2) * tick; if (d > 0 && n > 0) printf "  %-28s %9.1f\n", $1, d / n }' | sort -k2 -rn
echo "Referee /status after: $status_json"
echo "RESULT rate=$rate transfers=$transfers failed=$run_failed successful=$run_success warmup_failed=$warmup_failed" \
    "achieved=$achieved cpu_us=$cpu_us cpu_us_per_transfer=$cpu_per idle_us_per_s=$idle_us_per_s" \
    "udp_rcvbuf_errors=$(( drops_after - drops_before ))"
