#!/usr/bin/env bash
# Installs each client's dependencies and runs its test suite against a live `amazon-chat serve --demo`
# (each suite starts its own server on a free loopback port and stops it at the end):
#
#   clients/test.sh                      # all four: python typescript go java
#   clients/test.sh go java              # some of them
#   AMAZON_CHAT_BIN=/path/to/amazon-chat clients/test.sh
#
# AMAZON_CHAT_BIN defaults to <repo>/target/debug/amazon-chat (build it first: cargo build).
# Installs go to clients/python/.venv, clients/typescript/node_modules, the Go module cache and ~/.m2;
# needs python3 (>= 3.10), node (>= 20) with npm, go (>= 1.26) and a JDK (>= 17) with mvn.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="$ROOT/clients"
export AMAZON_CHAT_BIN="${AMAZON_CHAT_BIN:-$ROOT/target/debug/amazon-chat}"
if [[ ! -x "$AMAZON_CHAT_BIN" ]]; then
  echo "clients/test.sh: no amazon-chat binary at $AMAZON_CHAT_BIN (cargo build, or set AMAZON_CHAT_BIN)" >&2
  exit 1
fi
AMAZON_CHAT_BIN="$(cd "$(dirname "$AMAZON_CHAT_BIN")" && pwd)/$(basename "$AMAZON_CHAT_BIN")"

# Heavy steps run at low priority (the machine may be compiling too).
run() { nice -n 15 "$@"; }
# The suites talk to 127.0.0.1 only, so they run without the proxy variables (`direct`, at low
# priority too): the gRPC clients would go through one (grpc_proxy, https_proxy, http_proxy). The
# installs keep them, for a machine that needs a proxy to reach the registries.
direct() {
  run env -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u NO_PROXY \
    -u http_proxy -u https_proxy -u all_proxy -u no_proxy -u grpc_proxy -u GRPC_PROXY "$@"
}

# stamp_ok DIR NAME FILE: true when FILE's hash equals the one recorded in DIR/.stamp-NAME.
stamp_ok() { [[ -f "$1/.stamp-$2" ]] && [[ "$(sha256sum < "$3")" == "$(cat "$1/.stamp-$2")" ]]; }
stamp_write() { sha256sum < "$3" > "$1/.stamp-$2"; }

suite_python() {
  cd "$CLIENTS/python" || return 1
  if [[ ! -x .venv/bin/python ]] || ! stamp_ok .venv deps pyproject.toml; then
    rm -rf .venv
    python3 -m venv .venv || return 1
    run .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]' || return 1
    stamp_write .venv deps pyproject.toml
  fi
  .venv/bin/mypy || return 1
  direct .venv/bin/python -m pytest -q -p no:cacheprovider
}

suite_typescript() {
  cd "$CLIENTS/typescript" || return 1
  if [[ ! -d node_modules ]] || ! stamp_ok node_modules deps package-lock.json; then
    run npm ci --no-audit --no-fund --loglevel=error || return 1
    stamp_write node_modules deps package-lock.json
  fi
  direct npm test --silent
}

suite_go() {
  cd "$CLIENTS/go" || return 1
  run go mod download || return 1
  run go vet ./... || return 1
  direct go test -count=1 ./...
}

suite_java() {
  cd "$CLIENTS/java" || return 1
  # Not `direct`: Maven fetches its plugins and dependencies in this same run (grpc-java ignores the
  # proxy variables anyway).
  run mvn -B -ntp -Dstyle.color=never test
}

suites=("$@")
if [[ ${#suites[@]} == 0 ]]; then suites=(python typescript go java); fi
failed=()
summary=()
for suite in "${suites[@]}"; do
  if ! declare -F "suite_$suite" >/dev/null; then
    echo "clients/test.sh: unknown suite '$suite' (python, typescript, go, java)" >&2
    exit 2
  fi
  echo "=== clients/$suite ==="
  start=$SECONDS
  if (suite_"$suite"); then result=ok; else result=FAILED; failed+=("$suite"); fi
  summary+=("$suite: $result in $((SECONDS - start)) s")
  echo "=== clients/$suite: $result ($((SECONDS - start)) s) ==="
done
echo
printf 'clients/test.sh: %s\n' "${summary[@]}"
if [[ ${#failed[@]} != 0 ]]; then
  echo "clients/test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
