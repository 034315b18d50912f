#!/usr/bin/env bash
# Drives the OpenAI-compatible REST API of `amazon-chat serve --demo` with the official OpenAI SDKs,
# its Anthropic Messages API (`/v1/messages`) with the official Anthropic SDK (both unchanged but for
# base URL and API key), Bedrock's own Converse door (`/model/{id}/converse`) with boto3 over TLS
# (endpoint URL, CA and AWS_BEARER_TOKEN_BEDROCK), and fuzzes it from its own OpenAPI document:
#
#   tests/sdk/run.sh                        # all five: python anthropic bedrock node schemathesis
#   tests/sdk/run.sh python node            # some of them
#   AMAZON_CHAT_BIN=/path/to/amazon-chat tests/sdk/run.sh
#   ST_MAX_EXAMPLES=200 ST_SEED=7 tests/sdk/run.sh schemathesis
#
# AMAZON_CHAT_BIN defaults to <repo>/target/debug/amazon-chat (build it first: cargo build).
# Each suite starts its own server on a free loopback port (no AWS_*/AMAZON_CHAT_*/API_KEY* or proxy
# variables, HOME and cwd a fresh temporary folder) and stops it at the end.
# Installs into tests/sdk/.venv (requirements.txt) and tests/sdk/node/node_modules (npm ci),
# again only when requirements.txt / package-lock.json changed; needs python3 (>= 3.10) and
# node (>= 20) with npm.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export AMAZON_CHAT_BIN="${AMAZON_CHAT_BIN:-$ROOT/target/debug/amazon-chat}"
if [[ ! -x "$AMAZON_CHAT_BIN" ]]; then
  echo "tests/sdk/run.sh: no amazon-chat binary at $AMAZON_CHAT_BIN (cargo build, or set AMAZON_CHAT_BIN)" >&2
  exit 1
fi
AMAZON_CHAT_BIN="$(cd "$(dirname "$AMAZON_CHAT_BIN")" && pwd)/$(basename "$AMAZON_CHAT_BIN")"

# Heavy steps run at low priority (the machine may be compiling too).
run() { nice -n 15 "$@"; }
# The suites talk to 127.0.0.1 only, so they run without the proxy variables (`direct`, at low
# priority too): openai-python's httpx would send its requests through one. The installs keep them,
# for a machine that needs a proxy to reach PyPI or npm.
direct() {
  run env -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u NO_PROXY \
    -u http_proxy -u https_proxy -u all_proxy -u no_proxy "$@"
}

# stamp_ok DIR NAME KEY: true when KEY equals the one recorded in DIR/.stamp-NAME.
stamp_ok() { [[ -f "$1/.stamp-$2" ]] && [[ "$3" == "$(cat "$1/.stamp-$2")" ]]; }
stamp_write() { printf '%s\n' "$3" > "$1/.stamp-$2"; }

deps_python() {
  cd "$HERE" || return 1
  # The interpreter's version is part of the key: a venv does not survive a Python upgrade.
  local key
  key="$( { cat requirements.txt; python3 -VV; } | sha256sum)"
  if [[ ! -x .venv/bin/python ]] || ! stamp_ok .venv deps "$key"; then
    echo "--- installing tests/sdk/.venv from requirements.txt"
    rm -rf .venv
    python3 -m venv .venv || return 1
    run .venv/bin/pip install --quiet --disable-pip-version-check --no-input -r requirements.txt || return 1
    stamp_write .venv deps "$key"
  fi
}

deps_node() {
  cd "$HERE/node" || return 1
  local key
  key="$( { cat package-lock.json; node --version; } | sha256sum)"
  if [[ ! -d node_modules ]] || ! stamp_ok node_modules deps "$key"; then
    echo "--- installing tests/sdk/node/node_modules (npm ci)"
    run npm ci --no-audit --no-fund --loglevel=error || return 1
    stamp_write node_modules deps "$key"
  fi
}

suite_python() {
  deps_python || return 1
  cd "$HERE" || return 1
  direct .venv/bin/python -m pytest -q -p no:cacheprovider
}

# The Anthropic suite is a pytest session of its own: its conftest.py could not share one with
# python/'s (the OpenAI tests import theirs as `conftest`).
suite_anthropic() {
  deps_python || return 1
  cd "$HERE" || return 1
  direct .venv/bin/python -m pytest -q -p no:cacheprovider anthropic
}

# boto3 against Bedrock's own door, over TLS: a pytest session of its own too.
suite_bedrock() {
  deps_python || return 1
  cd "$HERE" || return 1
  direct .venv/bin/python -m pytest -q -p no:cacheprovider bedrock
}

suite_node() {
  deps_node || return 1
  cd "$HERE/node" || return 1
  direct node --test --test-reporter=spec
}

suite_schemathesis() {
  deps_python || return 1
  cd "$HERE" || return 1
  # launch_server.py starts the server, substitutes {url} and {api_key}, and stops it afterwards.
  # The hooks file steers half the chat bodies onto valid requests (so unary and streamed answers
  # are reached), checks every event stream, and fails the run if an operation never answered 2xx.
  SCHEMATHESIS_HOOKS="$HERE/schemathesis_hooks.py" direct .venv/bin/python python/launch_server.py -- \
    .venv/bin/st --config-file "$HERE/schemathesis.toml" run '{url}/openapi.json' \
    --header 'Authorization: Bearer {api_key}' \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,sse_chat_stream,reaches_success \
    --max-examples "${ST_MAX_EXAMPLES:-50}" \
    --seed "${ST_SEED:-20240307}" \
    --request-timeout 30 \
    --workers 1 \
    --generation-database none \
    --no-color
}

suites=("$@")
if [[ ${#suites[@]} == 0 ]]; then suites=(python anthropic bedrock node schemathesis); fi
for suite in "${suites[@]}"; do
  if ! declare -F "suite_$suite" >/dev/null; then
    echo "tests/sdk/run.sh: unknown suite '$suite' (python, anthropic, bedrock, node, schemathesis)" >&2
    exit 2
  fi
done
export HERE
export -f run direct stamp_ok stamp_write deps_python deps_node suite_python suite_anthropic suite_bedrock suite_node suite_schemathesis
failed=()
summary=()
for suite in "${suites[@]}"; do
  echo "=== tests/sdk: $suite ==="
  start=$SECONDS
  # A hung suite is stopped after 10 minutes (timeout signals its whole process group, servers included).
  if timeout --kill-after=10 600 bash -c 'set -uo pipefail; "suite_$1"' _ "$suite"; then
    result=ok
  else
    result=FAILED
    failed+=("$suite")
  fi
  summary+=("$suite: $result in $((SECONDS - start)) s")
  echo "=== tests/sdk: $suite: $result ($((SECONDS - start)) s) ==="
done
echo
printf 'tests/sdk/run.sh: %s\n' "${summary[@]}"
if [[ ${#failed[@]} != 0 ]]; then
  echo "tests/sdk/run.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
