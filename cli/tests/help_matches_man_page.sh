#!/usr/bin/env bash
# kashim --help and kashim(1) name the same options. Every long option (--name) that
# `kashim --help` or `kashim SUBCOMMAND --help` mentions must have an option entry in the man
# page, and every option entry in the man page must be mentioned by at least one --help. Each
# subcommand must answer --help with help of its own (exit status 0, not the overview's text).
# Every mismatch is printed, one per line; the exit status is 1 when there is any.
#
# An option entry is a .TP paragraph whose tag line is a font macro starting with the option, as
# kashim.1.in writes them: `.BI \-\-idle " DURATION"`, `.BR \-n ", " \-\-print`, `.B \-\-strict`.
# Environment (set by cli/tests/CMakeLists.txt): KASHIM, the command; MAN_PAGE, kashim.1 (or .gz).
set -uo pipefail

: "${KASHIM:?KASHIM names the kashim command to test}"
: "${MAN_PAGE:?MAN_PAGE names the kashim.1 to test}"
subcommands=(status check apply attach detach attached stats drill)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

mismatches=()
mismatch() { mismatches+=("$1"); }

# The long options a text mentions, one per line, sorted.
long_options() { grep -oE -- '--[a-z][a-z-]*' | sed 's/-*$//' | sort -u; }

# The options kashim(1) has an entry for: the tag line after each .TP, when it starts with \-.
man_page_options() {
  local source=cat
  [[ $MAN_PAGE == *.gz ]] && source=zcat
  "$source" "$MAN_PAGE" |
    awk 'after_tp && /^\.(B|BI|BR|IB|RB)[ \t]+\\-/ { print } { after_tp = /^\.TP/ }' |
    sed 's/\\-/-/g' | long_options
}

# Runs `kashim ARGS... --help`; leaves its stdout in $help, stderr in $help_err, status in $help_status.
run_help() {
  timeout 30 "$KASHIM" "$@" --help >"$scratch/out" 2>"$scratch/err"
  help_status=$?
  help=$(cat "$scratch/out")
  help_err=$(cat "$scratch/err")
}

[[ -r $MAN_PAGE ]] || { echo "FAIL: cannot read the man page $MAN_PAGE"; exit 1; }
documented=$(man_page_options)
if ! grep -qx -- '--help' <<<"$documented"; then
  echo "FAIL: found no option entries in $MAN_PAGE (a .TP whose tag line is .B/.BI/.BR \\-\\-name); found: ${documented:-none}"
  exit 1
fi

run_help
if [[ $help_status != 0 || -z $help ]]; then
  echo "FAIL: kashim --help exits $help_status and prints ${#help} characters: ${help_err:-no message}"
  exit 1
fi
overview=$help
# Where each option was seen, as "OPTION<TAB>kashim [SUBCOMMAND] --help" lines.
for option in $(long_options <<<"$overview"); do printf '%s\tkashim --help\n' "$option"; done >"$scratch/seen"

for subcommand in "${subcommands[@]}"; do
  run_help "$subcommand"
  if [[ $help_status != 0 ]]; then
    mismatch "kashim $subcommand --help: no --help yet: exit status $help_status, $(head -n 1 <<<"$help_err")"
    continue
  fi
  if [[ -z $help ]]; then
    mismatch "kashim $subcommand --help: no --help yet: it prints nothing"
    continue
  fi
  if [[ $help == "$overview" ]]; then
    mismatch "kashim $subcommand --help: no --help of its own yet: it prints the overview of kashim --help"
    continue  # its options are the overview's, already counted
  elif ! grep -q -- "kashim $subcommand" <<<"$help"; then
    mismatch "kashim $subcommand --help: its help never names 'kashim $subcommand'"
  fi
  for option in $(long_options <<<"$help"); do printf '%s\tkashim %s --help\n' "$option" "$subcommand"; done >>"$scratch/seen"
done

# Help -> man page: each option in each help that has no entry in the man page.
while IFS=$'\t' read -r option where; do
  grep -qx -- "$option" <<<"$documented" ||
    mismatch "$option: in '$where', but kashim(1) has no entry for it"
done <"$scratch/seen"

# Man page -> help: each option entry that no help mentions.
for option in $documented; do
  cut -f1 "$scratch/seen" | grep -qx -- "$option" ||
    mismatch "$option: kashim(1) has an entry for it, but no --help mentions it"
done

if ((${#mismatches[@]} > 0)); then
  printf 'FAIL: %s\n' "${mismatches[@]}"
  echo "${#mismatches[@]} mismatches between --help and $MAN_PAGE"
  exit 1
fi
echo "PASS: kashim --help, each subcommand's --help and kashim(1) name the same $(wc -w <<<"$documented") options"
