#!/usr/bin/env bash
# Run scenarios by number.
#   ./test.sh 1.1        exactly scenario 1.1 (name regex ^Test 1\.1 - , never 1.10)
#   ./test.sh "1.*"      every scenario of feature 1
#   ./test.sh -v 1.1     verbose: live logs of every process (host and servos) on stderr
#   ./test.sh 1.1 2.3    several selections
# Extra cucumber arguments may follow `--`:  ./test.sh 1.1 -- --format pretty
# The exit code is cucumber's.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat >&2 <<'USAGE'
usage: ./test.sh [-v] <N.M | "N.*"> [more selections ...] [-- <cucumber args>]
  N.M     run exactly scenario "Test N.M - …" (1.1 never selects 1.10)
  "N.*"   run every scenario of feature file N
  -v      verbose: stream every process's log live (ZEROBUFFER_VERBOSE=1, pretty output)
examples:
  ./test.sh 1.1
  ./test.sh "2.*"
  ./test.sh -v 2.3
USAGE
  exit 2
}

verbose=0
names=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -v|--verbose) verbose=1 ;;
    -h|--help) usage ;;
    --) shift; extra=("$@"); break ;;
    *)
      if [[ "$1" =~ ^([0-9]+)\.([0-9]+)$ ]]; then
        names+=(--name "^Test ${BASH_REMATCH[1]}\\.${BASH_REMATCH[2]} - ")
      elif [[ "$1" =~ ^([0-9]+)\.\*$ ]]; then
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
