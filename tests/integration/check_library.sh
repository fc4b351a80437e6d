#!/usr/bin/env bash
# libkashim.so is loaded into every kind of process: it must need libc alone, export exactly the
# hooks listed in its version script, be linked with full RELRO, and need no glibc newer than 2.17. Given a musl program, its
# undefined symbols must also all be exported by that program's musl: a glibc-only one keeps every
# musl program from starting ("Error relocating libkashim.so: ...: symbol not found").
set -euo pipefail
library=$1 exports_map=$2 musl_program=${3:-}
command -v readelf >/dev/null || { echo "SKIP: readelf (binutils) is not installed"; exit 77; }
status=0

needed=$(readelf -d "$library" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
if [[ $needed != "libc.so.6 " ]]; then echo "FAIL: NEEDED is '$needed', want only libc.so.6"; status=1; fi

exported=$(readelf --dyn-syms -W "$library" | awk '$1 ~ /^[0-9]+:$/ && $5 != "LOCAL" && $7 != "UND" && $8 != "" {print $8}' | sed 's/@.*//' | sort -u | tr '\n' ' ')
declared=$(sed -n 's/^ *\([a-z_0-9]*\);$/\1/p' "$exports_map" | sort -u | tr '\n' ' ')
if [[ $exported != "$declared" ]]; then echo "FAIL: exports '$exported', want '$declared'"; status=1; fi

# Read whole first: under pipefail, grep -q ending a pipe early would fail it with SIGPIPE.
segments=$(readelf -l -W "$library") dynamic=$(readelf -d "$library")
[[ $segments == *GNU_RELRO* ]] || { echo "FAIL: no GNU_RELRO segment"; status=1; }
[[ $dynamic == *BIND_NOW* ]] || { echo "FAIL: not linked with -z now"; status=1; }
grep -E 'GNU_STACK.*RWE' <<<"$segments" >/dev/null && { echo "FAIL: executable stack"; status=1; }
[[ $dynamic == *NODELETE* ]] || { echo "FAIL: not linked with -z nodelete (a dlclose could unmap a hook another thread is in)"; status=1; }

# Each loadable segment is a mapping at every exec: one for headers, code and constants, one
# writable (-z noseparate-code; the linker's default makes four).
loads=$(grep -cE '^ *LOAD ' <<<"$segments" || true)
(( loads == 2 )) || { echo "FAIL: $loads LOAD segments, want 2 (link with -z noseparate-code)"; status=1; }

# Every exec maps what the writable segment needs beyond its file's last page as anonymous memory,
# about 3 us more here: what a load builds is mapped by the load instead (preload/runtime.h).
writable=$(grep -E '^ *LOAD .* RW ' <<<"$segments" || true)
[[ -n $writable ]] || { echo "FAIL: no writable LOAD segment found"; status=1; writable="LOAD 0 0 0 0 0 RW"; }
read -r _ _ address _ file_size memory_size _ <<<"$writable"
page=$(getconf PAGESIZE)
file_end=$(( address + file_size )) memory_end=$(( address + memory_size ))
if (( memory_end > (file_end + page - 1) / page * page )); then
  echo "FAIL: .bss runs $(( memory_end - file_end )) bytes past the writable segment's file contents, beyond their last page; map large zeroed state at first use"
  status=1
fi

# A glibc symbol version newer than 2.17 (the oldest in use on x86-64 and aarch64: RHEL 7) would keep
# the library, and with it every program it is preloaded into, from loading on an older glibc.
newest_glibc=$(readelf -V -W "$library" | sed -n 's/.*Name: GLIBC_\([0-9.]*\).*/\1/p' | sort -V | tail -1)
if [[ -n $newest_glibc && $(printf '%s\n' "$newest_glibc" 2.17 | sort -V | tail -1) != 2.17 ]]; then
  echo "FAIL: needs symbols of glibc $newest_glibc; at most 2.17 allowed"
  status=1
fi

if [[ -n $musl_program ]]; then
  # musl's loader does not check the machine: a program of another architecture would read the
  # library's relocations as its own and say nothing true about this library.
  machine_of() { readelf -h "$1" | sed -n 's/^ *Machine: *//p'; }
  if [[ $(machine_of "$musl_program") != "$(machine_of "$library")" ]]; then
    echo "FAIL: the musl program $musl_program is built for $(machine_of "$musl_program"), the library for $(machine_of "$library")"
    status=1
  fi
  musl_libc=$(readelf -l "$musl_program" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  musl_exports=$(readelf --dyn-syms -W "$musl_libc" | awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") {print $8}' | sed 's/@.*//' | sort -u)
  [[ -n $musl_exports ]] || { echo "FAIL: no exported symbols read from musl's $musl_libc"; status=1; }
  # Weak undefined symbols (the toolchain's optional hooks) may stay unresolved; strong ones may not.
  undefined=$(readelf --dyn-syms -W "$library" | awk '$7 == "UND" && $5 == "GLOBAL" && $8 != "" {print $8}' | sed 's/@.*//' | sort -u)
  not_in_musl=$(comm -23 <(echo "$undefined") <(echo "$musl_exports") | tr '\n' ' ')
  if [[ -n $not_in_musl ]]; then echo "FAIL: needs symbols musl ($musl_libc) does not export: $not_in_musl"; status=1; fi
else
  echo "note: no musl program given (musl-gcc missing): symbols not checked against musl"
fi

[[ $status -eq 0 ]] && echo "ok: needs '$needed'; exports '$exported'"
exit $status
