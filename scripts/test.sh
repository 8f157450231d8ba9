#!/usr/bin/env bash
# Runs Skiff's whole test suite: type check, lint, generated-code check, then every unit and end-to-end
# test file through node:test. Installs what the suite needs when it is missing: npm dependencies,
# and (as root) the Debian client packages the end-to-end tests drive (kcat, kafka-python,
# confluent-kafka, awscli). Exits non-zero if any step fails.
#
#   bash scripts/test.sh              everything
#   bash scripts/test.sh FILE...     only these test files (still type-checks and checks the codecs)
set -uo pipefail

root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
started_at=$(date +%s)
declare -a step_names=() step_results=()

record () { step_names+=("$1"); step_results+=("$2"); }
heading () { printf '\n=== %s\n' "$1"; }

# --- what the suite needs -------------------------------------------------------------------

debian_packages=(kcat python3-kafka python3-confluent-kafka librdkafka-dev pkg-config awscli)

have_test_clients () {
  command -v kcat >/dev/null 2>&1 &&
    /usr/bin/python3 -c 'import kafka, confluent_kafka' >/dev/null 2>&1 &&
    command -v pkg-config >/dev/null 2>&1 && pkg-config --exists rdkafka &&
    [ -x /usr/bin/aws ]
}

if ! have_test_clients; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    heading "installing Debian packages: ${debian_packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${debian_packages[@]}" >/dev/null
  fi
  if ! have_test_clients; then
    echo "test.sh: the end-to-end tests need: ${debian_packages[*]}" >&2
    echo "test.sh: install them with: sudo apt-get install -y ${debian_packages[*]}" >&2
    exit 1
  fi
fi

if [ ! -d node_modules/tsx ] || [ ! -d node_modules/kafkajs ] || [ ! -d node_modules/@platformatic/kafka ] ||
  [ ! -d node_modules/better-sqlite3/build ] || [ ! -e node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  heading 'installing npm dependencies'
  if [ ! -d node_modules ] && [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error || exit 1
  else
    npm install --no-audit --no-fund --loglevel=error || exit 1
  fi
fi

# --- static checks ----------------------------------------------------------------------------

heading 'type check: tsc --noEmit -p .'
if npx tsc --noEmit -p .; then record 'type check' pass; else record 'type check' FAIL; fi

heading 'lint: eslint (neostandard + no-floating-promises)'
if npm run --silent lint; then record 'lint' pass; else record 'lint' FAIL; fi

is_git_checkout=false
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then is_git_checkout=true; fi

if [ -f scripts/generate-protocol.ts ]; then
  heading 'generated protocol codecs: npm run generate, then compare with the committed files'
  if ! npm run --silent generate; then
    record 'protocol codecs regenerate' FAIL
  elif [ "$is_git_checkout" = true ]; then
    changes="$(git status --porcelain -- src/protocol/messages)"
    if git diff --exit-code --stat -- src/protocol/messages && [ -z "$changes" ]; then
      record 'protocol codecs match the generator' pass
    else
      echo "$changes"
      echo 'test.sh: src/protocol/messages differs from what scripts/generate-protocol.ts writes; regenerate and commit' >&2
      record 'protocol codecs match the generator' FAIL
    fi
  else
    record 'protocol codecs regenerate (no git checkout: diff not checked)' pass
  fi
else
  record 'protocol codecs: scripts/generate-protocol.ts is missing' FAIL
fi

# --- tests ------------------------------------------------------------------------------------

if [ $# -gt 0 ]; then
  test_files=("$@")
else
  if [ "$is_git_checkout" = true ]; then
    # Tracked files only, as CI sees them (git add a new test file to have it run here).
    mapfile -t test_files < <(git ls-files -- 'src/*.test.ts' 'test/*.test.ts' |
      while read -r file; do [ -f "$file" ] && echo "$file"; done)
  else
    mapfile -t test_files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
  fi
fi

unit_files=() e2e_files=()
for file in "${test_files[@]}"; do
  case "$file" in
    test/e2e/*) e2e_files+=("$file") ;;
    *) unit_files+=("$file") ;;
  esac
done

tap_dir="$(mktemp -d)"
trap 'rm -rf "$tap_dir"' EXIT

# Unit tests run two files at a time; end-to-end files one at a time, because each drives a node
# and real clients, and two of them at once on 2 cores make timing-sensitive tests (long polls,
# kill -9 recovery) flaky rather than faster.
run_tests () {
  local name=$1 concurrency=$2
  shift 2
  [ $# -eq 0 ] && return
  heading "$name: $# files (npx tsx --test --test-concurrency=$concurrency)"
  printf '  %s\n' "$@"
  if npx tsx --test --test-concurrency="$concurrency" --test-timeout=600000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap_dir/$name.tap" "$@"; then
    record "$name" pass
  else
    record "$name" FAIL
  fi
}

run_tests 'unit tests' 2 "${unit_files[@]}"
run_tests 'end-to-end tests' 1 "${e2e_files[@]}"

# --- summary ----------------------------------------------------------------------------------

count () { cat "$tap_dir"/*.tap 2>/dev/null | grep -E "^# $1 [0-9]+" | awk '{ sum += $3 } END { print sum + 0 }'; }
elapsed=$(($(date +%s) - started_at))
heading "summary ($((elapsed / 60))m $((elapsed % 60))s)"
failed=0
for i in "${!step_names[@]}"; do
  printf '  %-4s  %s\n' "${step_results[$i]}" "${step_names[$i]}"
  [ "${step_results[$i]}" = pass ] || failed=1
done
printf '  tests: %s passed, %s failed, %s cancelled, %s skipped, %s todo (%s files)\n' \
  "$(count pass)" "$(count fail)" "$(count cancelled)" "$(count skipped)" "$(count todo)" "${#test_files[@]}"
if [ "$(count fail)" != 0 ] || [ "$(count cancelled)" != 0 ]; then
  echo '  failing tests:'
  cat "$tap_dir"/*.tap 2>/dev/null | grep -E '^ *not ok ' | sed -E 's/^ *not ok [0-9]+ - /    - /' | sort -u
  failed=1
fi
if [ ${#test_files[@]} -eq 0 ]; then echo '  no test files found'; failed=1; fi
if [ $failed -eq 0 ]; then echo 'ALL PASSED'; else echo 'FAILED'; fi
exit $failed
