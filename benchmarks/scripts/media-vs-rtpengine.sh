#!/usr/bin/env bash
# Referee's media relay against rtpengine (Debian's rtpengine-daemon, userspace forwarding: no kernel module, table
# -1) on the same generated load on this machine, in alternation, in one run (issue 10): CPU per relayed packet and
# the streams that lost packets, for each call count.
#
#   benchmarks/scripts/media-vs-rtpengine.sh [--calls 50,500,2000] [--seconds 10] [--rounds 2] [--build]
#
# Each run: N G.711 calls on loopback, two phones a call each sending a 172-byte RTP packet every 20 ms to its relay
# port (100 packets/s a call, both ways), 2 s of warm-up then --seconds measured (RelayComparison in the benchmarks
# jar). Referee: its relay (MediaRelay, SELECT) in the comparison's JVM, CPU of the relay thread. rtpengine: started
# here (--foreground, --interface 127.0.0.1, --table -1, ports 30000-39999, the ng protocol on a free port), calls set
# up with offer/answer over ng, CPU of its whole process (/proc/PID/stat utime+stime). Installs rtpengine-daemon
# when missing (install-debian-package.sh); stops what it started by PID.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
calls="50,500,2000"
seconds=10
rounds=2
build=0
while [[ $# -gt 0 ]]
do
    case "$1" in
        --calls) calls="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --build) build=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "media-vs-rtpengine: unknown argument $1" >&2; exit 2 ;;
    esac
done

"$root/benchmarks/scripts/install-debian-package.sh" /usr/bin/rtpengine rtpengine-daemon \
    /run/rtpengine/rtpengine.pid /var/run/rtpengine/rtpengine.pid /run/ngcp-rtpengine-daemon.pid

jar="$root/benchmarks/target/benchmarks.jar"
if [[ $build -eq 1 || ! -f "$jar" ]]
then
    (cd "$root" && mvn -q -o -B -DskipTests package -pl benchmarks -am) >&2
fi

tmp="$(mktemp -d /tmp/media-vs-rtpengine.XXXXXX)"
ng_port="$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
rtpengine_pid=""
stop()
{
    if [[ -n "$rtpengine_pid" ]] && kill -0 "$rtpengine_pid" 2> /dev/null
    then
        kill "$rtpengine_pid" 2> /dev/null || true
        for _ in $(seq 50); do kill -0 "$rtpengine_pid" 2> /dev/null || break; sleep 0.1; done
        kill -9 "$rtpengine_pid" 2> /dev/null || true
    fi
}
trap stop EXIT

rtpengine --foreground --log-stderr --log-level=4 --table=-1 --interface=127.0.0.1 \
    --listen-ng="127.0.0.1:$ng_port" --port-min=30000 --port-max=39999 > "$tmp/rtpengine.log" 2>&1 &
rtpengine_pid=$!
for _ in $(seq 100)
do
    [[ -n "$(ss -Hlun "sport = :$ng_port" 2> /dev/null)" ]] && break
    kill -0 "$rtpengine_pid" 2> /dev/null || { cat "$tmp/rtpengine.log" >&2; exit 1; }
    sleep 0.1
done

echo "media-vs-rtpengine: rtpengine $(rtpengine --version 2>&1 | head -1 | awk '{print $2}') PID $rtpengine_pid," \
    "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -Xms512m -Xmx512m --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
    -cp "$jar" dev.referee.benchmarks.media.RelayComparison --rtpengine "127.0.0.1:$ng_port" \
    --rtpengine-pid "$rtpengine_pid" --calls "$calls" --seconds "$seconds" --rounds "$rounds"
echo "media-vs-rtpengine: load after: $(cut -d' ' -f1-3 /proc/loadavg); rtpengine log $tmp/rtpengine.log" >&2
