#!/usr/bin/env bash
# A restart's worst case: the node killed -9 just before a journal snapshot, so that it replays the most inputs it can.
#
#   benchmarks/scripts/restart-worst-case.sh [--rate R] [--snapshots N] [--kill-after SECONDS] [--restarts K]
#                                            [--port-base P] [--journal-jar JAR] [--snapshot-inputs N] [JAR...]
#
# Writes one journal: Referee (--journal-jar, default ops/target/referee.jar) under SIPp's basic call at --rate
# calls/s (default 3000) is killed with kill -9 --kill-after seconds (default 32) after its log reports its
# --snapshots-th snapshot (default 2), the load still running. --snapshot-inputs sets journal.snapshot-inputs for that
# node (default Referee's; 0: snapshots by time alone, every journal.snapshot-interval). Then each JAR (default the
# journal jar) is started --restarts times (default 3), in turn, on a fresh copy of that journal, and the time from
# its launch to the first 200 answer to an OPTIONS is printed with the recovery's own line (inputs replayed, ms). A
# restart answers only once it has recovered the calls (and warmed up beside the replay). Processes are stopped by
# PID; the temporary directory (two copies of a journal of about 2 GB at 3,000 calls/s) is removed on exit.
set -euo pipefail

rate=3000
snapshots=2
kill_after=32
restarts=3
port_base=46060
journal_jar=""
snapshot_inputs=""

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --rate) rate="$2"; shift 2 ;;
        --snapshots) snapshots="$2"; shift 2 ;;
        --kill-after) kill_after="$2"; shift 2 ;;
        --restarts) restarts="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        --journal-jar) journal_jar="$2"; shift 2 ;;
        --snapshot-inputs) snapshot_inputs="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "restart-worst-case: unknown argument $1" >&2; usage >&2; exit 2 ;;
        *) break ;;
    esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
journal_jar="${journal_jar:-$root/ops/target/referee.jar}"
jars=("$@")
[[ ${#jars[@]} -eq 0 ]] && jars=("$journal_jar")
for jar in "$journal_jar" "${jars[@]}"
do
    [[ -f "$jar" ]] || { echo "restart-worst-case: no jar $jar (mvn package -pl ops -am)" >&2; exit 2; }
done
command -v sipp > /dev/null || { echo "restart-worst-case: sipp missing: apt-get install -y sip-tester" >&2; exit 2; }
referee_port=$port_base
uas_port=$(( port_base + 2 ))
uac_port=$(( port_base + 10 ))
admin_port=$(( port_base + 1000 ))

tmp="$(mktemp -d /tmp/referee-restart.XXXXXX)"
pids=()
e2e_name="restart-worst-case"
jfr=""
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
trap 'e2e_stop_started; rm -rf "$tmp"' EXIT
e2e_require_free_udp_ports "$referee_port" "$uas_port" "$uac_port"

cat > "$tmp/referee.yaml" <<YAML
listen: ["udp:127.0.0.1:$referee_port"]
routes:
  - user: "service"
    target: "127.0.0.1:$uas_port"
journal:
  dir: "$tmp/journal"
$([[ -n "$snapshot_inputs" ]] && printf '  snapshot-inputs: %s' "$snapshot_inputs")
cdr:
  dir: "$tmp/cdr"
admin: "127.0.0.1:$admin_port"
YAML

e2e_launch_referee "$journal_jar" "$tmp/writer.log"
[[ "$(e2e_first_options_answer_ms "$referee_port" "$launch_ns" 60)" -ge 0 ]] ||
    { echo "restart-worst-case: Referee did not answer" >&2; exit 1; }
(cd "$tmp" && exec sipp -sn uas -i 127.0.0.1 -p "$uas_port" -nostdin > "$tmp/uas.log" 2>&1) &
uas_pid=$!
pids+=("$uas_pid")
(cd "$tmp" && exec sipp -sn uac "127.0.0.1:$referee_port" -s service -i 127.0.0.1 -p "$uac_port" -r "$rate" \
    -m "$(( rate * 600 ))" -d 0 -timeout 600 -nostdin > "$tmp/load.log" 2>&1) &
load_pid=$!
pids+=("$load_pid")
# The snapshotter logs each snapshot once written; the load runs until the kill (at most 10 minutes).
for _ in $(seq 6000)
do
    [[ "$(grep -c 'journal: snapshot of' "$tmp/writer.log" || true)" -ge "$snapshots" ]] && break
    sleep 0.1
done
[[ "$(grep -c 'journal: snapshot of' "$tmp/writer.log" || true)" -ge "$snapshots" ]] ||
    { echo "restart-worst-case: no snapshot $snapshots within 10 minutes" >&2; exit 1; }
grep 'journal: snapshot of' "$tmp/writer.log" | sed 's/.*journal: /writer: /'
sleep "$kill_after"
kill -9 "$referee_pid"
wait "$referee_pid" 2> /dev/null || true
kill "$load_pid" "$uas_pid" 2> /dev/null || true
wait "$load_pid" "$uas_pid" 2> /dev/null || true
mv "$tmp/journal" "$tmp/killed"
echo "writer: killed -9 ${kill_after} s after snapshot $snapshots; journal $(du -sm "$tmp/killed" | cut -f1) MiB"

for round in $(seq "$restarts")
do
    for jar in "${jars[@]}"
    do
        rm -rf "$tmp/journal" "$tmp/cdr"
        cp -a "$tmp/killed" "$tmp/journal"
        sync
        e2e_launch_referee "$jar" "$tmp/restart.log"
        answer_ms="$(e2e_first_options_answer_ms "$referee_port" "$launch_ns" 120)"
        recovered="$(grep -o 'recovered [0-9]* calls from [0-9]* journaled inputs in [0-9]* ms' "$tmp/restart.log" \
            || echo 'recovered ?')"
        echo "round $round $(basename "$jar"): first answer after $answer_ms ms ($recovered)"
        kill "$referee_pid" 2> /dev/null || true
        wait "$referee_pid" 2> /dev/null || true
    done
done
