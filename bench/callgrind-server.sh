#!/usr/bin/env bash
# Profiles the server's instructions per request with callgrind (stable on a noisy machine): runs the
# benchmark with the server under valgrind at a low rate, then prints the top functions.
#
#   bench/callgrind-server.sh [extra amazon-chat-bench flags]
#
# Needs valgrind and a release build (make bench builds one). Output: /tmp/amazon-chat-callgrind.out.*
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(pwd)/target/release/amazon-chat"
wrapper="$(mktemp)"
trap 'rm -f "$wrapper"' EXIT
cat > "$wrapper" <<WRAP
#!/usr/bin/env bash
if [ "\$1" = serve ]; then
  exec valgrind --tool=callgrind --callgrind-out-file=/tmp/amazon-chat-callgrind.out.%p "$bin" "\$@"
fi
exec "$bin" "\$@"
WRAP
chmod +x "$wrapper"
rm -f /tmp/amazon-chat-callgrind.out.*
target/release/amazon-chat-bench --bin "$wrapper" --out target/bench-callgrind --only grpc-unary \
  --latency-only --seconds 10 --rounds 1 --rate 50 --concurrency 2 "$@"
out=$(ls -t /tmp/amazon-chat-callgrind.out.* | head -1)
callgrind_annotate --inclusive=yes "$out" | head -60
echo "profile: $out (callgrind_annotate --tree=caller $out for callers)"
