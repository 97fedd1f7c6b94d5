#!/bin/bash
# Runs every caller/callee scenario pair SIPp-to-SIPp (caller straight to callee on 127.0.0.1, no Referee)
# and prints the final Successful/Failed call counts of both sides. Usage: validate-pairs.sh [workdir]
set -u
S=$(cd "$(dirname "$0")" && pwd)
W=${1:-$(mktemp -d /tmp/sipp-pairs.XXXXXX)}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stat() { awk -F';' 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} END{print "ok=" $h["SuccessfulCall(C)"] " failed=" $h["FailedCall(C)"]}' "$1"; }
pair() { # callee caller transport calls rate
  local d="$W/${2%.xml}-$3"; mkdir -p "$d"; local up; up=$(free_port); local cp; cp=$(free_port)
  timeout 90 sipp -sf "$S/$1" -i 127.0.0.1 -p "$up" -t "$3" -m "$4" -key mport 6000 -nostdin -timeout 80s -timeout_error \
    -trace_stat -stf "$d/uas.csv" -fd 1 -trace_err -error_file "$d/uas-errors.log" > "$d/uas.out" 2>&1 &
  local uaspid=$!; sleep 0.5
  timeout 90 sipp 127.0.0.1:"$up" -sf "$S/$2" -s bob -i 127.0.0.1 -p "$cp" -t "$3" -m "$4" -r "$5" -l 200 -key mport 6000 -nostdin \
    -timeout 80s -timeout_error -recv_timeout 20000 -trace_stat -stf "$d/uac.csv" -fd 1 \
    -trace_err -error_file "$d/uac-errors.log" > "$d/uac.out" 2>&1
  local uacrc=$?; wait "$uaspid"; local uasrc=$?
  echo "$2 -> $1 ($3, $4 calls @ $5/s): caller rc=$uacrc $(stat "$d/uac.csv") | callee rc=$uasrc $(stat "$d/uas.csv")"
}
pair uas-answer-then-wait-bye.xml            uac-basic-call.xml             u1 2000 200
pair uas-answer-then-wait-bye.xml            uac-basic-call.xml             t1 500  100
pair uas-ring-then-expect-cancel.xml         uac-cancel-before-answer.xml   u1 50   20
pair uas-answer-486.xml                      uac-expect-486.xml             u1 50   20
pair uas-bye-from-callee.xml                 uac-expect-bye-from-callee.xml u1 50   20
pair uas-accept-hold-unhold.xml              uac-hold-unhold.xml            u1 50   20
pair uas-hold-unhold-from-callee.xml         uac-accept-hold-unhold.xml     u1 50   20
pair uas-answer-tolerate-retransmissions.xml uac-basic-call-lossy.xml       u1 200  40
