#!/usr/bin/env bash
# The path issue 6 names: runs benches/run.sh (which lives beside the benches it drives)
# with the same arguments. Usage: bench/run.sh [--quick]
exec "$(dirname "$0")/../benches/run.sh" "$@"
