# What the end-to-end scripts (e2e-sipp.sh, e2e-transfer-sipp.sh) share. Sourced, not run. The caller sets:
# e2e_name (for messages), tmp (its temporary directory, with referee.yaml in it), jar, admin_port, referee_port,
# jfr (empty for none), and an array pids; each function below adds the PIDs it starts to pids.

# shellcheck source=ops/jvm-flags.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../ops/jvm-flags.sh"
# Referee's own flags (the launcher's); E2E_GC_FLAGS replaces its collector flags (two collectors named is a JVM
# error), e.g. E2E_GC_FLAGS="-XX:+UseParallelGC".
if [[ -n "${E2E_GC_FLAGS:-}" ]]
then
    read -r -a referee_gc_flags <<< "$E2E_GC_FLAGS"
fi
e2e_jvm_flags=("${referee_jvm_flags[@]}" "${referee_gc_flags[@]}")

# Exits 2, naming it, when something already listens on one of the UDP ports given.
e2e_require_free_udp_ports()
{
    local port
    for port in "$@"
    do
        if [[ -n "$(ss -Hlun "sport = :$port" 2> /dev/null)" ]]
        then
            echo "$e2e_name: UDP port $port is in use (choose another --port-base)" >&2
            exit 2
        fi
    done
}

# Builds $jar (mvn package -pl ops -am, offline) when it is missing or $build is 1; $root is the repository.
e2e_build_jar()
{
    if [[ ${build:-0} -eq 1 || ! -f "$jar" ]]
    then
        echo "$e2e_name: building $jar" >&2
        (cd "$root" && mvn -q -o -B -DskipTests package -pl ops -am) >&2
    fi
}

# Prints the milliseconds from $2 (ns since the epoch) to the first 200 answer to an OPTIONS sent every 20 ms to
# 127.0.0.1:$1 over UDP, or -1 after $3 seconds (a Referee starting, or a cluster electing its next leader).
e2e_first_options_answer_ms()
{
    python3 - "$1" "$2" "$3" <<'PY'
import socket, sys, time
port, since_ns, bound_s = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
sock.settimeout(0.02)
local = sock.getsockname()[1]
n = 0
while time.time_ns() - since_ns < bound_s * 1e9:
    n += 1
    msg = ("OPTIONS sip:ping@127.0.0.1:%d SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-probe-%d;rport\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p%d\r\nTo: <sip:ping@127.0.0.1>\r\n"
           "Call-ID: probe-%d-%d@probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n") % (port, local, n, n, since_ns, n)
    sock.sendto(msg.encode(), ("127.0.0.1", port))
    try:
        if sock.recv(65535).startswith(b"SIP/2.0 200"):
            print((time.time_ns() - since_ns) // 1000000)
            sys.exit(0)
    except (socket.timeout, ConnectionRefusedError):
        pass
print(-1)
PY
}

# Stops every process this script started, by PID: TERM, then KILL for one that ignores TERM for 5 s.
e2e_stop_started()
{
    local pid
    for pid in "${pids[@]}"
    do
        if kill -0 "$pid" 2> /dev/null
        then
            kill "$pid" 2> /dev/null || true
        fi
    done
    for pid in "${pids[@]}"
    do
        for _ in $(seq 50)
        do
            kill -0 "$pid" 2> /dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    done
}

# Launches the jar $1 on $tmp/referee.yaml, its output into $2, without waiting for it (the caller times its first
# answer); sets referee_pid and launch_ns (ns since the epoch, for e2e_first_options_answer_ms).
e2e_launch_referee()
{
    launch_ns="$(date +%s%N)"
    # shellcheck disable=SC2086
    java "${e2e_jvm_flags[@]}" ${E2E_JAVA_OPTS:-} -jar "$1" run --config "$tmp/referee.yaml" > "$2" 2>&1 &
    referee_pid=$!
    pids+=("$referee_pid")
}

# Starts Referee on $tmp/referee.yaml (with a JFR recording when $jfr is set) and waits for GET /health; sets
# referee_pid.
e2e_start_referee()
{
    local flags=("${e2e_jvm_flags[@]}")
    if [[ -n "$jfr" ]]
    then
        flags+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
            "-XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true")
    fi
    # shellcheck disable=SC2206
    flags+=(${E2E_JAVA_OPTS:-})
    # ${referee_cpus:-}: a CPU list (taskset -c) Referee is kept on, so that a load generator on the other CPUs
    # does not take its time (taskset execs java: the PID is Referee's).
    local pin=()
    [[ -n "${referee_cpus:-}" ]] && pin=(taskset -c "$referee_cpus")
    "${pin[@]}" java "${flags[@]}" -jar "$jar" run --config "$tmp/referee.yaml" > "$tmp/referee.log" 2>&1 &
    referee_pid=$!
    pids+=("$referee_pid")
    for _ in $(seq 300)
    do
        curl -fsS "http://127.0.0.1:$admin_port/health" > /dev/null 2>&1 && break
        if ! kill -0 "$referee_pid" 2> /dev/null
        then
            echo "$e2e_name: Referee exited:" >&2
            cat "$tmp/referee.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    curl -fsS "http://127.0.0.1:$admin_port/health" > /dev/null || { echo "$e2e_name: no /health" >&2; exit 1; }
}

# --tcp-kick: a CRLFCRLF keep-alive (RFC 5626 §4.4.1) on a TCP connection every 20 ms. It worked around an
# outbound-ring stall under UDP-only traffic, fixed since (docs/benchmarks.md); kept to compare with old runs.
e2e_tcp_kick()
{
    (
        exec 3<> "/dev/tcp/127.0.0.1/$referee_port"
        while printf '\r\n\r\n' >&3
        do
            sleep 0.02
        done
    ) &
    pids+=("$!")
}

# utime + stime of process $1 (the Referee JVM, $referee_pid, when not given), in clock ticks; 0 once it is gone.
# Fields counted after the ")" that ends the command name.
cpu_ticks()
{
    local stat
    stat="$(cat "/proc/${1:-$referee_pid}/stat" 2> /dev/null)" || { echo 0; return; }
    stat="${stat##*) }"
    # shellcheck disable=SC2086
    set -- $stat
    echo $(( ${12} + ${13} ))
}

# The value of column $2 in the last line of SIPp's statistics file $1 (0 when absent).
stat_column()
{
    awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i } END { print $col + 0 }' "$1"
}
