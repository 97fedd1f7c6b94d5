#!/usr/bin/env python3
"""Summarises a JFR recording: CPU samples by thread, by top frame (self) and by method anywhere on the stack
(inclusive), and allocation samples by allocating frame. Usage: jfr-top.py RECORDING.jfr [N] [THREAD-SUBSTRING]
[FRAME-SUBSTRING] (only the samples with that method on the stack; with a leading '!', only those without it, e.g.
'!ParsedInputs.fill' for EngineAloneBenchmark without its set-up's parse: JFR keeps 64 frames of a stack, so the
engine's deep stacks often lack the benchmark's own frames)"""
import collections
import json
import subprocess
import sys


def frames(event):
    trace = event['values'].get('stackTrace')
    if not trace:
        return []
    return [f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name'] for f in trace['frames']]


def keep(stack, frame_filter):
    if frame_filter.startswith('!'):
        return not any(frame_filter[1:] in f for f in stack)
    return any(frame_filter in f for f in stack)


def load(path, event_name):
    out = subprocess.run(['jfr', 'print', '--json', '--stack-depth', '256', '--events', event_name, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)['recording']['events']


def table(title, counter, total, limit):
    print(title)
    for key, count in counter.most_common(limit):
        print(f'  {count:6d} {100.0 * count / max(total, 1):5.1f}%  {key}')


def main():
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    thread_filter = sys.argv[3] if len(sys.argv) > 3 else ''
    frame_filter = sys.argv[4] if len(sys.argv) > 4 else ''
    samples = [e for e in load(path, 'jdk.ExecutionSample')
               if thread_filter in e['values']['sampledThread']['javaName']
               and keep(frames(e), frame_filter)]
    by_thread = collections.Counter(e['values']['sampledThread']['javaName'] for e in samples)
    self_frames = collections.Counter()
    inclusive = collections.Counter()
    for e in samples:
        stack = frames(e)
        if stack:
            self_frames[stack[0]] += 1
        for name in set(stack):
            inclusive[name] += 1
    print(f'{len(samples)} CPU samples')
    table('by thread:', by_thread, len(samples), limit)
    table('top frame (self time):', self_frames, len(samples), limit)
    table('on stack (inclusive):', inclusive, len(samples), limit)

    allocations = collections.Counter()
    total_weight = 0
    for e in load(path, 'jdk.ObjectAllocationSample'):
        if thread_filter not in e['values']['eventThread']['javaName']:
            continue
        weight = e['values'].get('weight', 0)
        total_weight += weight
        stack = [f for f in frames(e) if not f.startswith(('java.', 'jdk.', 'sun.'))]
        site = stack[0] if stack else '(JDK only)'
        allocations[e['values']['objectClass']['name'] + ' @ ' + site] += weight
    if total_weight:
        table(f'allocation (sampled weight, {total_weight} bytes):', allocations, total_weight, limit)


if __name__ == '__main__':
    main()
