#!/usr/bin/env bash
# Skiff benchmark: builds the C load generator and the mock-cluster broker,
# then runs bench/run.mjs (node baseline, librdkafka mock cluster, Skiff).
# Usage: npm run bench   (env vars: see bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! pkg-config --exists rdkafka 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[bench] librdkafka-dev / pkg-config missing: installing them with apt-get" >&2
    apt-get install -y librdkafka-dev pkg-config >&2 ||
      { apt-get update >&2 && apt-get install -y librdkafka-dev pkg-config >&2; }
  else
    echo "[bench] needs librdkafka-dev and pkg-config (apt-get install librdkafka-dev pkg-config)" >&2
    exit 1
  fi
fi

mkdir -p bench/bin bench/out
RDK_CFLAGS=$(pkg-config --cflags rdkafka)
RDK_LIBS=$(pkg-config --libs rdkafka)
# shellcheck disable=SC2086
gcc -O2 -Wall -o bench/bin/loadgen bench/loadgen.c $RDK_CFLAGS $RDK_LIBS -lpthread
# shellcheck disable=SC2086
gcc -O2 -Wall -o bench/bin/mock-broker bench/mock-broker.c $RDK_CFLAGS $RDK_LIBS

exec node bench/run.mjs "$@"
