#!/usr/bin/env bash
# Makes sure `sipp` is on PATH: installs Debian's `sip-tester` package when it is not, or fails naming the package.
set -euo pipefail

if command -v sipp >/dev/null 2>&1
then
    exit 0
fi

echo "install-sipp: sipp not found, installing the Debian package sip-tester" >&2

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]
then
    if command -v sudo >/dev/null 2>&1
    then
        sudo_cmd=(sudo)
    else
        echo "install-sipp: not root and no sudo: install the package sip-tester (apt-get install sip-tester)" >&2
        exit 1
    fi
fi

if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
   ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester
then
    echo "install-sipp: apt-get failed" >&2
fi

hash -r
if ! command -v sipp >/dev/null 2>&1
then
    echo "install-sipp: sipp is still missing: install the Debian package sip-tester (apt-get install sip-tester)" >&2
    exit 1
fi
echo "install-sipp: $(sipp -v 2>/dev/null | grep -m1 -i 'sipp' || echo 'sipp installed')" >&2
