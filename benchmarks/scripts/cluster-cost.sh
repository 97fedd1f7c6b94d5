#!/usr/bin/env bash
# What the cluster costs (issue 9, docs/failover.md): the same SIPp basic calls at --rate through a single node and
# through the leader of three cluster members on this machine, alternating, each warm; for each, the CPU per call of
# the node (the leader; and of the three members together) and how long a request waits in the server, from the
# INVITE (or BYE) reaching its SIP port to the INVITE (or BYE) it sends on, as HdrHistogram percentiles from a
# tcpdump capture of loopback (SipHopLatency pairs the two legs of each call by their Subject).
#
#   benchmarks/scripts/cluster-cost.sh [--rate 1000] [--calls 20000] [--warm-calls 10000] [--rounds 2]
#                                      [--hold-ms 500] [--port-base 48000]
#
# Journal on, default configuration otherwise. Uses ops/target/referee.jar and benchmarks/target/benchmarks.jar (built
# when missing); installs tcpdump (Debian package) when missing. Every process it starts it stops by PID. Prints one
# RESULT line per measured run; exit 0 when every call of every measured run completed.
set -euo pipefail

rate=1000
calls=20000
warm_calls=10000
rounds=2
hold_ms=500
port_base=48000

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --rate) rate="$2"; shift 2 ;;
        --calls) calls="$2"; shift 2 ;;
        --warm-calls) warm_calls="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --hold-ms) hold_ms="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "cluster-cost: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$root/ops/target/referee.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"
bench_sipp="$root/benchmarks/sipp"
sip_port=$port_base
uas_port=$(( port_base + 2 ))
uac_port=$(( port_base + 4 ))
admin_base=$(( port_base + 10 ))
cluster_base=$(( port_base + 100 ))
command -v sipp > /dev/null || { echo "cluster-cost: sipp missing: apt-get install -y sip-tester" >&2; exit 2; }
bash "$root/benchmarks/scripts/install-debian-package.sh" /usr/bin/tcpdump tcpdump

tmp="$(mktemp -d /tmp/referee-cluster-cost.XXXXXX)"
pids=()
e2e_name="cluster-cost"
jfr=""
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_require_free_udp_ports "$sip_port" "$uas_port" "$uac_port"
e2e_build_jar
if [[ ! -f "$bench_jar" ]]
then
    (cd "$root" && mvn -q -o -B -DskipTests package -pl benchmarks -am) >&2
fi
failed=0
finish()
{
    e2e_stop_started
    if [[ $failed -eq 0 ]]
    then
        rm -rf "$tmp"
    else
        echo "cluster-cost: kept $tmp (logs, SIPp output, captures)" >&2
    fi
}
trap finish EXIT

# The configuration of node $1 in directory $2: member $1 of three when $3 is "cluster", a single node otherwise.
write_config()
{
    mkdir -p "$2"
    {
        echo "listen: [\"udp:127.0.0.1:$sip_port\"]"
        echo "routes:"
        echo "  - user: \"service\""
        echo "    target: \"127.0.0.1:$uas_port\""
        echo "journal:"
        echo "  dir: \"$2/journal\""
        echo "cdr:"
        echo "  dir: \"$2/cdr\""
        echo "admin: \"127.0.0.1:$(( admin_base + $1 ))\""
        if [[ "$3" == cluster ]]
        then
            echo "cluster:"
            echo "  member: $1"
            echo "  members:"
            for other in 0 1 2
            do
                echo "    - {id: $other, host: \"127.0.0.1\", port-base: $(( cluster_base + 100 * other ))}"
            done
            echo "  dir: \"$2/cluster\""
        fi
    } > "$2/referee.yaml"
}

status()
{
    curl -fsS --max-time 2 "http://127.0.0.1:$(( admin_base + $1 ))/status" 2> /dev/null || true
}

# Runs $2 calls at $rate through the service, SIPp's statistics to $1-stat.csv; waits for the run to end.
place_calls()
{
    (cd "$tmp" && exec sipp -sf "$bench_sipp/uac-basic-call.xml" "127.0.0.1:$sip_port" -s service -i 127.0.0.1 \
        -p "$uac_port" -r "$rate" -m "$2" -d "$hold_ms" -nostdin -buff_size 4194304 -timeout 300s \
        -trace_stat -stf "$1-stat.csv" -fd 1 > "$1-uac.log" 2>&1) &
    local uac=$!
    pids+=("$uac")
    wait "$uac" || true
}

# One measured run in mode $1 (single or cluster), round $2: prints its RESULT line.
measure()
{
    local mode="$1" run="$tmp/$1-$2" nodes=1 id leader=-1 node_pid=()
    [[ "$mode" == cluster ]] && nodes=3
    for (( id = 0; id < nodes; id++ ))
    do
        write_config "$id" "$run/node-$id" "$mode"
        java "${e2e_jvm_flags[@]}" -jar "$jar" run --config "$run/node-$id/referee.yaml" > "$run/node-$id/referee.log" 2>&1 &
        node_pid[$id]=$!
        pids+=("$!")
    done
    if [[ "$(e2e_first_options_answer_ms "$sip_port" "$(date +%s%N)" 120)" -lt 0 ]]
    then
        echo "cluster-cost: $mode: the service does not answer" >&2
        failed=1
        return
    fi
    for (( id = 0; id < nodes; id++ ))
    do
        if [[ "$mode" == single ]] || status "$id" | grep -q '"role":"leader"'
        then
            leader=$id
        fi
    done
    (cd "$tmp" && exec sipp -sf "$bench_sipp/uas-basic-call.xml" -i 127.0.0.1 -p "$uas_port" -nostdin \
        -buff_size 4194304 > "$run/uas.log" 2>&1) &
    local uas=$!
    pids+=("$uas")
    place_calls "$run/warm" "$warm_calls"

    local before=() after=() total=0 leader_ticks
    for (( id = 0; id < nodes; id++ ))
    do
        before[$id]="$(cpu_ticks "${node_pid[$id]}")"
    done
    tcpdump -i lo -n -s 2048 -B 32768 -w "$run/capture.pcap" "udp port $sip_port" > "$run/tcpdump.log" 2>&1 &
    local capture=$!
    pids+=("$capture")
    sleep 1 # tcpdump's filter in place
    place_calls "$run/measured" "$calls"
    kill -INT "$capture" 2> /dev/null || true
    wait "$capture" 2> /dev/null || true
    for (( id = 0; id < nodes; id++ ))
    do
        after[$id]="$(cpu_ticks "${node_pid[$id]}")"
        total=$(( total + after[id] - before[id] ))
    done
    leader_ticks=$(( after[leader] - before[leader] ))
    local hz ok bad
    hz="$(getconf CLK_TCK)"
    ok="$(stat_column "$run/measured-stat.csv" "SuccessfulCall(C)")"
    bad="$(stat_column "$run/measured-stat.csv" "FailedCall(C)")"
    [[ "$ok" -eq "$calls" && "$bad" -eq 0 ]] || failed=1
    local latency
    latency="$(java -cp "$bench_jar" dev.referee.benchmarks.latency.SipHopLatency "$run/capture.pcap" "$sip_port" |
        tr '\n' ' ')"
    echo "RESULT mode=$mode round=$2 rate=$rate calls=$calls successful=$ok failed=$bad" \
        "leader_us_per_call=$(( leader_ticks * 1000000 / hz / calls ))" \
        "all_members_us_per_call=$(( total * 1000000 / hz / calls )) latency: $latency"

    kill "$uas" 2> /dev/null || true
    wait "$uas" 2> /dev/null || true
    for (( id = 0; id < nodes; id++ ))
    do
        kill "${node_pid[$id]}" 2> /dev/null || true
    done
    for (( id = 0; id < nodes; id++ ))
    do
        wait "${node_pid[$id]}" 2> /dev/null || true
    done
}

for round in $(seq "$rounds")
do
    measure single "$round"
    measure cluster "$round"
done
exit "$failed"
