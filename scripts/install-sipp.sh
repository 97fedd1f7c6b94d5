#!/usr/bin/env bash
# Makes sure `sipp` is on PATH (the benchmark scripts need it alone): installs Debian's `sip-tester` when missing.
exec "$(dirname "${BASH_SOURCE[0]}")/install-test-tools.sh" sipp
