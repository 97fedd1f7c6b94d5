#!/usr/bin/env bash
# Overload run of Referee: SIPp basic calls offered at 1x, 1.5x, 2x, 3x the clean capacity and back to 1x, one step
# after the other; per step the offered load, the goodput, the calls shed (503) and failed, and Referee's own
# overload counters. Prints a table, writes a CSV and a PNG plot.
#
#   benchmarks/scripts/overload-steps.sh [--capacity C] [--step-seconds S] [--multipliers "1 1.5 2 3 1"]
#                                        [--hold-ms MS] [--recv-timeout MS] [--probe-start R] [--probe-seconds S]
#                                        [--warmup-calls N] [--port-base P] [--csv FILE] [--png FILE]
#                                        [--keep DIR] [--build] [--referee-cpus LIST] [--sipp-cpus LIST]
#                                        [--standing-lag MS] [--socket-wait true|false]
#                                        [--snapshot-interval DURATION]
#                                        [--udp-send engine|send-thread] [--udp-receive engine|receive-thread]
#
# --capacity: the clean capacity in calls/s. Without it the script finds one first: probes of --probe-seconds
# (default 5) from --probe-start calls/s (default 500), each 1.25x the last (rounded to 50), at most 8; the capacity
# is the highest probe with no failed call, no 503, and a call creation rate within 5 % of the one asked for.
# --step-seconds: length of each step's offered load (default 20); --multipliers: the steps, times the capacity.
# --hold-ms: SIPp -d, time between ACK and BYE (default 0). --recv-timeout: SIPp -recv_timeout (default 5000 ms):
# a call that waits longer for a message fails, so that a step's stragglers end soon after its load.
#
# Each step is its own SIPp uac run (benchmarks/sipp/uac-basic-call.xml: a 503 to the INVITE is ACKed and counted
# apart, counter "shed", not as a failure) against one long-lived SIPp uas (uas-basic-call.xml), with -r the step's
# rate, -m rate x S calls and a concurrency limit large enough never to pace the rate. Per step:
#   offered      the rate asked of SIPp (calls/s); "created/s" is what SIPp managed: calls created over the time it
#                took to create them (SIPp shares the 2 cores with Referee, and can fall short)
#   goodput      calls that completed (200 to the INVITE, ACK, BYE, 200 to the BYE) per second of that window
#                (the longer of S and the creation time)
#   shed         calls answered 503 (SIPp counter "shed"), per the whole step
#   failed       SIPp's failed calls (timeouts, unexpected messages): neither completed nor shed
#   admitted, shed, absorbed, ...  the differences, over the step, of every counter under the top-level "overload"
#                object of Referee's GET /status (read before and after the step); "n/a" when Referee has none.
#                drops.overload503 (stateless 503s written by the receive thread when the inbound ring is full) and
#                drops.callLimit (new calls the engine answered 503 at sip.max-calls, "503(calls)") are shown too:
#                SIPp's "shed" counts every 503, Referee's "shed(R)" only admission's.
#   rcvbuf       datagrams the kernel dropped over the step because a UDP socket's receive buffer was full
#                (RcvbufErrors of /proc/net/snmp: every socket of the machine, Referee's and SIPp's); "rcvbuf(R)"
#                those of Referee's own socket (the drops column of /proc/net/udp for its port): the loss no
#                admission rule sees, which fails calls already admitted.
# The CSV (--csv, default benchmarks/results/overload-steps.csv) has one row per step, with every overload counter;
# the PNG (--png, default benchmarks/results/overload-steps.png) plots offered, created, goodput, shed and failed
# per step, with /usr/bin/python3 and matplotlib (Debian's python3-matplotlib, installed with apt-get when missing),
# or gnuplot (gnuplot-nox) when matplotlib cannot be had; no PNG (and a message) when neither can.
#
# --standing-lag: Referee's overload.standing-lag in ms (0 turns it off; default: Referee's own, 100 ms), to compare
# shedding on a standing lag with shedding on overload.max-lag alone in the same session.
# --socket-wait: Referee's overload.socket-wait (false: datagrams are not stamped and their wait in the socket does
# not count; default: Referee's own, true).
# --snapshot-interval: Referee's journal.snapshot-interval (e.g. 24h: no snapshot within a run; default: Referee's own,
# 60s). A snapshot holds the engine thread for seconds at these rates (docs/journal-format.md "Snapshots"), and the
# first one falls about a minute after the warm-up: in the 3x step with the default step length.
# --referee-cpus and --sipp-cpus: CPU lists (taskset -c, e.g. 1 and 0) that Referee and both SIPp parties are kept on.
# On a 2-core machine SIPp and Referee otherwise share both cores, so that past Referee's clean rate SIPp cannot
# offer more (it managed 3,600 of 4,500 calls/s asked): a step then measures the generator's collapse as much as
# Referee's. With one core each, Referee's clean capacity is lower and SIPp can offer twice it.
#
# Referee runs from ops/target/referee.jar (built when missing or with --build; $E2E_REFEREE_JAR names another jar,
# to compare two builds) as in e2e-sipp.sh (UDP, journal
# on), with e2e-lib.sh's JVM flags and $E2E_JAVA_OPTS, after a warm-up run (--warmup-calls, default 5,000, at the
# lower of the capacity and --probe-start). Ports (P = --port-base, default 17060): Referee P, admin P+1000,
# uas P+2, uac P+10. Every process it starts is stopped by PID, and its temporary directory removed, on any exit.
set -euo pipefail

capacity=""
step_seconds=20
multipliers="1 1.5 2 3 1"
hold=0
recv_timeout=5000
probe_start=500
probe_seconds=5
warmup_calls=5000
port_base=17060
csv=""
png=""
keep=""
build=0
referee_cpus=""
sipp_cpus=""
standing_lag=""
socket_wait=""
snapshot_interval=""
udp_send=""
udp_receive=""

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]
do
    case "$1" in
        --capacity) capacity="$2"; shift 2 ;;
        --step-seconds) step_seconds="$2"; shift 2 ;;
        --multipliers) multipliers="$2"; shift 2 ;;
        --hold-ms) hold="$2"; shift 2 ;;
        --recv-timeout) recv_timeout="$2"; shift 2 ;;
        --probe-start) probe_start="$2"; shift 2 ;;
        --probe-seconds) probe_seconds="$2"; shift 2 ;;
        --warmup-calls) warmup_calls="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        --csv) csv="$2"; shift 2 ;;
        --png) png="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        --build) build=1; shift ;;
        --referee-cpus) referee_cpus="$2"; shift 2 ;;
        --sipp-cpus) sipp_cpus="$2"; shift 2 ;;
        --standing-lag) standing_lag="$2"; shift 2 ;;
        --socket-wait) socket_wait="$2"; shift 2 ;;
        --snapshot-interval) snapshot_interval="$2"; shift 2 ;;
        --udp-send) udp_send="$2"; shift 2 ;;
        --udp-receive) udp_receive="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "overload-steps: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

for n in "$step_seconds" "$hold" "$recv_timeout" "$probe_start" "$probe_seconds" "$warmup_calls" "$port_base" \
    ${capacity:+"$capacity"} ${standing_lag:+"$standing_lag"}
do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "overload-steps: not a whole number: $n" >&2; exit 2; }
done
for m in $multipliers
do
    [[ "$m" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "overload-steps: not a multiplier: $m" >&2; exit 2; }
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scripts="$root/benchmarks/scripts"
jar="${E2E_REFEREE_JAR:-$root/ops/target/referee.jar}"
bench_sipp="$root/benchmarks/sipp"
csv="${csv:-$root/benchmarks/results/overload-steps.csv}"
png="${png:-$root/benchmarks/results/overload-steps.png}"
referee_port=$port_base
admin_port=$(( port_base + 1000 ))
uas_port=$(( port_base + 2 ))
uac_port=$(( port_base + 10 ))

"$root/scripts/install-sipp.sh"
command -v curl > /dev/null || { echo "overload-steps: curl missing" >&2; exit 2; }
command -v python3 > /dev/null || { echo "overload-steps: python3 missing (reads /status)" >&2; exit 2; }

e2e_name="overload-steps"
jfr=""
# shellcheck source=benchmarks/scripts/e2e-lib.sh
source "$scripts/e2e-lib.sh"
e2e_require_free_udp_ports "$referee_port" "$uas_port" "$uac_port"
e2e_build_jar

tmp="$(mktemp -d /tmp/referee-overload.XXXXXX)"
pids=()

cleanup()
{
    e2e_stop_started
    if [[ -n "$keep" ]]
    then
        mkdir -p "$keep" && cp -r "$tmp"/*.csv "$tmp"/*.err "$tmp"/*.log "$tmp"/*.json "$keep"/ 2> /dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

cat > "$tmp/referee.yaml" <<YAML
listen: ["udp:127.0.0.1:$referee_port"]
routes:
  - user: "service"
    target: "127.0.0.1:$uas_port"
journal:
  dir: "$tmp/journal"
${snapshot_interval:+  snapshot-interval: $snapshot_interval}
admin: "127.0.0.1:$admin_port"
# Calls without hold leave two server transactions each (the INVITE's, accepted, and the BYE's) waiting 64*T1 = 32 s
# for retransmissions, so sip.max-transactions bounds the sustained rate of such calls (the default, 256,000, holds
# 4,000 calls/s; it was 60,000, about 940/s, when this was found): a sizing limit, not the CPU this script measures.
# 400,000 holds 6,000 calls/s; the heap is raised to hold them (about 1.6 KB each).
sip:
  max-transactions: 400000
YAML
E2E_JAVA_OPTS="-Xms2g -Xmx2g ${E2E_JAVA_OPTS:-}"
if [[ -n "$standing_lag$socket_wait" ]]
then
    printf 'overload:\n' >> "$tmp/referee.yaml"
    if [[ -n "$standing_lag" ]]; then printf '  standing-lag: %sms\n' "$standing_lag" >> "$tmp/referee.yaml"; fi
    if [[ -n "$socket_wait" ]]; then printf '  socket-wait: %s\n' "$socket_wait" >> "$tmp/referee.yaml"; fi
fi
if [[ -n "$udp_send$udp_receive" ]]
then
    printf 'pipeline:\n' >> "$tmp/referee.yaml"
    if [[ -n "$udp_send" ]]; then printf '  udp-send: "%s"\n' "$udp_send" >> "$tmp/referee.yaml"; fi
    if [[ -n "$udp_receive" ]]; then printf '  udp-receive: "%s"\n' "$udp_receive" >> "$tmp/referee.yaml"; fi
fi

e2e_start_referee

# 4 MiB socket buffers for both SIPp parties (SIPp's default is 64 KiB): under overload SIPp shares the 2 cores and,
# off the CPU, dropped Referee's answers in its own socket, then retransmitted: a collapse of the load generator.
sipp_buffers=(-buff_size $(( 4 << 20 )))
sipp_pin=()
[[ -n "$sipp_cpus" ]] && sipp_pin=(taskset -c "$sipp_cpus")
(cd "$tmp" && exec "${sipp_pin[@]}" sipp -sf "$bench_sipp/uas-basic-call.xml" -i 127.0.0.1 -p "$uas_port" -nostdin \
    "${sipp_buffers[@]}" > "$tmp/uas.log" 2>&1) &
pids+=("$!")
sleep 0.5

# The epoch seconds in the CurrentTime column of SIPp's statistics file $1 at its first row, and at the first row
# where TotalCallCreated reached its last value: "start end".
creation_window()
{
    awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { split($col["CurrentTime"], t, "\t"); created = $col["TotalCallCreated"] + 0
          if (start == "") start = t[3]
          if (created != last) { last = created; at = t[3] } }
        END { printf "%.3f %.3f\n", start, at }' "$1"
}

# One uac run at rate $2 for $3 calls; $1 = label. Sets created, completed, shed, failed, window_s, wall_s.
run_uac()
{
    local label="$1" r="$2" n="$3" start end window lim
    # Concurrency never paces the rate: every call may wait recv-timeout, plus the hold time, plus a second.
    lim=$(( r * (recv_timeout + hold + 1000) / 1000 + 100 ))
    start="$(date +%s%N)"
    (cd "$tmp" && exec "${sipp_pin[@]}" sipp -sf "$bench_sipp/uac-basic-call.xml" "127.0.0.1:$referee_port" -s service -i 127.0.0.1 \
        -p "$uac_port" -r "$r" -m "$n" -l "$lim" -d "$hold" -recv_timeout "$recv_timeout" -nostdin "${sipp_buffers[@]}" \
        -timeout $(( n / r * 3 + recv_timeout / 1000 + 30 )) -trace_stat -stf "$tmp/$label.csv" -fd 1 \
        -trace_err -error_file "$tmp/$label.err" > "$tmp/$label.log" 2>&1) &
    local uac_pid=$!
    pids+=("$uac_pid")
    wait "$uac_pid" || true
    end="$(date +%s%N)"
    wall_s="$(awk -v ns=$(( end - start )) 'BEGIN { printf "%.1f", ns / 1e9 }')"
    created="$(stat_column "$tmp/$label.csv" 'TotalCallCreated')"
    completed="$(stat_column "$tmp/$label.csv" 'completed(C)')"
    shed="$(stat_column "$tmp/$label.csv" 'shed(C)')"
    failed="$(stat_column "$tmp/$label.csv" 'FailedCall(C)')"
    window="$(creation_window "$tmp/$label.csv")"
    window_s="$(awk -v w="$window" 'BEGIN { split(w, a, " "); printf "%.1f", a[2] - a[1] }')"
    echo "overload-steps: $label: $r calls/s x $n: created $created, completed $completed, shed $shed," \
        "failed $failed, created in ${window_s} s, wall ${wall_s} s" >&2
    if [[ "$failed" != 0 && -s "$tmp/$label.err" ]]
    then
        sed -E 's/([0-9]{4}-[0-9]{2}-[0-9]{2}\t[0-9:.]+\t[0-9.]+: )/\n\1/g' "$tmp/$label.err" |
            grep -aP '^\d{4}-\d\d-\d\d\t' | cut -f3 |
            sed -E "s/^[0-9.]+: //; s/[0-9]+-[0-9]+@[0-9.]+/ID/g; s/Call-I[dD] '[^']*'/Call-Id ID/" | cut -c1-90 |
            sort | uniq -c | sort -rn | head -4 >&2 || true
    fi
}

status()
{
    curl -fsS --max-time 5 "http://127.0.0.1:$admin_port/status" 2> /dev/null || echo '{}'
}

echo "overload-steps: warm-up: $warmup_calls calls" >&2
warm_rate=$probe_start
if [[ -n "$capacity" && $capacity -lt $probe_start ]]
then
    warm_rate=$capacity
fi
run_uac warmup "$warm_rate" "$warmup_calls"

if [[ -z "$capacity" ]]
then
    r=$probe_start
    for probe in $(seq 8)
    do
        run_uac "probe$probe" "$r" $(( r * probe_seconds ))
        clean=$(awk -v c="$created" -v w="$window_s" -v s="$probe_seconds" -v r="$r" -v f="$failed" -v sh="$shed" \
            'BEGIN { t = (w > s ? w : s); print (f == 0 && sh == 0 && c / t >= 0.95 * r) ? 1 : 0 }')
        if [[ $clean -eq 0 ]]
        then
            break
        fi
        capacity=$r
        r=$(( (r * 125 / 100 + 25) / 50 * 50 ))
    done
    if [[ -z "$capacity" ]]
    then
        echo "overload-steps: not even $probe_start calls/s ran clean: give --capacity or a lower --probe-start" >&2
        exit 1
    fi
    echo "overload-steps: clean capacity: $capacity calls/s" >&2
fi

# Differences of the numbers under "overload" (and drops.overload503) between two /status answers, as JSON.
status_diff()
{
    python3 - "$1" "$2" <<'PY'
import json, sys
def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:
        return {}
before, after = load(sys.argv[1]), load(sys.argv[2])
out = {}
ob, oa = before.get("overload"), after.get("overload")
if isinstance(oa, dict):
    for key, value in oa.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            prior = ob.get(key, 0) if isinstance(ob, dict) else 0
            out["overload." + key] = value - (prior if isinstance(prior, (int, float)) else 0)
db, da = before.get("drops", {}), after.get("drops", {})
for key in ("overload503", "callLimit"):
    if isinstance(da, dict) and isinstance(da.get(key), (int, float)):
        out["drops." + key] = da[key] - (db.get(key, 0) if isinstance(db, dict) else 0)
print(json.dumps(out))
PY
}

# RcvbufErrors of the machine's UDP counters (/proc/net/snmp: a header line, then a line of values).
udp_rcvbuf_errors()
{
    awk '/^Udp:/ { if (!header) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") col = i; header = 1 }
                   else { print $col; exit } }' /proc/net/snmp
}

# Datagrams dropped on the UDP sockets bound to local port $1 (the last column of /proc/net/udp and udp6, per socket).
udp_socket_drops()
{
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v port=":$hex" 'FNR > 1 && substr($2, length($2) - 4) == port { sum += $NF } END { print sum + 0 }' \
        /proc/net/udp /proc/net/udp6 2> /dev/null
}

rows="$tmp/rows.jsonl"
: > "$rows"
step=0
for m in $multipliers
do
    step=$(( step + 1 ))
    r="$(awk -v c="$capacity" -v m="$m" 'BEGIN { printf "%d", c * m + 0.5 }')"
    n=$(( r * step_seconds ))
    echo "overload-steps: step $step: ${m}x = $r calls/s for $step_seconds s" >&2
    status > "$tmp/step$step-before.json"
    rcvbuf_before="$(udp_rcvbuf_errors)"
    referee_drops_before="$(udp_socket_drops "$referee_port")"
    run_uac "step$step" "$r" "$n"
    rcvbuf=$(( $(udp_rcvbuf_errors) - rcvbuf_before ))
    referee_drops=$(( $(udp_socket_drops "$referee_port") - referee_drops_before ))
    status > "$tmp/step$step-after.json"
    counters="$(status_diff "$tmp/step$step-before.json" "$tmp/step$step-after.json")"
    printf '{"step":%d,"multiplier":%s,"offered":%d,"calls":%d,"created":%d,"completed":%d,"shed":%d,"failed":%d,' \
        "$step" "$m" "$r" "$n" "$created" "$completed" "$shed" "$failed" >> "$rows"
    printf '"window_s":%s,"wall_s":%s,"step_seconds":%d,"rcvbuf":%d,"referee_rcvbuf":%d,"counters":%s}\n' \
        "$window_s" "$wall_s" "$step_seconds" "$rcvbuf" "$referee_drops" "$counters" >> "$rows"
done

mkdir -p "$(dirname "$csv")" "$(dirname "$png")"
python3 - "$rows" "$csv" "$capacity" <<'PY'
import csv, json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
capacity = sys.argv[3]
keys = []
for row in rows:
    for key in row["counters"]:
        if key not in keys:
            keys.append(key)
# The three the table always shows, then any other overload counter Referee has.
shown = ["overload.admitted", "overload.shed", "overload.absorbed"]
extra = [k for k in keys if k not in shown]
fields = ["step", "multiplier", "offered_cps", "created_per_s", "calls", "created", "completed", "goodput_cps",
          "shed", "shed_per_s", "failed", "failed_per_s", "window_s", "wall_s", "rcvbuf", "referee_rcvbuf"] + \
         shown + extra
out = []
for row in rows:
    window = max(row["step_seconds"], row["window_s"])
    line = {
        "step": row["step"], "multiplier": row["multiplier"], "offered_cps": row["offered"],
        "created_per_s": round(row["created"] / window, 1), "calls": row["calls"], "created": row["created"],
        "completed": row["completed"], "goodput_cps": round(row["completed"] / window, 1),
        "shed": row["shed"], "shed_per_s": round(row["shed"] / window, 1), "failed": row["failed"],
        "failed_per_s": round(row["failed"] / window, 1), "window_s": row["window_s"], "wall_s": row["wall_s"],
        "rcvbuf": row.get("rcvbuf", "n/a"), "referee_rcvbuf": row.get("referee_rcvbuf", "n/a"),
    }
    for key in shown + extra:
        line[key] = row["counters"].get(key, "n/a")
    out.append(line)
with open(sys.argv[2], "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=fields)
    writer.writeheader()
    writer.writerows(out)
print(f"Overload steps: clean capacity C = {capacity} calls/s")
head = ["step", "load", "offered/s", "created/s", "goodput/s", "shed", "failed", "admitted", "shed(R)", "absorbed",
        "503(ring)", "503(calls)", "rcvbuf", "rcvbuf(R)"]
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for line in out:
    cells = [line["step"], f'{line["multiplier"]}x', line["offered_cps"], line["created_per_s"], line["goodput_cps"],
             line["shed"], line["failed"], line["overload.admitted"], line["overload.shed"], line["overload.absorbed"],
             line.get("drops.overload503", "n/a"), line.get("drops.callLimit", "n/a"), line["rcvbuf"],
             line["referee_rcvbuf"]]
    print("| " + " | ".join(str(c) for c in cells) + " |")
others = [k for k in extra if k not in ("drops.overload503", "drops.callLimit")]
if others:
    print("other overload counters (in the CSV): " + ", ".join(others))
PY
echo "CSV: $csv"

# The plot: matplotlib from Debian (it is for /usr/bin/python3), gnuplot if not.
plot_matplotlib()
{
    /usr/bin/python3 - "$csv" "$png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
labels = [f'{r["step"]}: {r["multiplier"]}x' for r in rows]
series = [("offered_cps", "offered"), ("created_per_s", "created by SIPp"), ("goodput_cps", "goodput"),
          ("shed_per_s", "shed (503)"), ("failed_per_s", "failed")]
width = 0.16
fig, ax = plt.subplots(figsize=(9, 4.8))
for i, (key, name) in enumerate(series):
    xs = [j + (i - 2) * width for j in range(len(rows))]
    ax.bar(xs, [float(r[key]) for r in rows], width, label=name)
ax.set_xticks(range(len(rows)))
ax.set_xticklabels(labels)
ax.set_xlabel("step (offered load, times the clean capacity)")
ax.set_ylabel("calls per second")
ax.set_title("Referee under stepped overload (SIPp basic calls)")
ax.legend()
ax.grid(axis="y", alpha=0.3)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=100)
PY
}

plot_gnuplot()
{
    awk -F, 'NR > 1 { print $1 ":" $2 "x", $3, $4, $8, $10, $12 }' "$csv" > "$tmp/plot.dat"
    gnuplot <<GP
set terminal pngcairo size 900,480
set output "$png"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "calls per second"
set xlabel "step (offered load, times the clean capacity)"
set title "Referee under stepped overload (SIPp basic calls)"
set grid ytics
plot "$tmp/plot.dat" using 2:xtic(1) title "offered", "" using 3 title "created by SIPp", "" using 4 title "goodput", \
     "" using 5 title "shed (503)", "" using 6 title "failed"
GP
}

have_matplotlib()
{
    [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import matplotlib' 2> /dev/null
}

if ! have_matplotlib && ! command -v gnuplot > /dev/null
then
    echo "overload-steps: installing python3-matplotlib for the plot" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-matplotlib > /dev/null 2>&1
    then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-matplotlib > /dev/null 2>&1 ||
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox > /dev/null 2>&1 || true
    fi
fi
if have_matplotlib && plot_matplotlib
then
    echo "PNG: $png"
elif command -v gnuplot > /dev/null && plot_gnuplot
then
    echo "PNG: $png (gnuplot)"
else
    echo "overload-steps: no PNG: neither python3-matplotlib nor gnuplot could be installed" >&2
fi
