#!/usr/bin/env bash
# Makes sure Debian's `kamailio` package is installed (the `kamailio` binary and its modules under
# /usr/lib/x86_64-linux-gnu/kamailio/modules or /usr/lib/kamailio/modules), without leaving the Debian service running
# (install-debian-package.sh).
#
#   benchmarks/scripts/install-kamailio.sh
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/install-debian-package.sh" /usr/sbin/kamailio kamailio \
    /run/kamailio/kamailio.pid /var/run/kamailio/kamailio.pid
