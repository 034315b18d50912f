#!/usr/bin/env bash
# Runs every fuzz target under libFuzzer for a bounded time (FUZZ_SECONDS each, default 20) and
# prints each target's executions. `make fuzz` calls it, and so does `make test` (CI).
#
# cargo-fuzz needs a nightly toolchain (rustup's `nightly`); cargo-fuzz itself is installed from
# crates.io when missing. Without a nightly toolchain the run is skipped with a message: the same
# target bodies (src/lib.rs) run on stable as property tests in tests/properties.rs anyway.
# New inputs go to a temporary corpus, never into the checkout; a crash leaves its input under
# fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-20}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: skipped, no nightly toolchain (rustup toolchain install nightly); the targets ran as property tests"
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --version 0.13.2 >/dev/null
fi

# `-s none`: no sanitizer. The code is safe Rust (unsafe is forbidden), so AddressSanitizer would
# only slow the executions; panics, overflows (debug assertions are on) and timeouts still fail.
cargo +nightly fuzz build -s none

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
# Seeds: AWS's signed SigV4 vectors for the verifier, a few request bodies for the REST path.
mkdir -p "$corpus/seeds/sigv4_request"
for vector in ../src/emulator/sigv4_vectors/*/header-signed-request.txt; do
  cp "$vector" "$corpus/seeds/sigv4_request/$(basename "$(dirname "$vector")")"
done

for target in rest_body grpc_body sigv4_request event_stream; do
  mkdir -p "$corpus/$target"
  seeds=()
  [[ -d seeds/$target ]] && seeds+=("seeds/$target")
  [[ -d $corpus/seeds/$target ]] && seeds+=("$corpus/seeds/$target")
  log="$corpus/$target.log"
  # The binary built above, run directly: `cargo fuzz run` would rebuild if a source changed since.
  mkdir -p "artifacts/$target"
  if ! "target/x86_64-unknown-linux-gnu/release/$target" "$corpus/$target" "${seeds[@]}" \
    -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $target failed; its input is under fuzz/artifacts/$target/ (reproduce: cargo +nightly fuzz run $target fuzz/artifacts/$target/<file>)" >&2
    exit 1
  fi
  runs="$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1 | grep -o '[0-9]*')"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')"
  echo "fuzz: $target: ${runs:-?} executions in ${seconds} s, coverage ${coverage:-?} edges, no failure"
done
