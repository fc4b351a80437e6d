#!/usr/bin/env bash
# The kashim command end to end, one case per ctest test: `cli_e2e.sh CASE`.
# The wrapped programs print what getsockopt says, and every case also runs a control (the same
# program without kashim, or without the option) so that it fails when kashim does nothing.
# Environment (set by cli/tests/CMakeLists.txt): SOURCE_DIR, KASHIM, KASHIM_LIBRARY, PROBE, STATIC_PROBE,
# MUSL_PROBE (empty, with MUSL_UNAVAILABLE saying why, where musl cannot be used), GO_LOOKALIKE, MARKER, MAN_PAGE, BUILD_DIR, SCRATCH_PARENT.
set -uo pipefail

case_name=${1:?usage: cli_e2e.sh CASE}
scratch=$(mktemp -d "$SCRATCH_PARENT/e2e.$case_name.XXXXXX")
background=()
test_group=""
test_pins=()  # bpffs pins a case made itself
cleanup() {
  for pid in "${background[@]}"; do kill "$pid" 2>/dev/null; done
  for pin in "${test_pins[@]}"; do rm -f "$pin"; done
  if [[ -n $test_group ]]; then
    local below  # groups a case made below its own, deepest first
    while read -r below; do
      "$KASHIM" detach "$below" >/dev/null 2>&1
      rmdir "$below" 2>/dev/null
    done < <(find "$test_group" -mindepth 1 -depth -type d 2>/dev/null)
    "$KASHIM" detach "$test_group" >/dev/null 2>&1
    for _ in $(seq 50); do rmdir "$test_group" 2>/dev/null && break; sleep 0.1; done
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
skip() { echo "SKIP ($case_name): $*"; exit 77; }

# Runs a command; leaves its stdout in $out, stderr in $err and exit status in $status.
run() {
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  status=$?
  out=$(cat "$scratch/stdout")
  err=$(cat "$scratch/stderr")
}

expect_status() { [[ $status == "$1" ]] || fail "exit status $status, expected $1; stdout: $out; stderr: $err"; }
expect_in() { [[ $1 == *"$2"* ]] || fail "expected to find [$2] in [$1]"; }
expect_not_in() { [[ $1 != *"$2"* ]] || fail "did not expect [$2] in [$1]"; }
expect_match() { [[ $1 =~ $2 ]] || fail "expected [$1] to match /$2/"; }
line_count() { if [[ -z $1 ]]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

# The probe's line of socket options must hold every FIELD=VALUE given.
expect_fields() {
  local line=" ${1//$'\n'/ } " field
  shift
  for field in "$@"; do [[ $line == *" $field "* ]] || fail "expected $field in [$line] (stderr: $err)"; done
}
expect_some_field_differs() {
  local line=" ${1//$'\n'/ } " field
  shift
  for field in "$@"; do [[ $line == *" $field "* ]] || return 0; done
  fail "control run already shows $* in [$line]"
}

# Control: the probe alone does not show FIELDS; then with kashim OPTIONS it does.
expect_option_effect() {
  local options=() fields=()
  while [[ $1 != -- ]]; do options+=("$1"); shift; done
  shift
  fields=("$@")
  run "$PROBE"
  expect_status 0
  expect_some_field_differs "$out" "${fields[@]}"
  run "$KASHIM" "${options[@]}" -- "$PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 "${fields[@]}"
}

kernel_idle() { cat /proc/sys/net/ipv4/tcp_keepalive_time; }

need_root() { [[ $(id -u) == 0 ]] || skip "needs root to make set-id and capability copies"; }

# A directory a dropped-privilege user can reach, on a file system that honours set-id bits.
shared_dir() {
  local dir="$scratch/shared"
  mkdir -p "$dir" && chmod 755 "$scratch" "$dir"
  if findmnt -no OPTIONS -T "$dir" 2>/dev/null | tr ',' '\n' | grep -qx nosuid; then
    skip "$dir is on a nosuid mount, where set-id bits and capabilities do nothing"
  fi
  echo "$dir"
}

# --- every option reaches the child -------------------------------------------------------

case_option_idle() { expect_option_effect --idle 31 -- TCP_KEEPIDLE=31; }
case_option_intvl() { expect_option_effect --intvl 11 -- TCP_KEEPINTVL=11; }
case_option_cnt() { expect_option_effect --cnt 4 -- TCP_KEEPCNT=4; }
case_option_user_timeout() {
  expect_option_effect --user-timeout 12345ms -- TCP_USER_TIMEOUT=12345
  expect_option_effect --idle 20 --intvl 5 --cnt 2 --user-timeout=auto -- TCP_USER_TIMEOUT=30000
}
case_option_detect() {
  expect_option_effect --detect 30s -- TCP_KEEPIDLE=15 TCP_KEEPINTVL=5 TCP_KEEPCNT=3 TCP_USER_TIMEOUT=30000
}

case_option_rule() {
  expect_option_effect --idle 31 --rule "addr=127.0.0.0/8 idle=7" -- TCP_KEEPIDLE=7
  # A rule for another network leaves the global setting in force.
  run "$KASHIM" --idle 31 --rule "addr=10.0.0.0/8 idle=7" -- "$PROBE"
  expect_fields "$out" TCP_KEEPIDLE=31
  # Repeated --rule options all count, in order, after the KA_RULES already set.
  KA_RULES="addr=10.0.0.0/8 idle=6" run "$KASHIM" --rule "addr=192.0.2.0/24 idle=8" --rule "addr=::1 cnt=5" \
    --rule "addr=127.0.0.1 idle=7" -- "$PROBE"
  expect_fields "$out" TCP_KEEPIDLE=7
  run "$KASHIM" --rule "addr=::1 idle=9" -- "$PROBE" --ipv6
  expect_fields "$out" TCP_KEEPIDLE=9
  KA_RULES="addr=10.0.0.0/8 idle=6" run "$KASHIM" --rule "addr=127.0.0.1 idle=7" -- sh -c 'echo "$KA_RULES"'
  [[ $out == "addr=10.0.0.0/8 idle=6;addr=127.0.0.1 idle=7" ]] || fail "KA_RULES in the child: [$out]"
}

case_option_config() {
  printf '# test\nKA_IDLE=33\nrule addr=127.0.0.1 cnt=6\n' >"$scratch/kashim.conf"
  chmod 644 "$scratch/kashim.conf"
  expect_option_effect --config "$scratch/kashim.conf" -- TCP_KEEPIDLE=33 TCP_KEEPCNT=6
  # The command line's settings win over the file's, as the environment does in the shim.
  run "$KASHIM" --config "$scratch/kashim.conf" --idle 44 -- "$PROBE"
  expect_fields "$out" TCP_KEEPIDLE=44 TCP_KEEPCNT=6
}

case_option_enable() {
  run "$KASHIM" --idle 31 --enable on -- "$PROBE"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  run "$KASHIM" --idle 31 --enable off -- "$PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=0 "TCP_KEEPIDLE=$(kernel_idle)"
}

case_option_policy() {
  # The probe sets TCP_KEEPIDLE itself. cap (the default): its 5 is tighter than 31 and stands,
  # its 60 is looser and the operator's 31 stands; override: 31 always; respect: the probe's.
  run "$KASHIM" --idle 31 -- "$PROBE" --set-idle 5
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=5
  run "$KASHIM" --idle 31 -- "$PROBE" --set-idle 60
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  run "$KASHIM" --idle 31 --policy cap -- "$PROBE" --set-idle 60
  expect_fields "$out" TCP_KEEPIDLE=31
  run "$KASHIM" --idle 31 --policy override -- "$PROBE" --set-idle 5
  expect_fields "$out" TCP_KEEPIDLE=31
  run "$KASHIM" --idle 31 --policy respect -- "$PROBE" --set-idle 60
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=60
}

case_option_log() {
  run "$KASHIM" --idle 31 -- "$PROBE"
  expect_not_in "$err" "kashim:"
  run "$KASHIM" --idle 31 --log debug -- "$PROBE"
  expect_status 0
  expect_in "$err" "kashim: "
  expect_in "$err" "TCP_KEEPIDLE=31"
}

case_option_log_file() {
  run "$KASHIM" --log debug --log-file "$scratch/shim.log" -- "$PROBE"
  expect_status 0
  expect_not_in "$err" "kashim:"
  [[ -s $scratch/shim.log ]] || fail "no log written to $scratch/shim.log"
  expect_in "$(cat "$scratch/shim.log")" "kashim: "
}

# Every setting option in --help has a case above and is registered with ctest.
case_every_option_has_a_case() {
  local options option registered
  options=$("$KASHIM" --help | sed -n '/^Settings/,/^$/p' | grep -oE '^  --[a-z-]+' | sed 's/^  --//')
  [[ -n $options ]] || fail "no setting options found in --help"
  for option in $options; do
    declare -F "case_option_${option//-/_}" >/dev/null || fail "--$option has no case_option_${option//-/_}"
    registered=$(ctest --test-dir "$BUILD_DIR" -N -R "^cli\.e2e\.option_${option//-/_}\$" | grep -c 'Test *#')
    [[ $registered == 1 ]] || fail "cli.e2e.option_${option//-/_} is not registered with ctest"
  done
}

# --- how the program is run ---------------------------------------------------------------

case_preload_kept() {
  run env LD_PRELOAD="$MARKER" "$PROBE"
  expect_in "$err" "marker-preload: loaded"
  expect_fields "$out" SO_KEEPALIVE=0
  run env LD_PRELOAD="$MARKER" "$KASHIM" --idle 31 -- sh -c 'echo "$LD_PRELOAD"; exec "$0"' "$PROBE"
  expect_status 0
  expect_in "$err" "marker-preload: loaded"
  [[ $(head -1 <<<"$out") == "$KASHIM_LIBRARY:$MARKER" ]] || fail "LD_PRELOAD in the child: $(head -1 <<<"$out")"
  expect_fields "$(tail -n +2 <<<"$out")" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  # Wrapping twice does not load the library twice; space-separated entries are kept too.
  run env LD_PRELOAD="$MARKER $MARKER" "$KASHIM" -- "$KASHIM" -- sh -c 'echo "$LD_PRELOAD"'
  [[ $out == "$KASHIM_LIBRARY:$MARKER:$MARKER" ]] || fail "LD_PRELOAD when wrapped twice: $out"
}

case_kashim_lib() {
  mkdir -p "$scratch/elsewhere"
  cp "$KASHIM_LIBRARY" "$scratch/elsewhere/libkashim.so"
  run env KASHIM_LIB="$scratch/elsewhere/libkashim.so" "$KASHIM" --idle 31 -- sh -c 'echo "$LD_PRELOAD"; exec "$0"' "$PROBE"
  expect_status 0
  [[ $(head -1 <<<"$out") == "$scratch/elsewhere/libkashim.so" ]] || fail "LD_PRELOAD: $out"
  expect_fields "$(tail -n +2 <<<"$out")" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  # A relative KASHIM_LIB is made absolute, so the program may change directory.
  (cd "$scratch" && run env KASHIM_LIB=elsewhere/libkashim.so "$KASHIM" -- sh -c 'echo "$LD_PRELOAD"' &&
    [[ $out == "$scratch/elsewhere/libkashim.so" ]]) || fail "relative KASHIM_LIB not made absolute"
  run env KASHIM_LIB="$scratch/missing.so" "$KASHIM" -- touch "$scratch/ran"
  expect_status 125
  expect_in "$err" "KASHIM_LIB"
  [[ ! -e $scratch/ran ]] || fail "the program ran without its library"
}

case_same_pid_and_exit_status() {
  run sh -c 'echo $$; exec "$0" -- sh -c "echo \$\$; exit 7"' "$KASHIM"
  expect_status 7
  [[ $(line_count "$out") == 2 && $(head -1 <<<"$out") == $(tail -1 <<<"$out") ]] ||
    fail "the program did not keep kashim's pid: $out"
  run "$KASHIM" -- true
  expect_status 0
  run "$KASHIM" -- false
  expect_status 1
}

case_signal_passes_through() {
  local code
  # Killed by a signal, not exiting with 128+N: the parent sees the signal itself.
  code=$(python3 -c 'import subprocess, sys; print(subprocess.run(sys.argv[1:]).returncode)' \
    "$KASHIM" -- sh -c 'kill -TERM $$')
  [[ $code == -15 ]] || fail "returncode $code, expected -15 (SIGTERM)"
  # A signal sent to kashim's pid reaches the program, which is that very process.
  "$KASHIM" -- sleep 30 &
  local pid=$!
  background+=("$pid")
  for _ in $(seq 100); do [[ $(cat "/proc/$pid/comm" 2>/dev/null) == sleep ]] && break; sleep 0.05; done
  [[ $(cat "/proc/$pid/comm") == sleep ]] || fail "kashim did not become sleep"
  kill -USR1 "$pid"
  wait "$pid"
  status=$?
  [[ $status == $((128 + 10)) ]] || fail "exit status $status after SIGUSR1, expected 138"
}

# Under every engine the program gets each signal once: one sent to the process group (what a
# terminal sends on Ctrl-C) and one sent to kashim's pid; its exit status and its death by a
# signal are kashim's. kashim runs in a session of its own, so the group is kashim's and its
# program's alone.
signals_reach_the_program_once() {
  local label=$1
  shift
  local ready="$scratch/ready-$label" output="$scratch/signals-$label"
  setsid "$KASHIM" "$@" -- "$SIGNAL_COUNTER" "$ready" >"$output" 2>&1 &
  local pid=$!
  background+=("$pid")
  for _ in $(seq 200); do [[ -s $ready ]] && break; sleep 0.05; done
  [[ -s $ready ]] || fail "$label: the program never got ready: $(cat "$output")"
  # Several, apart: two copies of one signal that arrive together merge into one pending signal,
  # which would hide a duplicate now and then, never every time.
  local interrupt
  for interrupt in $(seq 8); do
    kill -INT -- "-$pid"
    sleep 0.05
  done
  kill -TERM "$pid"
  wait "$pid"
  status=$?
  [[ $status == 3 ]] || fail "$label: exit status $status, expected the program's 3: $(cat "$output")"
  expect_in "$(cat "$output")" "int=8 term=1"
  rm -f "$ready"
  setsid "$KASHIM" "$@" -- "$SIGNAL_COUNTER" "$ready" --die >"$output" 2>&1 &
  pid=$!
  background+=("$pid")
  for _ in $(seq 200); do [[ -s $ready ]] && break; sleep 0.05; done
  kill -TERM "$pid"
  wait "$pid"
  status=$?
  [[ $status == $((128 + 10)) ]] || fail "$label: exit status $status, expected death by SIGUSR1 (138): $(cat "$output")"
}

case_signals_once_on_every_engine() {
  signals_reach_the_program_once preload --idle 20
  run "$KASHIM" --seccomp -- true
  if [[ $status == 125 ]]; then
    echo "note: no seccomp supervisor on this kernel ($err): --seccomp not checked"
  else
    signals_reach_the_program_once seccomp --seccomp --idle 20
  fi
  run "$KASHIM" --cgroup -- true
  if [[ $status == 125 ]]; then
    echo "note: cgroup mode cannot run here ($err): --cgroup not checked"
  else
    signals_reach_the_program_once cgroup --cgroup --idle 20
  fi
}

case_not_found_127() {
  run env no-such-command-for-kashim
  local env_status=$status
  run "$KASHIM" -- no-such-command-for-kashim
  expect_status 127
  [[ $env_status == 127 ]] || fail "env itself returned $env_status"
  [[ $(line_count "$err") == 1 ]] || fail "expected one line, got: $err"
  run "$KASHIM" -- "$scratch/missing"
  expect_status 127
}

case_cannot_run_126() {
  printf 'not a program\n' >"$scratch/data"
  chmod 644 "$scratch/data"
  run "$KASHIM" -- "$scratch/data"
  expect_status 126
  expect_in "$err" "Permission denied"
  run "$KASHIM" -- "$scratch"
  expect_status 126
}

case_usage_errors() {
  local shim_message
  # The same message the shim logs for the variable, with the option's name.
  shim_message=$(env LD_PRELOAD="$KASHIM_LIBRARY" KA_IDLE=0 "$PROBE" 2>&1 >/dev/null | grep KA_IDLE)
  [[ -n $shim_message ]] || fail "the shim did not report KA_IDLE=0"
  run "$KASHIM" --idle 0 -- touch "$scratch/ran"
  expect_status 2
  [[ $(head -1 <<<"$err") == "${shim_message/KA_IDLE/--idle}" ]] || fail "message [$err] vs shim's [$shim_message]"
  [[ $(tail -1 <<<"$err") == "Try 'kashim --help' for more information." ]] || fail "no --help hint: $err"
  [[ $(line_count "$err") == 2 ]] || fail "expected one line and the hint: $err"
  [[ ! -e $scratch/ran ]] || fail "the program ran despite a bad value"

  local bad
  for bad in "--idel 3" "--idle" "--cnt 500" "--user-timeout=soon" "--policy maybe" "--log loud" \
    "--rule nonsense" "--detect 1s" "--enable perhaps" "--config $scratch/missing.conf" "--frobnicate" ""; do
    # shellcheck disable=SC2086 # each entry is the words of one command line
    run "$KASHIM" $bad ${bad:+--} ${bad:+touch} ${bad:+"$scratch/ran"}
    expect_status 2
    [[ $(line_count "$err") == 2 && $err == kashim:* ]] || fail "for [$bad]: $err"
  done
  [[ ! -e $scratch/ran ]] || fail "the program ran despite a usage error"
  run "$KASHIM" --idel 3 -- true
  expect_in "$err" "did you mean --idle?"
  run "$KASHIM" status not-a-pid
  expect_status 2
}

# --- programs LD_PRELOAD cannot reach -----------------------------------------------------

case_static_detected() {
  run "$KASHIM" --idle 31 -- "$PROBE"
  expect_not_in "$err" "cannot reach"
  run "$KASHIM" --no-seccomp --idle 31 -- "$STATIC_PROBE"
  expect_status 0
  [[ $(line_count "$err") == 1 ]] || fail "expected one warning line: $err"
  expect_in "$err" "kashim: warning: LD_PRELOAD cannot reach $STATIC_PROBE: it is statically linked"
  # The warning is true: the program ran untouched.
  expect_fields "$out" SO_KEEPALIVE=0
  run "$KASHIM" --no-seccomp --strict --idle 31 -- "$STATIC_PROBE"
  expect_status 125
  expect_in "$err" "kashim: error: LD_PRELOAD cannot reach"
  [[ -z $out ]] || fail "--strict still ran the program"
}

# Rules and both policies hold under the supervisor as under LD_PRELOAD.
case_seccomp_rules_and_policy() {
  run "$KASHIM" --seccomp -- true
  [[ $status == 125 ]] && skip "no seccomp supervisor on this kernel: $err"
  run "$KASHIM" --seccomp --idle 31 --rule "addr=127.0.0.0/8 idle=7" -- "$STATIC_PROBE"
  expect_fields "$out" TCP_KEEPIDLE=7
  run "$KASHIM" --seccomp --idle 31 --rule "addr=::1 idle=9" -- "$STATIC_PROBE" --ipv6
  expect_fields "$out" TCP_KEEPIDLE=9
  run "$KASHIM" --seccomp --idle 31 --rule "addr=10.0.0.0/8 idle=7" -- "$STATIC_PROBE"
  expect_fields "$out" TCP_KEEPIDLE=31
  run "$KASHIM" --seccomp --idle 31 --rule "addr=127.0.0.1 off" -- "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=0
  # The program's own TCP_KEEPIDLE=60, looser than 31: kept from the kernel under cap (the default), let through under respect.
  run "$KASHIM" --seccomp --idle 31 -- "$STATIC_PROBE" --set-idle 60
  expect_fields "$out" TCP_KEEPIDLE=31
  run "$KASHIM" --seccomp --idle 31 --policy respect -- "$STATIC_PROBE" --set-idle 60
  expect_fields "$out" TCP_KEEPIDLE=60
  # Control: without kashim the program's own value is what the kernel holds.
  run "$STATIC_PROBE" --set-idle 60
  expect_fields "$out" SO_KEEPALIVE=0 TCP_KEEPIDLE=60
}

# Under the supervisor the program is kashim's child: kashim forwards the signals it gets and
# ends as the program did, by the same signal when one killed it.
case_seccomp_signals_and_status() {
  run "$KASHIM" --seccomp -- true
  [[ $status == 125 ]] && skip "no seccomp supervisor on this kernel: $err"
  run "$KASHIM" --seccomp -- sh -c 'exit 9'
  expect_status 9
  local code
  code=$(python3 -c 'import subprocess, sys; print(subprocess.run(sys.argv[1:]).returncode)' \
    "$KASHIM" --seccomp -- sh -c 'kill -TERM $$')
  [[ $code == -15 ]] || fail "returncode $code, expected -15 (SIGTERM)"
  "$KASHIM" --seccomp -- sh -c 'trap "exit 42" USR1; echo ready >"$0"; while :; do sleep 0.05; done' "$scratch/ready" &
  local pid=$!
  background+=("$pid")
  for _ in $(seq 100); do [[ -s $scratch/ready ]] && break; sleep 0.05; done
  kill -USR1 "$pid"
  wait "$pid"
  status=$?
  [[ $status == 42 ]] || fail "exit status $status after SIGUSR1 to kashim, expected the program's trap (42)"
}

# A daemon's way: the program exits at once, leaving a descendant that connects later. kashim
# returns the program's status right away; a background supervisor still serves the descendant,
# and is gone once the descendant is.
case_seccomp_serves_descendants_after_exit() {
  run "$KASHIM" --seccomp -- true
  [[ $status == 125 ]] && skip "no seccomp supervisor on this kernel: $err"
  run "$KASHIM" --seccomp --idle 33 -- sh -c "(sleep 1; '$STATIC_PROBE' >'$scratch/late.out' 2>&1) & exit 4"
  expect_status 4
  local waited=0
  while ! grep -q client_fd "$scratch/late.out" 2>/dev/null && ((waited++ < 50)); do sleep 0.1; done
  expect_fields "$(cat "$scratch/late.out")" SO_KEEPALIVE=1 TCP_KEEPIDLE=33
  sleep 0.5
  ! pgrep -f "$KASHIM --seccomp --idle 33" >/dev/null || fail "a supervisor outlived every supervised process"
}

# A kernel without what the supervisor needs: one clear line and a non-zero exit for --seccomp;
# by default a static program then runs with the LD_PRELOAD warning instead.
case_seccomp_unsupported() {
  run "$WITHOUT_SECCOMP" "$KASHIM" --seccomp -- true
  expect_status 125
  [[ $(line_count "$err") == 1 ]] || fail "expected one line: $err"
  expect_in "$err" "kashim: error: seccomp user notification is not available (Function not implemented); --seccomp needs Linux 5.9 or later"
  run "$WITHOUT_SECCOMP" "$KASHIM" --idle 31 -- "$STATIC_PROBE"
  expect_status 0
  expect_in "$err" "kashim: warning: LD_PRELOAD cannot reach $STATIC_PROBE"
  # Control: the same commands without the filter.
  run "$KASHIM" --seccomp -- true
  [[ $status == 125 ]] && skip "no seccomp supervisor on this kernel either: $err"
  expect_status 0
}

# Without --no-seccomp, a static program goes to the supervisor by itself and is reached.
case_static_supervised_by_default() {
  run "$KASHIM" --seccomp -- true
  [[ $status == 125 ]] && skip "no seccomp supervisor on this kernel: $err"
  run "$KASHIM" --strict --idle 31 -- "$STATIC_PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  [[ -z $err ]] || fail "a supervised static program needs no warning: $err"
}

case_go_detected() {
  run "$KASHIM" --no-seccomp -- "$GO_LOOKALIKE"
  expect_status 0
  expect_in "$err" "it is a Go program"
  run "$KASHIM" --no-seccomp --strict -- "$GO_LOOKALIKE"
  expect_status 125
  run "$KASHIM" --strict -- "$GO_LOOKALIKE"
  [[ $status == 125 && $err == *"error: seccomp"* ]] && skip "no seccomp supervisor on this kernel: $err"
  expect_status 0
  expect_not_in "$err" "it is a Go program"
}

case_real_go_detected() {
  command -v go >/dev/null || skip "no Go toolchain (golang-go) to build a real Go program"
  [[ -n ${GO_ARCHITECTURE:-} ]] || skip "Go has no name for the architecture kashim is built for"
  printf 'package main\nimport "net"\nfunc main() { c, err := net.Dial("tcp", "127.0.0.1:1"); if err == nil { c.Close() } }\n' \
    >"$scratch/main.go"
  (cd "$scratch" && HOME=$scratch GOCACHE=$scratch/cache GOPATH=$scratch/go GO111MODULE=off GOFLAGS= \
    GOOS=linux GOARCH=$GO_ARCHITECTURE go build -o gohello main.go) || fail "go build failed"
  run "$KASHIM" --no-seccomp --strict -- "$scratch/gohello"
  expect_status 125
  expect_in "$err" "it is a Go program"
}

case_setuid_detected() {
  need_root
  local dir
  dir=$(shared_dir)
  cp "$PROBE" "$dir/probe"
  chown 65534:65534 "$dir/probe"
  chmod 0755 "$dir/probe"
  run "$KASHIM" --idle 31 -- "$dir/probe"
  expect_not_in "$err" "cannot reach"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  chmod 4755 "$dir/probe"
  run "$KASHIM" --idle 31 -- "$dir/probe"
  expect_status 0
  expect_in "$err" "it is setuid (runs as uid 65534"
  expect_fields "$out" SO_KEEPALIVE=0
  run "$KASHIM" --strict -- "$dir/probe"
  expect_status 125
  chmod 2755 "$dir/probe"
  run "$KASHIM" --idle 31 -- "$dir/probe"
  expect_in "$err" "it is setgid (runs as gid 65534"
  expect_fields "$out" SO_KEEPALIVE=0
  # A set-id program of one's own user runs in the normal mode, and kashim says nothing.
  chown 0:0 "$dir/probe"
  chmod 6755 "$dir/probe"
  run "$KASHIM" --idle 31 -- "$dir/probe"
  expect_not_in "$err" "cannot reach"
  expect_fields "$out" SO_KEEPALIVE=1
}

case_file_capabilities_detected() {
  need_root
  command -v setcap >/dev/null && command -v setpriv >/dev/null || skip "needs setcap and setpriv"
  local dir
  dir=$(shared_dir)
  cp "$PROBE" "$dir/probe"
  chmod 0755 "$dir/probe"
  setcap cap_net_bind_service+ep "$dir/probe" 2>/dev/null || skip "this file system keeps no capabilities"
  local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  # For root the capabilities raise nothing, the loader runs normally and kashim stays quiet.
  run "$KASHIM" --idle 31 -- "$dir/probe"
  expect_not_in "$err" "cannot reach"
  expect_fields "$out" SO_KEEPALIVE=1
  run "${as_nobody[@]}" env KASHIM_LIB="$KASHIM_LIBRARY" "$KASHIM" --idle 31 -- "$dir/probe"
  expect_status 0
  expect_in "$err" "it has file capabilities"
  expect_fields "$out" SO_KEEPALIVE=0
  setcap -r "$dir/probe"
  run "${as_nobody[@]}" "$KASHIM" --idle 31 -- "$dir/probe"
  expect_not_in "$err" "cannot reach"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
}

case_seccomp_reaches_static() {
  run "$KASHIM" --seccomp --idle 31 -- "$STATIC_PROBE"
  [[ $status == 125 && $err == *"error:"* ]] && skip "no seccomp supervisor on this kernel: $err"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
  expect_not_in "$err" "cannot reach"
  # Control: the same program under LD_PRELOAD keeps the kernel's defaults.
  run "$KASHIM" --no-seccomp --idle 31 -- "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=0
  # No library is preloaded, the settings still reach the program's environment, its status is kashim's.
  run "$KASHIM" --seccomp --idle 31 -- sh -c 'echo "[$LD_PRELOAD] $KA_IDLE"; exit 3'
  expect_status 3
  [[ $out == "[] 31" ]] || fail "environment under --seccomp: $out"
  run "$KASHIM" --seccomp --print -- true
  expect_status 2
}

# --- --print ------------------------------------------------------------------------------

case_print_output() {
  run env LD_PRELOAD="$MARKER" KA_LOG=info "$KASHIM" --print --detect 30s --rule "addr=10.0.0.0/8 idle=5" -- \
    touch "$scratch/ran"
  expect_status 0
  [[ ! -e $scratch/ran ]] || fail "--print ran the program"
  expect_in "$out" "library       $KASHIM_LIBRARY (next to $KASHIM)"
  expect_in "$out" "LD_PRELOAD    $KASHIM_LIBRARY:$MARKER"
  expect_in "$out" "KA_DETECT=30s (--detect)"
  expect_in "$out" "KA_LOG=info (environment)"
  expect_in "$out" $'idle          15 s (from KA_DETECT)\ninterval      5 s (from KA_DETECT)\ncount         3 (from KA_DETECT)\nuser timeout  30 s (from KA_DETECT)'
  expect_in "$out" "detection     within 30 s idle, 30 s with data in flight"
  expect_in "$out" "rules         1. addr=10.0.0.0/8 idle=5s: within "
  expect_in "$out" "log           info to stderr"
  expect_match "$out" "program       [^ ]*/touch: dynamically linked ELF executable; LD_PRELOAD reaches it"
  run "$KASHIM" -n --detect 30s
  expect_status 0
  expect_in "$out" "detection     within 30 s idle"
  # Control: without settings the kernel's values and bound show.
  run env -u KA_RULES "$KASHIM" --print --config ""
  expect_in "$out" "idle          $(kernel_idle) s (kernel)"
  expect_in "$out" "rules         none"
  expect_in "$out" "config file   none"
  expect_in "$out" "only after the retransmission timeout"
  run "$KASHIM" --no-seccomp --print -- "$STATIC_PROBE"
  expect_status 0
  expect_in "$out" "program       LD_PRELOAD cannot reach $STATIC_PROBE: it is statically linked"
  [[ -z $err ]] || fail "--print said it twice: $err"
  run "$KASHIM" --no-seccomp --strict --print -- "$STATIC_PROBE"
  expect_status 125
}

# A program linked against musl (Alpine's C library) starts under kashim, gets its settings,
# and --print names its C library and says LD_PRELOAD reaches it.
case_musl_program() {
  [[ -n $MUSL_PROBE ]] || skip "$MUSL_UNAVAILABLE"
  run "$MUSL_PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=0
  run "$KASHIM" --idle 11 -- "$MUSL_PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=11
  [[ -z $err ]] || fail "unexpected stderr: $err"
  run env LD_PRELOAD="$KASHIM_LIBRARY" KA_IDLE=11 "$MUSL_PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=11
  [[ -z $err ]] || fail "unexpected stderr: $err"
  run "$KASHIM" --print -- "$MUSL_PROBE"
  expect_in "$out" "program       $MUSL_PROBE: dynamically linked against musl ELF executable; LD_PRELOAD reaches it"
  run "$KASHIM" --print -- "$PROBE"
  expect_in "$out" "program       $PROBE: dynamically linked ELF executable; LD_PRELOAD reaches it"
}

# --- kashim status ------------------------------------------------------------------------

# Starts the probe holding its connection (wrapped by kashim with the given options, or not
# with "none"); sets $held_pid and $held_fd.
start_held_probe() {
  local wrapper=()
  [[ $1 == none ]] || wrapper=("$KASHIM" "$@" --)
  local output="$scratch/held.$RANDOM"
  mkfifo "$output.in"
  "${wrapper[@]}" "$PROBE" --hold <"$output.in" >"$output" 2>&1 &
  held_pid=$!
  background+=("$held_pid")
  exec {held_stdin}>"$output.in"  # the probe holds until this closes
  for _ in $(seq 100); do grep -q '^pid=' "$output" 2>/dev/null && break; sleep 0.05; done
  grep -q "^pid=$held_pid " "$output" || fail "the held probe did not start as pid $held_pid: $(cat "$output")"
  held_fd=$(sed -n 's/.*client_fd=\([0-9]*\).*/\1/p' "$output")
}

case_status_of_wrapped_child() {
  start_held_probe --idle 40 --intvl 12 --cnt 4
  local wrapped=$held_pid wrapped_fd=$held_fd
  start_held_probe none
  local plain=$held_pid plain_fd=$held_fd
  local row_start="  %s +ESTABLISHED +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +"

  run "$KASHIM" status "$wrapped"
  expect_status 0
  expect_in "$out" "PID $wrapped (keepalive_probe): kashim loaded from $KASHIM_LIBRARY"
  expect_match "$out" "$(printf "$row_start" "$wrapped_fd")on +40s +12s +4 +kernel +keepalive in [0-9.]+ s, 0 probes unanswered"

  run "$KASHIM" status "$plain"
  expect_in "$out" "kashim not loaded"
  expect_match "$out" "$(printf "$row_start" "$plain_fd")off +$(kernel_idle)s"

  # Without getsockopt rights, /proc alone: the pending keepalive timer shows it is on.
  run "$KASHIM" status --passive "$wrapped" "$plain"
  expect_status 0
  expect_in "$out" "keepalive values from /proc only (--passive)"
  expect_match "$out" "$(printf "$row_start" "$wrapped_fd")on +- +- +- +- +keepalive in"
  expect_match "$out" "$(printf "$row_start" "$plain_fd")off +- +- +- +- +none"
}

# kashim apply: a process started without kashim gets the settings on the connections it has open.
case_apply_open_connections() {
  start_held_probe none
  local plain=$held_pid plain_fd=$held_fd
  local row_start="  %s +ESTABLISHED +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +"
  # Control: nothing set before.
  run "$KASHIM" status "$plain"
  expect_match "$out" "$(printf "$row_start" "$plain_fd")off +$(kernel_idle)s"
  run "$KASHIM" apply --idle 41 --intvl 13 "$plain"
  expect_status 0
  expect_match "$out" "pid $plain fd $plain_fd connected to 127\.0\.0\.1:[0-9]+: set SO_KEEPALIVE=1 TCP_KEEPIDLE=41 TCP_KEEPINTVL=13"
  expect_match "$out" "pid $plain fd [0-9]+ listening: set SO_KEEPALIVE=1"
  expect_match "$out" "pid $plain fd [0-9]+ accepted from 127\.0\.0\.1:[0-9]+: set"
  run "$KASHIM" status "$plain"
  expect_match "$out" "$(printf "$row_start" "$plain_fd")on +41s +13s +[0-9]+ +kernel +keepalive in"
  # A process that is gone, and bad input: one line each, and a non-zero exit.
  run "$KASHIM" apply --idle 41 99999999999
  expect_status 2
  expect_in "$err" "apply: '99999999999' is not a process id"
  run "$KASHIM" apply --idle 41 4194304
  expect_status 1
  expect_in "$err" "kashim: apply: process 4194304: "
  [[ $(line_count "$err") == 1 ]] || fail "expected one line: $err"
  run "$KASHIM" apply --idle 41
  expect_status 2
  expect_in "$err" "apply: no process given"
}

# A user may not rescue another user's process: one clear line, exit 1, the process untouched.
case_apply_refused_without_rights() {
  need_root
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  start_held_probe none
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$KASHIM" apply --idle 41 "$held_pid"
  expect_status 1
  expect_in "$err" "kashim: apply: process $held_pid: "
  [[ $(line_count "$err") == 1 ]] || fail "expected one line: $err"
  run "$KASHIM" status "$held_pid"
  expect_match "$out" "ESTABLISHED +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +off"
}

# --print names where each value came from, an anchor's variable too.
case_print_names_the_anchor() {
  run env TCP_KEEPIDLE=30 DD_TCP_KEEPALIVE_PROBES=6 "$KASHIM" --print --config ""
  expect_status 0
  expect_in "$out" "idle          30 s (from TCP_KEEPIDLE, msantos/libkeepalive's name)"
  expect_in "$out" "count         6 (from DD_TCP_KEEPALIVE_PROBES, libdontdie's name)"
  # Control: KA_IDLE wins, and both the row and the settings line say so.
  run env TCP_KEEPIDLE=30 "$KASHIM" --print --config "" --idle 12
  expect_in "$out" "idle          12 s (from KA_IDLE)"
  expect_in "$out" "TCP_KEEPIDLE=30 (environment, msantos/libkeepalive's name; KA_IDLE wins)"
}

# kashim check: the config file as the library reads it, before it is put in place.
case_check_config() {
  local good="$scratch/good.conf" bad="$scratch/bad.conf"
  printf 'KA_DETECT=30s\nrule port=5432 detect=20s\n' >"$good"
  printf '# fleet settings\nKA_IDLE=10\nKA_CNT=banana\nrule port=x idle=5\n' >"$bad"
  chmod 644 "$good" "$bad"
  run "$KASHIM" check "$good"
  expect_status 0
  expect_in "$out" "permissions   mode 0644, owner uid 0, group gid 0: accepted"
  expect_in "$out" "settings      active, policy cap: keepalive on, idle 15 s, intvl 5 s, cnt 3, user timeout 30 s"
  expect_in "$out" "a dead peer is noticed within 30 s when idle"
  expect_in "$out" "rule 1        port=5432 detect=20s"
  expect_in "$out" "from          KA_DETECT: idle, interval, count, user timeout"
  expect_in "$out" "verdict       clean"
  run "$KASHIM" check "$bad"
  expect_status 1
  expect_in "$out" "problem       $bad:3: KA_CNT=\"banana\" is not a whole number; use 1 to 127"
  expect_match "$out" "problem       $bad:4: rule 1: "
  expect_in "$out" "idle 10 s"  # the good line still counts, as in the library
  expect_in "$out" "from          KA_IDLE: idle"  # and only it: the bad KA_CNT gave nothing
  # The same file in the library itself gives the same line (the check reads it the same way).
  local shim_line
  shim_line=$(env KA_CONFIG="$bad" LD_PRELOAD="$KASHIM_LIBRARY" "$PROBE" 2>&1 >/dev/null | grep banana)
  expect_in "$out" "${shim_line#kashim: }"
  chmod 666 "$good"
  run "$KASHIM" check "$good"
  expect_status 1
  expect_in "$out" "refused, others than its owner and root can write it"
  run "$KASHIM" check "$scratch/missing.conf"
  expect_status 1
  expect_in "$out" "cannot read config file \"$scratch/missing.conf\": No such file or directory"
  if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
    chmod 600 "$bad"
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$KASHIM" check "$bad"
    expect_status 1
    expect_in "$out" "Permission denied"
  fi
  run "$KASHIM" check "$good" "$bad"
  expect_status 2
  run "$KASHIM" check --frobnicate
  expect_status 2
}

# --- cgroup mode ---------------------------------------------------------------------------

# Skips where cgroup mode cannot run here; sets cgroup_mount.
need_cgroup_mode() {
  need_root
  run "$KASHIM" attached
  [[ $err == *"not built"* ]] && skip "$err"
  cgroup_mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
  [[ -n $cgroup_mount ]] || skip "no cgroup v2 file system is mounted"
  run "$KASHIM" --cgroup -- true
  [[ $status == 0 ]] || skip "cgroup mode cannot run here: $err"
}

# A scratch group under the cgroup2 mount, removed (and detached) at exit; skips where cgroup
# mode cannot run here.
make_test_group() {
  need_cgroup_mode
  test_group="$cgroup_mount/kashim-test-$$-$RANDOM"
  mkdir "$test_group" || skip "cannot make a group under $mount"
}

# Runs a command inside a group, or the test group (it moves itself there, then execs).
in_group_of() { sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$@"; }
in_group() { in_group_of "$test_group" "$@"; }

case_attach_group() {
  make_test_group
  start_held_probe none  # outside the group: the control
  local outside=$held_pid outside_fd=$held_fd
  local output="$scratch/in-group"
  mkfifo "$output.in"
  in_group "$PROBE" --hold <"$output.in" >"$output" 2>&1 &
  background+=("$!")
  exec {inside_stdin}>"$output.in"
  for _ in $(seq 100); do grep -q '^pid=' "$output" 2>/dev/null && break; sleep 0.05; done
  local inside inside_fd  # the probe's own pid: the background job is the shell that started it
  inside=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$output")
  inside_fd=$(sed -n 's/.*client_fd=\([0-9]*\).*/\1/p' "$output")
  background+=("$inside")

  run "$KASHIM" attach --idle 17 --intvl 4 "$test_group"
  expect_status 0
  expect_in "$out" "attached to /${test_group##*/}: active, policy cap"
  # The connection already open in the group is configured at once; the one outside is not.
  expect_in "$out" "pid $inside fd $inside_fd connected to 127.0.0.1:"
  expect_not_in "$out" "pid $outside "
  run "$KASHIM" status "$inside" "$outside"
  expect_in "$out" "cgroup mode: kashim is attached to /${test_group##*/}, which holds this process"
  [[ $(grep -c "cgroup mode:" <<<"$out") == 1 ]] || fail "the process outside the group is said to be in it: $out"
  expect_match "$out" "  $inside_fd +ESTABLISHED +[0-9.:]+ +[0-9.:]+ +on +17s +4s"
  expect_match "$out" "  $outside_fd +ESTABLISHED +[0-9.:]+ +[0-9.:]+ +off"
  # New connections in the group, dynamic and static alike; outside, nothing.
  run in_group "$PROBE"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=17 TCP_KEEPINTVL=4
  run in_group "$STATIC_PROBE" --ipv6
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=17 TCP_KEEPINTVL=4
  run "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=0
  # A setuid program run by nobody (LD_PRELOAD would be ignored), and a socket made by the raw
  # syscall and connected through io_uring (LD_PRELOAD never sees it): both reached.
  local shared
  if shared=$(shared_dir); then
    cp "$PROBE" "$shared/setuid_probe" && chmod 4755 "$shared/setuid_probe"
    run in_group setpriv --reuid=65534 --regid=65534 --clear-groups "$shared/setuid_probe"
    expect_status 0
    expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=17
  fi
  if [[ -n $URING_PROBE ]]; then
    run "$URING_PROBE"
    [[ $status == 77 ]] || expect_fields "$out" SO_KEEPALIVE=0
    run in_group "$URING_PROBE"
    [[ $status == 77 ]] || expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=17
  fi
  # The program's own looser value is kept from the kernel under cap, its tighter one stands.
  run in_group "$STATIC_PROBE" --set-idle 60
  expect_fields "$out" TCP_KEEPIDLE=17
  run in_group "$STATIC_PROBE" --set-idle 5
  expect_fields "$out" TCP_KEEPIDLE=5
  run "$KASHIM" attached
  expect_status 0
  expect_in "$out" "/${test_group##*/}: policy cap, sets SO_KEEPALIVE=1 TCP_KEEPIDLE=17 TCP_KEEPINTVL=4"

  # A second attach replaces the settings in place.
  run "$KASHIM" attach --idle 19 --policy override "$test_group"
  expect_status 0
  expect_in "$out" "settings replaced on /${test_group##*/}"
  run in_group "$STATIC_PROBE" --set-idle 5
  expect_fields "$out" TCP_KEEPIDLE=19
  local pins
  pins=$(ls /sys/fs/bpf/kashim)
  [[ $(wc -w <<<"$pins") -ge 1 ]] || fail "nothing pinned while attached"

  # Detach: nothing pinned for the group, new connections untouched again.
  local inode
  inode=$(stat -c %i "$test_group")
  run "$KASHIM" detach "$test_group"
  expect_status 0
  expect_in "$out" "detached from /${test_group##*/}"
  [[ ! -e /sys/fs/bpf/kashim/v1/$inode ]] || fail "/sys/fs/bpf/kashim/v1/$inode is still there after detach"
  # kashim's own directory goes with its last group (another test's may be on its way out).
  local left=yes
  for _ in $(seq 20); do
    if [[ ! -d /sys/fs/bpf/kashim || -n $(ls /sys/fs/bpf/kashim) ]]; then left=""; break; fi
    sleep 0.1
  done
  [[ -z $left ]] || fail "an empty /sys/fs/bpf/kashim was left behind"
  run in_group "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=0
  run "$KASHIM" detach "$test_group"
  expect_status 125
  expect_in "$err" "is not attached to"
}

# How many sets of kashim's programs the kernel holds, settled: a program whose last link is
# gone is freed a moment later.
loaded_kashim_programs() {
  local count last=-1
  for _ in $(seq 50); do
    count=$(bpftool prog show 2>/dev/null | grep -c 'name kashim_sock_ops')
    [[ $count == "$last" ]] && break
    last=$count
    sleep 0.1
  done
  echo "$count"
}

# systemd removes a unit's group and makes it again at the same path on every restart.
case_attach_follows_restart() {
  make_test_group
  command -v bpftool >/dev/null || skip "no bpftool to count the programs loaded"
  local name="/${test_group##*/}" old_id before
  before=$(loaded_kashim_programs)
  run "$KASHIM" attach --no-existing --idle 11 "$test_group"
  expect_status 0
  old_id=$(stat -c %i "$test_group")
  rmdir "$test_group" && mkdir "$test_group" || fail "cannot make the group again"
  run "$KASHIM" attached
  expect_in "$out" "$name: gone"
  expect_not_in "$out" "$name: policy"
  sh -c 'echo $$ > "$0/cgroup.procs" && exec sleep 30' "$test_group" &
  local sleeper=$!
  background+=("$sleeper")
  for _ in $(seq 50); do grep -q "$name" "/proc/$sleeper/cgroup" 2>/dev/null && break; sleep 0.05; done
  run "$KASHIM" status "$sleeper"
  expect_not_in "$out" "cgroup mode:"
  kill "$sleeper"
  wait "$sleeper" 2>/dev/null
  run in_group "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=0
  # detach of the group made again at the same path clears what the old one left.
  run "$KASHIM" detach "$test_group"
  expect_status 0
  expect_in "$out" "detached from $name (its attachment had already ended"
  [[ ! -e /sys/fs/bpf/kashim/v1/$old_id ]] || fail "the old group's pins are still there after detach"
  # The drop-in's attach at every start: twenty restarts hold one set of programs.
  local restart
  for restart in $(seq 20); do
    run "$KASHIM" attach --no-existing --idle 11 "$test_group"
    expect_status 0
    ((restart == 1)) || expect_in "$out" "removed what was left of 1 attachment whose group is gone"
    rmdir "$test_group" && mkdir "$test_group" || fail "cannot make the group again"
  done
  run "$KASHIM" attach --no-existing --idle 12 "$test_group"
  expect_status 0
  expect_in "$out" "removed what was left of 1 attachment whose group is gone"
  local after
  after=$(loaded_kashim_programs)
  (( after - before == 1 )) || fail "$((after - before)) sets of kashim's programs loaded after 20 restarts, want 1"
  run in_group "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=12
  run "$KASHIM" attached
  expect_status 0
  expect_in "$out" "$name: policy cap, sets SO_KEEPALIVE=1 TCP_KEEPIDLE=12"
}

# A re-attach never gives a connection half the old settings and half the new: the connections
# made in the group while its settings change two hundred times each carry one whole plan (each
# change loads and verifies a new set of programs). The control rewrites the programs' settings
# map in place instead, as kashim once did, and tears plans.
case_settings_never_torn() {
  make_test_group
  command -v bpftool >/dev/null || skip "no bpftool to keep a copy of each settings map"
  local pins first="/sys/fs/bpf/kashim-test-$$-first" second="/sys/fs/bpf/kashim-test-$$-second"
  test_pins+=("$first" "$second")
  run "$KASHIM" attach --no-existing --idle 11 --intvl 3 "$test_group"
  expect_status 0
  pins=/sys/fs/bpf/kashim/v1/$(stat -c %i "$test_group")
  bpftool map pin pinned "$pins/settings" "$first" || fail "cannot pin a copy of the first settings"
  run "$KASHIM" attach --no-existing --idle 22 --intvl 7 "$test_group"
  expect_status 0
  bpftool map pin pinned "$pins/settings" "$second" || fail "cannot pin a copy of the second settings"

  in_group "$PLAN_SAMPLER" "$scratch/stop" 240 >"$scratch/sampled" &
  local sampler=$! swaps
  background+=("$sampler")
  for swaps in $(seq 100); do
    "$KASHIM" attach --no-existing --idle 11 --intvl 3 "$test_group" >/dev/null &&
      "$KASHIM" attach --no-existing --idle 22 --intvl 7 "$test_group" >/dev/null || fail "a re-attach failed"
  done
  touch "$scratch/stop"
  wait "$sampler" || fail "the sampler failed: $(cat "$scratch/sampled")"
  local sampled
  sampled=$(cat "$scratch/sampled")
  expect_in "$sampled" "idle=11 intvl=3 count="
  expect_in "$sampled" "idle=22 intvl=7 count="
  [[ $(line_count "$sampled") == 2 ]] || fail "torn plans after $swaps re-attaches: $sampled"

  rm "$scratch/stop"
  in_group "$PLAN_SAMPLER" "$scratch/stop" 5 >"$scratch/control" &
  sampler=$!
  background+=("$sampler")
  local flips
  flips=$("$SETTINGS_FLIPPER" "$pins/settings" "$first" "$second" 5) || fail "the flipper failed: $flips"
  wait "$sampler" || fail "the control sampler failed"
  local control
  control=$(cat "$scratch/control")
  [[ $(line_count "$control") -gt 2 ]] ||
    fail "the control saw no torn plan with the settings rewritten in place ($flips), so this test proves nothing: $control"
}

# What cgroup mode remembers per connection (an entry in its socket storage, allocated as the
# connection is made) is nothing for one it configured with the global plan: that allocation was
# most of its cost per connection. The program's own choices before connect, and a rule's plan,
# are remembered; the cap policy still judges what the program sets later.
case_socket_records_only_where_needed() {
  make_test_group
  [[ -n $SOCKET_RECORDS ]] || skip "the cgroup engine is not built"
  local holder='
import os, socket, sys
own = sys.argv[1] == "own"
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(64)
clients, accepted = [], []
for _ in range(20):
    client = socket.socket()
    if own:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 5)
    client.connect(listener.getsockname())
    clients.append(client)
    accepted.append(listener.accept()[0])
idle = lambda s: s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
line = "clients %s accepted %s" % (sorted(set(map(idle, clients))), sorted(set(map(idle, accepted))))
if not own:
    clients[0].setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)
    clients[1].setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 5)
    line += " later 60->%d 5->%d" % (idle(clients[0]), idle(clients[1]))
print("pid=%d %s" % (os.getpid(), line), flush=True)
sys.stdin.read()
'
  run "$KASHIM" attach --no-existing --idle 11 --rule "dir=out port=1-65535 idle=13" "$test_group"
  expect_status 0
  local pins mode
  pins=/sys/fs/bpf/kashim/v1/$(stat -c %i "$test_group")
  hold_in_group() {  # leaves the holder's line in $held and its own pid in $held_pid
    mkfifo "$scratch/hold-$1"
    in_group python3 -c "$holder" "$1" <"$scratch/hold-$1" >"$scratch/held-$1" 2>&1 &
    background+=("$!")
    exec {hold}>"$scratch/hold-$1"
    for _ in $(seq 200); do [[ -s $scratch/held-$1 ]] && break; sleep 0.05; done
    held=$(cat "$scratch/held-$1")
    held_pid=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' <<<"$held")
    [[ -n $held_pid ]] || fail "the holder did not start: $held"
    background+=("$held_pid")
  }
  # A rule for every outgoing connection: each client is remembered by the rule it took, the
  # accepted ones (global plan) are not.
  hold_in_group plain
  expect_in "$held" "clients [13] accepted [11] later 60->13 5->5"
  run "$SOCKET_RECORDS" "$pins/sockets" "$held_pid"
  expect_in "$out" "recorded 20 of 41 TCP sockets"

  run "$KASHIM" attach --no-existing --idle 11 "$test_group"
  expect_status 0
  hold_in_group plain-global
  expect_in "$held" "clients [11] accepted [11] later 60->11 5->5"
  run "$SOCKET_RECORDS" "$pins/sockets" "$held_pid"
  expect_in "$out" "recorded 0 of 41 TCP sockets"
  # The control: the program's own choices before connect are remembered, so the count sees them.
  hold_in_group own
  expect_in "$held" "clients [5] accepted [11]"
  run "$SOCKET_RECORDS" "$pins/sockets" "$held_pid"
  expect_in "$out" "recorded 20 of 41 TCP sockets"
}

# A refused load says why in the verifier's words, and the attachment in force stays as it was.
case_attach_shows_the_verifier() {
  make_test_group
  command -v bpftool >/dev/null || skip "no bpftool to put a wrong map in place"
  local pins
  run "$KASHIM" attach --no-existing --idle 11 "$test_group"
  expect_status 0
  pins=/sys/fs/bpf/kashim/v1/$(stat -c %i "$test_group")
  # The socket map the next programs share, replaced by an array: bpf_sk_storage_get refuses it.
  rm "$pins/sockets"
  bpftool map create "$pins/sockets" type array key 4 value 4 entries 1 name sockets ||
    fail "cannot make the wrong map"
  run "$KASHIM" attach --no-existing --idle 12 "$test_group"
  expect_status 125
  expect_in "$err" "the kernel's verifier refused them; its last words:"
  expect_in "$err" "bpf_sk_storage_get"
  run in_group "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=11
}

# Eight attaches at once, then eight detaches: each lands, and nothing is left.
case_attach_concurrently() {
  make_test_group
  local groups=() pids=() group
  for index in $(seq 8); do
    group="$test_group/g$index"
    mkdir "$group" || fail "cannot make $group"
    groups+=("$group")
  done
  for group in "${groups[@]}"; do
    "$KASHIM" attach --no-existing --idle 13 "$group" >/dev/null 2>>"$scratch/attach.err" &
    pids+=($!)
  done
  # One refused at the same moment (not root) takes nothing of the others' with it.
  setpriv --reuid=65534 --regid=65534 --clear-groups "$KASHIM" attach --idle 13 "${groups[0]}" >/dev/null 2>&1 &
  local refused=$!
  for pid in "${pids[@]}"; do wait "$pid" || fail "an attach failed: $(cat "$scratch/attach.err")"; done
  wait "$refused" && fail "an attach by nobody succeeded"
  run "$KASHIM" attached
  for group in "${groups[@]}"; do expect_in "$out" "/${test_group##*/}/${group##*/}: policy cap"; done
  for group in "${groups[@]}"; do
    run in_group_of "$group" "$STATIC_PROBE"
    expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=13
  done
  pids=()
  for group in "${groups[@]}"; do
    "$KASHIM" detach "$group" >/dev/null 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "a detach failed"; done
  for group in "${groups[@]}"; do
    [[ ! -e /sys/fs/bpf/kashim/v1/$(stat -c %i "$group") ]] || fail "$group is still pinned after its detach"
    rmdir "$group"
  done
}

# --foreground holds the attachment while kashim runs, pins nothing, and detaches on SIGTERM.
case_attach_foreground() {
  make_test_group
  local inode log="$scratch/foreground"
  inode=$(stat -c %i "$test_group")
  "$KASHIM" attach --foreground --idle 29 "$test_group" >"$log" 2>&1 &
  local holder=$!
  background+=("$holder")
  for _ in $(seq 100); do grep -q "attached to" "$log" 2>/dev/null && break; sleep 0.05; done
  expect_in "$(cat "$log")" "attached to /${test_group##*/} until kashim ends"
  run in_group "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=29
  # Pinned while it runs, so attached, status and stats see it; a second attach cannot take it over.
  [[ -e /sys/fs/bpf/kashim/v1/$inode/counters ]] || fail "--foreground did not pin its attachment"
  run "$KASHIM" attached
  expect_in "$out" "/${test_group##*/}: policy cap, sets SO_KEEPALIVE=1 TCP_KEEPIDLE=29"
  run "$KASHIM" attach --foreground --idle 30 "$test_group"
  expect_status 125
  expect_in "$err" "kashim is attached to /${test_group##*/} already"
  kill -TERM "$holder"
  wait "$holder"
  status=$?
  expect_status 0
  expect_in "$(cat "$log")" "detached from /${test_group##*/}"
  [[ ! -e /sys/fs/bpf/kashim/v1/$inode ]] || fail "--foreground left its pins behind"
  run in_group "$STATIC_PROBE"
  expect_fields "$out" SO_KEEPALIVE=0
}

# The command list of the container NAME in the DaemonSet manifest, one argument a line.
manifest_command() {
  awk -v name="$1" '
    /^ *- name: / { in_container = ($3 == name) }
    in_container && /^ *command:$/ { listing = 1; next }
    listing && /^ *- / { sub(/^ *- /, ""); sub(/ +#.*$/, ""); print; next }
    listing { exit }
  ' "$SOURCE_DIR/deploy/kashim-daemonset.yaml"
}

# The DaemonSet manifest in deploy/ runs commands kashim accepts: each container's argument list,
# read from the manifest, parses (a usage error would say so and exit 2), and --help of the same
# command works.
case_daemonset_manifest() {
  local manifest="$SOURCE_DIR/deploy/kashim-daemonset.yaml" args=()
  [[ -f $manifest ]] || fail "no $manifest"
  mapfile -t args < <(manifest_command kashim)
  [[ ${args[0]} == kashim && ${args[1]} == attach ]] || fail "the manifest does not run kashim attach: ${args[*]}"
  # The last argument names the node's pods group; here a group that does not exist stands in.
  args[${#args[@]}-1]="/kashim-no-such-group-$$"
  run "$KASHIM" "${args[@]:1}"
  [[ $status != 2 ]] || fail "kashim rejects the manifest's command line: $err"
  expect_not_in "$err" "unknown option"
  # The metrics container: its options parse (--help after them answers only when they do, and
  # nothing listens), and it serves the port the scrape annotations name.
  mapfile -t args < <(manifest_command stats)
  [[ ${args[*]:0:3} == "kashim stats --listen" ]] || fail "the manifest does not run kashim stats --listen: ${args[*]}"
  run "$KASHIM" "${args[@]:1}" --help
  expect_status 0
  [[ $(head -1 <<<"$out") == "Usage: kashim stats"* ]] || fail "kashim rejects the stats container's command: $err"
  local port=${args[3]##*:}
  expect_in "$(cat "$manifest")" "prometheus.io/port: \"$port\""
  expect_in "$(cat "$manifest")" "containerPort: $port"
}

# Where cgroup mode cannot attach: one line, exit 125, nothing pinned.
case_attach_refusals() {
  make_test_group
  local inode
  inode=$(stat -c %i "$test_group")
  run "$KASHIM" attach --idle 17 "$scratch"
  expect_status 125
  expect_in "$err" "is not a cgroup v2 group"
  [[ $(line_count "$err") == 1 ]] || fail "expected one line: $err"
  run "$KASHIM" attach --rule "prog=curl idle=5" "$test_group"
  expect_status 125
  expect_in "$err" "prog= cannot be matched in cgroup mode"
  [[ ! -e /sys/fs/bpf/kashim/v1/$inode ]] || fail "a refused attach left pins"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$KASHIM" attach --idle 17 "$test_group"
  expect_status 125
  expect_in "$err" "cgroup mode needs root"
  [[ ! -e /sys/fs/bpf/kashim/v1/$inode ]] || fail "a refused attach left pins"
  # --unit finds a unit's group below the mount, as systemd lays them out (a slice, then the unit).
  mkdir -p "$test_group/kashim-test.slice/kashim-test-$$.service"
  run "$KASHIM" attach --idle 17 --no-existing --unit "kashim-test-$$.service"
  expect_status 0
  expect_in "$out" "attached to /${test_group##*/}/kashim-test.slice/kashim-test-$$.service"
  run "$KASHIM" detach --unit "kashim-test-$$.service"
  expect_status 0
  rmdir "$test_group/kashim-test.slice/kashim-test-$$.service" "$test_group/kashim-test.slice"
  # The group by the name the kernel gives it, as the DaemonSet names /kubepods.slice.
  run "$KASHIM" attach --idle 17 --no-existing "/${test_group##*/}"
  expect_status 0
  expect_in "$out" "attached to /${test_group##*/}:"
  run "$KASHIM" detach "/${test_group##*/}"
  expect_status 0
  run "$KASHIM" attach --idle 17 --unit no-such-unit-kashim.service
  expect_status 125
  expect_in "$err" "no group for unit 'no-such-unit-kashim.service'"
  run "$KASHIM" attach --idle 17
  expect_status 2
  expect_in "$err" "attach: name exactly one group"
}

# kashim --cgroup: the program runs in a new group of its own, removed at its end.
case_cgroup_run() {
  make_test_group
  run "$KASHIM" --cgroup --idle 23 -- "$STATIC_PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=23
  run "$KASHIM" --cgroup -- sh -c 'sed -n "s/^0:://p" /proc/self/cgroup; exit 7'
  expect_status 7
  [[ $out == */kashim-[0-9]* ]] || fail "the program did not run in a group of its own: $out"
  local mount
  mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
  for _ in $(seq 50); do [[ -e $mount$out ]] || break; sleep 0.05; done
  [[ ! -e $mount$out ]] || fail "the group $out was left behind"
  # SIGTERM to kashim reaches the program, which ends as it chooses; kashim ends as it did.
  "$KASHIM" --cgroup -- sh -c 'trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done' >"$scratch/term" &
  local wrapper=$!
  background+=("$wrapper")
  for _ in $(seq 100); do grep -q ready "$scratch/term" 2>/dev/null && break; sleep 0.05; done
  kill -TERM "$wrapper"
  wait "$wrapper"
  status=$?
  expect_status 3
}

# --- kashim stats ----------------------------------------------------------------------------

# Attaches to the test group and makes `count` connections in it (each probe run is one client
# and the connection it accepts).
attach_and_connect() {
  local count=$1
  run "$KASHIM" attach --no-existing --idle 17 --intvl 4 "$test_group"
  expect_status 0
  for _ in $(seq "$count"); do
    run in_group "$PROBE"
    expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=17
  done
}

# One group's figures from `kashim stats --json` on stdin, as "KEY=VALUE" lines (Python's words:
# True, None); fails unless the document parses and holds the group once.
json_group_fields() {
  python3 -c '
import json, sys
groups = [g for g in json.load(sys.stdin)["groups"] if g["group"] == sys.argv[1]]
assert len(groups) == 1, "the group is listed %d times" % len(groups)
g = groups[0]
for key in ("live", "policy", "rules", "counted", "configured", "since", "since_rfc3339", "dead_peers_total"):
    print("%s=%s" % (key, g[key]))
for name, value in g["settings"].items():
    print("setting.%s=%s" % (name, value))
for reason, value in (g["dead_peers"] or {}).items():
    print("dead_peers.%s=%s" % (reason, value))
' "$1"
}

# The counters count the connections the case made in the group: each probe run is a connection
# with both ends in the group, two configured sockets, and none of them ends on a dead peer.
expect_counted() {
  local fields=$1 configured=$2 reason
  expect_in "$fields" $'\n'"counted=True"$'\n'
  expect_in "$fields" $'\n'"configured=$configured"$'\n'
  for reason in keepalive user_timeout connect; do expect_in "$fields" $'\n'"dead_peers.$reason=0"$'\n'; done
}

case_stats_group() {
  make_test_group
  local name="/${test_group##*/}"
  attach_and_connect 3
  run "$KASHIM" stats
  expect_status 0
  expect_in "$out" "$name (policy cap, sets SO_KEEPALIVE=1 TCP_KEEPIDLE=17 TCP_KEEPINTVL=4; 0 rules)"
  run "$KASHIM" stats "$test_group"
  expect_status 0
  [[ $(head -1 <<<"$out") == "$name (policy cap,"* ]] || fail "kashim stats GROUP begins [$(head -1 <<<"$out")]"
  expect_match "$out" "  configured +6 connections"
  local reason
  for reason in keepalive user_timeout connect; do expect_match "$out" "    $reason +0 "; done
  expect_match "$out" "  counting since +[0-9-]+ [0-9:]+ .* \\(.* ago\\)"
  # The same group by its name as the kernel gives it, and as JSON.
  run "$KASHIM" stats --json "$name"
  expect_status 0
  local fields
  fields=$(json_group_fields "$name" <<<"$out") || fail "the JSON does not parse or lacks $name: $out"
  fields=$'\n'$fields$'\n'
  local field
  for field in live=True policy=cap rules=0 setting.SO_KEEPALIVE=1 setting.TCP_KEEPIDLE=17 setting.TCP_KEEPINTVL=4; do
    expect_in "$fields" $'\n'"$field"$'\n'
  done
  expect_match "$fields" $'\n''since_rfc3339=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z'$'\n'
  expect_counted "$fields" 6
}

case_stats_prometheus() {
  make_test_group
  command -v promtool >/dev/null || skip "promtool is not installed (scripts/install-deps installs prometheus, which has it)"
  local name="/${test_group##*/}"
  attach_and_connect 2
  run "$KASHIM" stats --prometheus
  expect_status 0
  local exposition=$out lint
  lint=$(promtool check metrics <<<"$exposition" 2>&1) || fail "promtool check metrics: $lint"
  expect_in "$exposition" "kashim_attachment_info{group=\"$name\",policy=\"cap\",sets=\"SO_KEEPALIVE=1 TCP_KEEPIDLE=17 TCP_KEEPINTVL=4\",rules=\"0\"} 1"
  local family
  for family in kashim_connections_configured_total kashim_dead_peers_total; do
    expect_in "$exposition" "# TYPE $family counter"
  done
  expect_in "$exposition" "kashim_connections_configured_total{group=\"$name\"} 4"
  local reason
  for reason in keepalive user_timeout connect; do
    expect_in "$exposition" "kashim_dead_peers_total{group=\"$name\",reason=\"$reason\"} 0"
  done
  # A group named that kashim is not attached to: the others' figures, one line, exit 1; and the
  # document is still whole.
  mkdir "$test_group/unattached"
  run "$KASHIM" stats --prometheus "$test_group" "$test_group/unattached"
  expect_status 1
  expect_in "$err" "stats: kashim is not attached to $name/unattached"
  [[ $(line_count "$err") == 1 ]] || fail "expected one line: $err"
  expect_in "$out" "group=\"$name\""
  lint=$(promtool check metrics <<<"$out" 2>&1) || fail "promtool check metrics: $lint"
}

# Sends REQUEST (with \r\n escapes) to 127.0.0.1:PORT and prints the whole answer.
http_exchange() {
  python3 -c '
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
sys.stdout.write(data.decode("utf-8", "replace"))
' "$@"
}

case_stats_listen() {
  make_test_group
  local name="/${test_group##*/}"
  attach_and_connect 1
  "$KASHIM" stats --listen 127.0.0.1:0 >"$scratch/listen" 2>&1 &
  local server=$!
  background+=("$server")
  for _ in $(seq 100); do grep -q '^serving ' "$scratch/listen" && break; sleep 0.05; done
  local url port
  url=$(sed -n 's/^serving \(http:[^ ]*\) until SIGTERM or SIGINT$/\1/p' "$scratch/listen")
  [[ $url =~ ^http://127\.0\.0\.1:([0-9]+)/metrics$ ]] || fail "no line saying where it serves: $(cat "$scratch/listen")"
  port=${BASH_REMATCH[1]}
  local get='GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
  run http_exchange "$port" "$get"
  expect_in "$out" $'HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n'
  expect_in "$out" "kashim_attachment_info{group=\"$name\""
  if command -v promtool >/dev/null; then
    local lint
    lint=$(promtool check metrics <<<"${out#*$'\r\n\r\n'}" 2>&1) || fail "promtool check metrics: $lint"
  fi
  run http_exchange "$port" 'GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
  expect_in "$out" "HTTP/1.1 404 Not Found"
  run http_exchange "$port" 'GARBAGE\r\n\r\n'
  expect_in "$out" "HTTP/1.1 400 Bad Request"
  run http_exchange "$port" 'POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi'
  expect_in "$out" "HTTP/1.1 405 Method Not Allowed"
  # A client that connects and sends nothing holds nobody up.
  python3 -c 'import socket, sys, time; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); time.sleep(30)' \
    "$port" &
  background+=("$!")
  sleep 0.2
  local started=$SECONDS
  run timeout 3 bash -c "$(declare -f http_exchange); http_exchange $port '$get'"
  expect_in "$out" "HTTP/1.1 200 OK"
  ((SECONDS - started < 3)) || fail "a silent client held up the next one"
  # Each scrape reads anew: detached, the group is gone from the next one.
  run "$KASHIM" detach "$test_group"
  expect_status 0
  run http_exchange "$port" "$get"
  expect_in "$out" "HTTP/1.1 200 OK"
  expect_not_in "$out" "group=\"$name\""
  kill -TERM "$server"
  wait "$server"
  status=$?
  expect_status 0
}

case_stats_refusals() {
  make_test_group
  local name="/${test_group##*/}"
  run "$KASHIM" stats "$test_group"
  expect_status 1
  [[ $err == "kashim: stats: kashim is not attached to $name" ]] || fail "expected one line: $err"
  run "$KASHIM" stats "$scratch"
  expect_status 125
  expect_in "$err" "is not a cgroup v2 group"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$KASHIM" stats
  expect_status 125
  expect_in "$err" "cgroup mode needs root"
  [[ $(line_count "$err") == 1 ]] || fail "expected one line: $err"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$KASHIM" stats --listen 127.0.0.1:0
  expect_status 125
  expect_in "$err" "cgroup mode needs root"
  run "$KASHIM" stats --json --prometheus
  expect_status 2
  run "$KASHIM" stats --listen 127.0.0.1:99999
  expect_status 2
  expect_in "$err" "the port must be a number from 0 to 65535"
  run "$KASHIM" stats --listen example.com:9977
  expect_status 2
  run "$KASHIM" stats --json --listen 9977
  expect_status 2
}

case_status_without_pids() {
  start_held_probe --idle 40
  local wrapped=$held_pid
  start_held_probe none
  local plain=$held_pid
  run "$KASHIM" status
  expect_status 0
  expect_in "$out" "PID $wrapped (keepalive_probe): kashim loaded"
  expect_not_in "$out" "PID $plain "
  run "$KASHIM" status 2147483646
  expect_status 1
  expect_in "$out" "PID 2147483646: no such process"
}

# --- kashim drill ----------------------------------------------------------------------------

# An echo server on loopback, outside any drilled group, as the peer: its port in $server_port.
start_echo_server() {
  python3 "$SOURCE_DIR/cli/tests/echo_server.py" "$@" >"$scratch/server_port" &
  background+=("$!")
  for _ in $(seq 100); do [[ -s $scratch/server_port ]] && break; sleep 0.05; done
  server_port=$(cat "$scratch/server_port")
  [[ -n $server_port ]] || fail "the echo server did not start"
}

# The settings every drill case holds its clients to: a dead peer noticed within 3 s when idle.
drill_settings=(--idle 1 --intvl 1 --cnt 2)

# Drills CLIENT ARGS against the server with kashim's settings (every connection must end in
# time: exit 0) and, as the control, --bare with the same bound (it must still be open: exit 1,
# and the drill stops the client within its grace period).
expect_drill_pass_and_bare_fail() {
  local started elapsed
  run "$KASHIM" drill "${drill_settings[@]}" --cut-after 1s -- "$@"
  expect_status 0
  expect_match "$out" "127\.0\.0\.1:$server_port: ended after [0-9.]+ s \(Connection timed out: keepalive probes unanswered[^)]*\), within 6 s: pass"
  expect_in "$out" "verdict: pass"
  started=$SECONDS
  run "$KASHIM" drill --bare "${drill_settings[@]}" --cut-after 1s -- "$@"
  elapsed=$((SECONDS - started))
  expect_status 1
  expect_in "$out" "127.0.0.1:$server_port: still open after 6 s: FAIL"
  expect_match "$out" "program: stopped by the drill: killed by SIGTERM [0-9.]+ s after its SIGTERM"
  # 1 s to the cut, 6 s to --within, at most 2 s of grace, and start-up.
  ((elapsed <= 11)) || fail "the bare drill took ${elapsed} s: the client was not stopped in its grace period"
}

# Where the drill leaves nothing behind: no group of its own (GROUP, once inode INODE), no pin for
# it, no program it attached (IDS) loaded.
expect_nothing_left_of_drill() {
  local group=$1 inode=$2 id
  shift 2
  for _ in $(seq 50); do [[ -e $cgroup_mount$group ]] || break; sleep 0.05; done
  [[ ! -e $cgroup_mount$group ]] || fail "the drill's group $group was left behind"
  [[ ! -e /sys/fs/bpf/kashim/v1/$inode ]] || fail "the drill left pins in /sys/fs/bpf/kashim/v1/$inode"
  for id in "$@"; do
    for _ in $(seq 50); do bpftool prog show id "$id" >/dev/null 2>&1 || break; sleep 0.1; done
    bpftool prog show id "$id" >/dev/null 2>&1 && fail "program $id the drill attached is still loaded"
  done
  return 0
}

# A Python client holding an idle connection: it notices the cut within the bound under kashim,
# not bare. Meanwhile a process outside the group still talks to the same server, and afterwards
# the server's side of the drilled connection is still established, as a real cut leaves it.
case_drill_python_client() {
  need_cgroup_mode
  start_echo_server
  local client="$SOURCE_DIR/tests/e2e/clients/client.py"
  expect_drill_pass_and_bare_fail python3 "$client" 127.0.0.1 "$server_port"

  "$KASHIM" drill --json "${drill_settings[@]}" --cut-after 1s -- python3 "$client" 127.0.0.1 "$server_port" \
    >"$scratch/drill.json" 2>"$scratch/drill.err" &
  local drill=$!
  background+=("$drill")
  # The cut comes 1 s after the connection; look from outside while the drill follows it.
  for _ in $(seq 100); do
    ss -tnH state established "( dport = :$server_port )" | grep -q . && break
    sleep 0.05
  done
  sleep 1.5
  run python3 -c 'import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as c:
    c.sendall(b"outside"); print(c.recv(16).decode())' "$server_port"
  expect_status 0
  [[ $out == outside ]] || fail "a process outside the group could not talk to the server during the cut: $out $err"
  wait "$drill"
  status=$?
  out=$(cat "$scratch/drill.json")
  err=$(cat "$scratch/drill.err")
  expect_status 0
  local local_port
  local_port=$(python3 -c 'import json, sys
report = json.load(open(sys.argv[1]))
assert report["pass"] and report["exit_status"] == 0 and report["cut"], report
assert len(report["connections"]) == 1 and report["connections"][0]["ended"], report
print(report["connections"][0]["local"].rsplit(":", 1)[1])' "$scratch/drill.json") || fail "the JSON report: $out"
  # The client's side is gone; the server's side of that connection stays ESTABLISHED.
  [[ -n $(ss -tnH state established "( sport = :$server_port and dport = :$local_port )") ]] ||
    fail "the server's side of the drilled connection (port $local_port) is no longer established: $(ss -tan | grep "$server_port")"
}

# A static client and a Go client (Go's own 15 s keepalive is looser than the settings: cap keeps
# the settings') are drilled the same way: drill_built_client CLIENT WHY-SKIPPED-WHEN-MISSING.
drill_built_client() {
  need_cgroup_mode
  [[ -x $1 ]] || skip "$2"
  start_echo_server
  expect_drill_pass_and_bare_fail "$1" 127.0.0.1 "$server_port"
}
case_drill_static_client() { drill_built_client "$BUILD_DIR/tests/e2e/kashim_e2e_client_static" "not built"; }
case_drill_go_client() {
  drill_built_client "$BUILD_DIR/tests/e2e/go_client" \
    "the Go client is not built (no Go toolchain: scripts/install-deps brings golang-go)"
}

# A program that never connects: the drill says so and fails, whether it exits or keeps running
# (then it is stopped once it has had --within to connect).
case_drill_no_connection() {
  need_cgroup_mode
  run "$KASHIM" drill "${drill_settings[@]}" -- true
  expect_status 1
  expect_in "$out" "program: exited with status 0 on its own"
  expect_in "$out" "verdict: FAIL: the program made no TCP connection"
  run "$KASHIM" drill --bare --within 1s -- sleep 30
  expect_status 1
  expect_in "$out" "the program made no TCP connection"
  expect_in "$out" "program: stopped by the drill: killed by SIGTERM"
  run "$KASHIM" drill --within 1s --json -- true
  expect_status 1
  python3 -c 'import json, sys; r = json.loads(sys.argv[1]); assert not r["connected"] and r["exit_status"] == 1' "$out" ||
    fail "the JSON report: $out"
}

# Usage errors are 2; a program that cannot run is 125, with nothing left behind.
case_drill_usage() {
  run "$KASHIM" drill --bare -- true
  expect_status 2
  expect_in "$err" "--bare has no bound of its own"
  run "$KASHIM" drill --within 0 -- true
  expect_status 2
  run "$KASHIM" drill --cut-after soon -- true
  expect_status 2
  expect_in "$err" "is not a duration"
  run "$KASHIM" drill --idle 1
  expect_status 2
  expect_in "$err" "no program given"
  need_cgroup_mode
  run "$KASHIM" drill --idle 1 -- /no/such/program
  expect_status 125
  expect_in "$err" "/no/such/program: No such file or directory"
}

# SIGINT (Ctrl-C) or SIGTERM to the drill mid-drill: the client is stopped, and no group, pin or
# program of the drill's is left.
case_drill_interrupted() {
  need_cgroup_mode
  command -v bpftool >/dev/null || skip "no bpftool to see the programs the drill attached"
  start_echo_server
  local signal drill group ids inode
  for signal in INT TERM; do
    "$KASHIM" drill --idle 60 --cut-after 1s --within 60s -- python3 "$SOURCE_DIR/tests/e2e/clients/client.py" \
      127.0.0.1 "$server_port" >"$scratch/drill.$signal" 2>&1 &
    drill=$!
    background+=("$drill")
    for _ in $(seq 100); do grep -q "^drill: cut" "$scratch/drill.$signal" && break; sleep 0.05; done
    expect_in "$(cat "$scratch/drill.$signal")" "drill: cut"
    group=$(sed -n 's/^drill: python3 runs in \([^;]*\);.*/\1/p' "$scratch/drill.$signal")
    [[ -d $cgroup_mount$group ]] || fail "no group $group while the drill runs"
    inode=$(stat -c %i "$cgroup_mount$group")
    # The keepalive programs (held by the drill, never pinned) and the cut's pair.
    ids=$(bpftool cgroup show "$cgroup_mount$group" | awk '$1 ~ /^[0-9]+$/ { print $1 }')
    [[ $(wc -w <<<"$ids") -ge 3 ]] || fail "expected the drill's programs on $group: $(bpftool cgroup show "$cgroup_mount$group")"
    kill "-$signal" "$drill"
    wait "$drill"
    status=$?
    out=$(cat "$scratch/drill.$signal")
    expect_status 125
    expect_in "$out" "interrupted by SIG$signal"
    expect_in "$out" "program: stopped by the drill"
    expect_nothing_left_of_drill "$group" "$inode" $ids
  done
}

# --- help, manual, installation -----------------------------------------------------------

case_help_and_version() {
  run "$KASHIM" --help
  expect_status 0
  expect_in "$out" "Usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]"
  expect_in "$out" "Examples:"
  expect_in "$out" "kashim --detect 30s -- curl"
  run "$KASHIM" --version
  expect_status 0
  expect_match "$out" '^kashim [0-9]+\.[0-9]+\.[0-9]+$'
  run "$KASHIM" status --help
  expect_in "$out" "kashim status"
}

# Every subcommand kashim --help lists answers --help and -h itself: exit 0, on stdout, starting
# with its own usage line. The list is read from the overview, so a new subcommand is checked too.
case_subcommand_help() {
  local overview names name help
  run "$KASHIM" --help
  expect_status 0
  overview=$out
  names=$(sed -n '/^Commands/,/^$/s/^  \([a-z]\+\) .*/\1/p' <<<"$overview")
  for name in status check apply attach detach attached stats drill; do
    grep -qx "$name" <<<"$names" || fail "kashim --help lists no $name under Commands: [$names]"
  done
  for name in $names; do
    expect_in "$overview" "       kashim $name"
    for help in --help -h; do
      run "$KASHIM" "$name" "$help"
      expect_status 0
      [[ $(head -1 <<<"$out") == "Usage: kashim $name"* ]] || fail "kashim $name $help begins [$(head -1 <<<"$out")]"
      [[ -z $err ]] || fail "kashim $name $help wrote to stderr: $err"
    done
  done
}

case_man_page() {
  local warnings option rendered
  warnings=$(groff -man -ww -z "$MAN_PAGE" 2>&1)
  [[ -z $warnings ]] || fail "groff warns: $warnings"
  rendered=$(MANWIDTH=100 man -l "$MAN_PAGE" 2>/dev/null | col -b)
  local section
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT RULES "EXIT STATUS" STATUS STATS DRILL SYSTEMD CONTAINERS \
    "SYSTEM-WIDE PRELOAD" LIMITATIONS EXAMPLES; do
    grep -q "^$section" <<<"$rendered" || fail "the manual has no $section section"
  done
  for option in $("$KASHIM" --help | grep -oE '^  (-[a-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
    grep -q -- "$option" <<<"$rendered" || fail "the manual does not document $option"
  done
}

# Runs an installed kashim: --print must name the installed library, and a wrapped program
# must get its settings.
check_installed_kashim() {
  local command=$1 library=$2
  [[ -x $command && -f $library ]] || fail "missing $command or $library"
  run "$command" --print --idle 31
  expect_status 0
  expect_in "$out" "library       $library (next to $command)"
  run "$command" --idle 31 -- "$PROBE"
  expect_status 0
  expect_fields "$out" SO_KEEPALIVE=1 TCP_KEEPIDLE=31
}

case_installed_tree() {
  local prefix libdir
  prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
  libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
  DESTDIR=$scratch/root cmake --install "$BUILD_DIR" >/dev/null || fail "cmake --install failed"
  local root=$scratch/root$prefix
  check_installed_kashim "$root/bin/kashim" "$root/$libdir/libkashim.so"
  [[ -f $root/share/man/man1/kashim.1.gz ]] || fail "no man page installed"
  local doc
  for doc in docs/operations.md docs/architecture.md README.md copyright; do
    [[ -f $root/share/doc/kashim/$doc ]] || fail "$doc not installed in share/doc/kashim"
  done
  # The tree can be moved: the command finds the library relative to itself.
  cmake --install "$BUILD_DIR" --prefix "$scratch/opt" >/dev/null || fail "cmake --install --prefix failed"
  check_installed_kashim "$scratch/opt/bin/kashim" "$scratch/opt/$libdir/libkashim.so"
}

# The RPM, from the same install rules, built as an RPM distribution's build would be (the
# library in lib64, %{_libdir}), checked with rpmlint, unpacked and run.
case_rpm_package() {
  command -v rpmbuild >/dev/null || skip "no rpmbuild (scripts/install-deps brings Debian's rpm package)"
  command -v rpm2cpio >/dev/null && command -v cpio >/dev/null || skip "no rpm2cpio or cpio"
  local build="$scratch/rpm-build"
  cmake -S "$SOURCE_DIR" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCMAKE_INSTALL_LIBDIR=lib64 \
    ${TOOLCHAIN_FILE:+-DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN_FILE"} >"$scratch/configure.log" 2>&1 || fail "configure failed: $(tail -5 "$scratch/configure.log")"
  cmake --build "$build" -j"$(nproc)" --target kashim kashim_cli kashim_man_page kashim_changelog \
    >"$scratch/build.log" 2>&1 || fail "build failed: $(tail -5 "$scratch/build.log")"
  (cd "$build" && cpack -G RPM -B "$scratch/package") >"$scratch/cpack.log" 2>&1 ||
    fail "cpack failed: $(tail -5 "$scratch/cpack.log")"
  local rpm
  rpm=$(ls "$scratch"/package/*.rpm 2>/dev/null | head -1)
  [[ -n $rpm ]] || fail "cpack made no .rpm"
  local files
  files=$(rpm -qlp "$rpm" 2>/dev/null)
  for path in /usr/bin/kashim /usr/lib64/libkashim.so /usr/share/man/man1/kashim.1.gz \
    /usr/share/doc/kashim/README.md /usr/share/doc/kashim/changelog.gz; do
    expect_in "$files" "$path"
  done
  expect_in "$(rpm -qp --changelog "$rpm" 2>/dev/null)" "- 0.1.0-1"
  expect_match "$(rpm -qp --queryformat '%{PACKAGER}' "$rpm" 2>/dev/null)" ".+ <.+@.+>"
  expect_in "$(rpm -qp --queryformat 'arch=%{ARCH}' "$rpm" 2>/dev/null)" "arch=$RPM_ARCHITECTURE"
  if command -v rpmlint >/dev/null; then
    local lint
    lint=$(rpmlint -c "$SOURCE_DIR/packaging/rpmlint.toml" "$rpm" 2>&1)
    [[ $lint == *"0 errors, 0 warnings"* ]] || fail "rpmlint says: $lint"
  else
    echo "note: rpmlint is not installed (scripts/install-deps brings it); the .rpm was not linted"
  fi
  mkdir -p "$scratch/rpm-root"
  (cd "$scratch/rpm-root" && rpm2cpio "$rpm" | cpio -idm --quiet) || fail "rpm2cpio failed"
  check_installed_kashim "$scratch/rpm-root/usr/bin/kashim" "$scratch/rpm-root/usr/lib64/libkashim.so"
}

case_debian_package() {
  command -v dpkg-deb >/dev/null || skip "no dpkg-deb"
  cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$scratch/package" >"$scratch/cpack.log" 2>&1 ||
    fail "cpack failed: $(cat "$scratch/cpack.log")"
  local deb
  deb=$(ls "$scratch"/package/*.deb 2>/dev/null | head -1)
  [[ -n $deb ]] || fail "cpack made no .deb"
  local info contents
  info=$(dpkg-deb --info "$deb")
  expect_in "$info" "Package: kashim"
  expect_in "$info" "Architecture: $DEBIAN_ARCHITECTURE"
  expect_match "$info" "Depends: [^\n]*libc6"
  contents=$(dpkg-deb --contents "$deb")
  local path
  local libdir
  libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
  [[ $libdir == lib/*-linux-* ]] || fail "the library directory is $libdir, not Debian's multiarch one"
  for path in ./usr/bin/kashim "./usr/$libdir/libkashim.so" ./usr/share/man/man1/kashim.1.gz \
    ./usr/share/doc/kashim/copyright ./usr/share/doc/kashim/docs/operations.md ./usr/share/doc/kashim/README.md \
    ./usr/share/doc/kashim/changelog.gz ./usr/share/lintian/overrides/kashim; do
    expect_in "$contents" "$path"
  done
  expect_in "$(dpkg-deb --info "$deb")" "Maintainer: $(sed -n 's/^KASHIM_PACKAGE_MAINTAINER:STRING=//p' "$BUILD_DIR/CMakeCache.txt")"
  # Debian's own checker: no error, no warning; what is overridden is in the package, with reasons.
  if command -v lintian >/dev/null; then
    local lint
    lint=$(lintian --fail-on error,warning "$deb" 2>&1 | grep -v 'running with root privileges')
    [[ -z $lint ]] || fail "lintian says: $lint"
  else
    echo "note: lintian is not installed (scripts/install-deps brings it); the .deb was not linted"
  fi
  dpkg -x "$deb" "$scratch/root" || fail "dpkg -x failed"
  # Installed stripped (it maps into every process), its debug data in the -dbgsym package by
  # build id, as Debian ships it; the build tree's library keeps its own (the control).
  local library_id
  # (Read whole first: under pipefail, grep -q ending a pipe early would fail it with SIGPIPE.)
  local sections
  sections=$(readelf -S "$scratch/root/usr/$libdir/libkashim.so")
  [[ $sections != *.debug_info* ]] || fail "the packaged library has debug info"
  sections=$(readelf -S "$KASHIM_LIBRARY")
  [[ $sections == *.debug_info* ]] || fail "the built library has no debug info to split off"
  library_id=$(readelf -n "$scratch/root/usr/$libdir/libkashim.so" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
  local ddeb
  ddeb=$(ls "$scratch"/package/*dbgsym*.ddeb 2>/dev/null | head -1)
  [[ -n $ddeb ]] || fail "cpack made no -dbgsym package"
  expect_in "$(dpkg-deb --contents "$ddeb")" "./usr/lib/debug/.build-id/${library_id:0:2}/${library_id:2}.debug"
  check_installed_kashim "$scratch/root/usr/bin/kashim" "$scratch/root/usr/$libdir/libkashim.so"
  local manual
  manual=$(MANWIDTH=80 man -l "$scratch/root/usr/share/man/man1/kashim.1.gz" 2>/dev/null)
  [[ $manual == *LIMITATIONS* ]] || fail "the packaged manual does not render"
}

declare -F "case_$case_name" >/dev/null || fail "no such case"
"case_$case_name"
echo "PASS ($case_name)"
