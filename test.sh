#!/usr/bin/env bash
# Run scenarios by number.
#   ./test.sh 1.1        exactly scenario 1.1 (name regex ^Test 1\.1 - , never 1.10)
#   ./test.sh "1.*"      every scenario of feature 1
#   ./test.sh -v 1.1     verbose: live logs of every process (host and servos) on stderr
#   ./test.sh 1.1 2.3    several selections
# Extra cucumber arguments may follow `--`:  ./test.sh 1.1 -- --format pretty
# The exit code is cucumber's; 1 when a selection matches no scenario, 2 for a usage error, 0 for
# --help.
set -euo pipefail
cd "$(dirname "$0")"

usage_text() {
  cat <<'USAGE'
usage: ./test.sh [-v] <N.M | "N.*"> [more selections ...] [-- <cucumber args>]
  N.M     run exactly scenario "Test N.M - …" (1.1 never selects 1.10)
  "N.*"   run every scenario of feature file N
  -v      verbose: stream every process's log live (ZEROBUFFER_VERBOSE=1, pretty output)
  -h      this help
examples:
  ./test.sh 1.1
  ./test.sh "2.*"
  ./test.sh -v 2.3
USAGE
}
usage() {
  usage_text >&2
  exit 2
}

# Fails unless some scenario in features/ is named like "Test <number regex> - …": cucumber itself
# would run 0 scenarios and succeed.
require_match() {
  if ! grep -Eq "^[[:space:]]*Scenario( Outline)?: Test $2 - " features/*.feature; then
    echo "test.sh: no scenario matches '$1' (scenarios are named 'Test N.M - …' in features/*.feature)" >&2
    exit 1
  fi
}

verbose=0
names=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -v|--verbose) verbose=1 ;;
    -h|--help) usage_text; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *)
      if [[ "$1" =~ ^([0-9]+)\.([0-9]+)$ ]]; then
        require_match "$1" "${BASH_REMATCH[1]}\\.${BASH_REMATCH[2]}"
        names+=(--name "^Test ${BASH_REMATCH[1]}\\.${BASH_REMATCH[2]} - ")
      elif [[ "$1" =~ ^([0-9]+)\.\*$ ]]; then
        require_match "$1" "${BASH_REMATCH[1]}\\.[0-9]+"
        names+=(--name "^Test ${BASH_REMATCH[1]}\\.[0-9]+ - ")
      else
        echo "test.sh: not a scenario number or feature selection: '$1'" >&2
        usage
      fi
      ;;
  esac
  shift
done
[ ${#names[@]} -gt 0 ] || usage

args=()
if [ "$verbose" = 1 ]; then
  export ZEROBUFFER_VERBOSE=1
  args+=(--profile verbose)
fi
exec node_modules/.bin/cucumber-js "${args[@]}" "${names[@]}" "${extra[@]}"
