#!/usr/bin/env python3
"""CPU time of each thread of a process, per second: where a JVM's CPU goes (engine, receive, send, GC, JIT...).

    benchmarks/scripts/thread-cpu.py PID [SECONDS]

Reads each thread's time on a CPU once a second, in nanoseconds from /proc/PID/task/*/schedstat (utime+stime of
its stat, in 10 ms ticks, where schedstat is missing: too coarse for a thread that uses a few ms a second), and
prints, per second, the milliseconds of CPU of every thread that used any (threads of the same name summed; Linux
keeps 15 characters of a name), then the mean per second of each thread over the busy seconds (those in which the
process used more than 400 ms of CPU): divided by the call rate, the CPU each thread spends per call. Stops when the
process ends or after SECONDS (default 60).
"""
import collections
import os
import sys
import time

HZ = os.sysconf('SC_CLK_TCK')
BUSY_MS = 400


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        try:
            with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                ns = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            ns = (int(fields[11]) + int(fields[12])) * 1_000_000_000 // HZ
        threads[tid] = (name, ns)
    return threads


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    pid, seconds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 60
    previous = snapshot(pid)
    busy_total, busy_seconds = collections.Counter(), 0
    for _ in range(seconds):
        time.sleep(1)
        try:
            current = snapshot(pid)
        except FileNotFoundError:
            break
        second = collections.Counter()
        for tid, (name, ns) in current.items():
            if tid in previous:
                second[name] += (ns - previous[tid][1]) // 1_000_000
        previous = current
        total = sum(second.values())
        print(time.strftime('%H:%M:%S'), total, ' '.join(f'{n}={ms}' for n, ms in second.most_common() if ms > 0),
              flush=True)
        if total > BUSY_MS:
            busy_seconds += 1
            busy_total.update(second)
    print(f'mean ms of CPU per busy second ({busy_seconds} seconds):')
    for name, ms in busy_total.most_common():
        if ms > 0:
            print(f'  {name:16s} {ms / max(1, busy_seconds):7.1f}')


if __name__ == '__main__':
    main()
