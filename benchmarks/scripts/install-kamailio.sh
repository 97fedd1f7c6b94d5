#!/usr/bin/env bash
# Makes sure Debian's `kamailio` package is installed (the `kamailio` binary and its modules under
# /usr/lib/x86_64-linux-gnu/kamailio/modules or /usr/lib/kamailio/modules), without leaving the Debian service running.
#
#   benchmarks/scripts/install-kamailio.sh
#
# When /usr/sbin/kamailio is missing: `apt-get update` once, then `apt-get install -y kamailio` with
# DEBIAN_FRONTEND=noninteractive. Service start during the install is refused with a policy-rc.d that exits 101
# (one is written only when the machine has none, and removed afterwards). Should the package's own service start all
# the same (a machine whose init ignores policy-rc.d), it is stopped by the PID in its pid file, never by name.
# Needs root (or sudo). Prints the installed version on stderr.
set -euo pipefail

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}
[[ "${1:-}" == -h || "${1:-}" == --help ]] && { usage; exit 0; }

kamailio_bin=/usr/sbin/kamailio
if [[ -x "$kamailio_bin" ]]
then
    exit 0
fi

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]
then
    command -v sudo > /dev/null 2>&1 || { echo "install-kamailio: not root and no sudo: apt-get install kamailio" >&2; exit 1; }
    sudo_cmd=(sudo)
fi

policy=/usr/sbin/policy-rc.d
wrote_policy=0
cleanup()
{
    if [[ $wrote_policy -eq 1 ]]
    then
        "${sudo_cmd[@]}" rm -f "$policy"
    fi
}
trap cleanup EXIT

if [[ ! -e "$policy" ]]
then
    printf '#!/bin/sh\n# written by install-kamailio.sh for the time of the install: no service starts\nexit 101\n' |
        "${sudo_cmd[@]}" tee "$policy" > /dev/null
    "${sudo_cmd[@]}" chmod 755 "$policy"
    wrote_policy=1
fi

echo "install-kamailio: installing the Debian package kamailio" >&2
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kamailio > /dev/null

# The package's service, if it started regardless: stop it by the PID it wrote.
for pidfile in /run/kamailio/kamailio.pid /var/run/kamailio/kamailio.pid
do
    if [[ -s "$pidfile" ]]
    then
        pid="$(< "$pidfile")"
        if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2> /dev/null
        then
            echo "install-kamailio: the package started its service (PID $pid): stopping it" >&2
            "${sudo_cmd[@]}" kill "$pid" || true
        fi
    fi
done

[[ -x "$kamailio_bin" ]] || { echo "install-kamailio: $kamailio_bin still missing" >&2; exit 1; }
echo "install-kamailio: $("$kamailio_bin" -v 2> /dev/null | head -1)" >&2
