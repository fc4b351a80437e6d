#!/usr/bin/env bash
# libkashim.so is loaded into every kind of process: it must need libc alone, export exactly the
# hooks listed in its version script, and be linked with full RELRO.
set -euo pipefail
library=$1 exports_map=$2
command -v readelf >/dev/null || { echo "SKIP: readelf (binutils) is not installed"; exit 77; }
status=0

needed=$(readelf -d "$library" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
if [[ $needed != "libc.so.6 " ]]; then echo "FAIL: NEEDED is '$needed', want only libc.so.6"; status=1; fi

exported=$(readelf --dyn-syms -W "$library" | awk '$1 ~ /^[0-9]+:$/ && $5 != "LOCAL" && $7 != "UND" && $8 != "" {print $8}' | sed 's/@.*//' | sort -u | tr '\n' ' ')
declared=$(sed -n 's/^ *\([a-z_0-9]*\);$/\1/p' "$exports_map" | sort -u | tr '\n' ' ')
if [[ $exported != "$declared" ]]; then echo "FAIL: exports '$exported', want '$declared'"; status=1; fi

readelf -l "$library" | grep -q GNU_RELRO || { echo "FAIL: no GNU_RELRO segment"; status=1; }
readelf -d "$library" | grep -q 'BIND_NOW' || { echo "FAIL: not linked with -z now"; status=1; }
readelf -l "$library" | grep -A1 GNU_STACK | grep -q 'RWE' && { echo "FAIL: executable stack"; status=1; }

[[ $status -eq 0 ]] && echo "ok: needs '$needed'; exports '$exported'"
exit $status
