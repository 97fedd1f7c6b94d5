#!/usr/bin/env bash
# Makes sure the programs the interop tests drive are on PATH, installing the Debian package of each one missing:
#   sipp (sip-tester), prometheus and promtool (prometheus), sngrep (sngrep), tshark (tshark), and the real phones
#   baresip (baresip-core: the binary with its modules, ctrl_tcp and aufile among them, without the metapackage's
#   GTK/X11/GStreamer front ends), linphonec and linphonecsh (linphone-cli).
# With arguments, only those commands (`install-test-tools.sh sipp`). One apt-get run for all that are missing;
# fails naming the packages when it cannot install them.
set -euo pipefail

# command package
TOOLS="
sipp        sip-tester
prometheus  prometheus
promtool    prometheus
sngrep      sngrep
tshark      tshark
baresip     baresip-core
linphonec   linphone-cli
linphonecsh linphone-cli
"

if [[ $# -gt 0 ]]
then
    wanted=" $* "
    TOOLS="$(while read -r command package; do
        if [[ -n "$command" && "$wanted" == *" $command "* ]]; then echo "$command $package"; fi
    done <<< "$TOOLS")"
fi

missing=()
while read -r command package
do
    [[ -z "$command" ]] && continue
    if ! command -v "$command" >/dev/null 2>&1 && [[ ! " ${missing[*]:-} " == *" $package "* ]]
    then
        missing+=("$package")
    fi
done <<< "$TOOLS"

if [[ ${#missing[@]} -eq 0 ]]
then
    exit 0
fi

echo "install-test-tools: installing the Debian packages ${missing[*]}" >&2
sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]
then
    if command -v sudo >/dev/null 2>&1
    then
        sudo_cmd=(sudo)
    else
        echo "install-test-tools: not root and no sudo: apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi
# tshark asks whether non-root users may capture: the default answer (no) is fine, never a prompt.
if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
   ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
       >/dev/null
then
    echo "install-test-tools: apt-get failed" >&2
fi

hash -r
status=0
while read -r command package
do
    [[ -z "$command" ]] && continue
    if ! command -v "$command" >/dev/null 2>&1
    then
        echo "install-test-tools: $command is still missing: install the Debian package $package" >&2
        status=1
    fi
done <<< "$TOOLS"
exit "$status"
