#!/bin/sh
# Runs the musl build of lookup_check under the given LD_PRELOAD stack, or reports the test
# skipped with the reason musl is unavailable. Usage: run_musl.sh PROGRAM REASON PRELOAD
if [ -z "$1" ]; then
  echo "skipped: $2"
  exit 77
fi
LD_PRELOAD=$3 exec "$1" 2000
