#!/usr/bin/env bash
# Compares the journal snapshot's cost in two builds: the same engine state (EngineSnapshotBenchmark's: CALLS basic
# calls ended within 64*T1, about 3.2 transactions waiting per call) snapshotted by each, alternated in one JVM,
# CPU time of the snapshotting thread per snapshot (min, median, max). Run it twice with the jars swapped and average
# the two orders. The same jar on both sides gave medians within 2 % at 90,000 calls, but B 30 % slower at 5,000.
#
#   benchmarks/scripts/snapshot-ab.sh A.jar B.jar [CALLS] [ROUNDS]
#
# A.jar and B.jar are benchmarks jars (benchmarks/target/benchmarks.jar of each build, e.g. an older commit's from
# `git worktree add`). Defaults: 90,000 calls (286,668 transactions, a 127 MB snapshot), 30 rounds. Needs 10 GB of heap.
set -euo pipefail
if [[ $# -lt 2 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp "$2" "$here/snapshot-ab/SnapshotCost.java" "$here/snapshot-ab/SnapshotBuildsAB.java"
java -Xms10g -Xmx10g -XX:+AlwaysPreTouch \
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true \
  -Dsnapshot-ab.classes="$classes" -cp "$classes" SnapshotBuildsAB "${3:-90000}" "${4:-30}" "$1" "$2" 2>&1 | grep -v '^SLF4J'
