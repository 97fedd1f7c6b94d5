#!/usr/bin/env bash
# Makes sure a Debian package a benchmark drives is installed (its binary present), without leaving its Debian service
# running: the benchmark starts the program itself, with its own options, and stops it by PID.
#
#   benchmarks/scripts/install-debian-package.sh BINARY PACKAGE [PIDFILE...]
#
# When BINARY is missing: `apt-get update` once, then `apt-get install -y PACKAGE` with DEBIAN_FRONTEND=noninteractive.
# Service start during the install is refused with a policy-rc.d that exits 101 (one is written only when the machine
# has none, and removed afterwards). Should the package's own service start all the same (a machine whose init ignores
# policy-rc.d), it is stopped by the PID in one of the PIDFILEs, never by name. Needs root (or sudo). Used by
# install-kamailio.sh and media-vs-rtpengine.sh.
set -euo pipefail

usage()
{
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
}
[[ "${1:-}" == -h || "${1:-}" == --help || $# -lt 2 ]] && { usage; exit 0; }

binary="$1"
package="$2"
shift 2
name="install $package"
if [[ -x "$binary" ]]
then
    exit 0
fi

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]
then
    command -v sudo > /dev/null 2>&1 || { echo "$name: not root and no sudo: apt-get install $package" >&2; exit 1; }
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
    printf '#!/bin/sh\n# written by install-debian-package.sh for the time of the install: no service starts\nexit 101\n' |
        "${sudo_cmd[@]}" tee "$policy" > /dev/null
    "${sudo_cmd[@]}" chmod 755 "$policy"
    wrote_policy=1
fi

echo "$name: installing the Debian package $package" >&2
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" > /dev/null

# The package's service, if it started regardless: stop it by the PID it wrote.
for pidfile in "$@"
do
    if [[ -s "$pidfile" ]]
    then
        pid="$(< "$pidfile")"
        if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2> /dev/null
        then
            echo "$name: the package started its service (PID $pid): stopping it" >&2
            "${sudo_cmd[@]}" kill "$pid" || true
        fi
    fi
done

[[ -x "$binary" ]] || { echo "$name: $binary still missing" >&2; exit 1; }
echo "$name: installed $binary" >&2
