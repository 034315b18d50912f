#!/usr/bin/env bash
# Builds the container image and proves it runs (make test-container; CI runs it through make test):
#
#   tests/container/run.sh                 # the release binary at target/release/amazon-chat
#   AMAZON_CHAT_BIN=PATH tests/container/run.sh
#
# No image registry is reachable from CI, so nothing is pulled (../shared/notes/containers.md):
#   - the engine is the machine's dockerd, or one started here that leaves host networking alone
#     (no bridge, no iptables) and is stopped at the end; every container uses --network host;
#   - the base image holds what distroless/cc-debian12:nonroot holds (the Dockerfile's default base):
#     glibc's loader and libraries, libgcc, CA certificates, a nonroot user (65532), /tmp. The files
#     come from a Debian bookworm root file system made with debootstrap (cached in $CACHE between
#     runs) and are imported as local/distroless-cc:bookworm: no shell, no package manager;
#   - the image is the Dockerfile's `prebuilt` target: its runtime stage with the stripped binary.
# Then the container runs `serve --demo` and must: report healthy through its own HEALTHCHECK
# (`amazon-chat health`), run as uid 65532, answer a chat over REST (curl) and over gRPC (the
# generated Python client) from outside the container, and exit 0 within the grace period on
# SIGTERM. The image size is printed. compose.yaml is validated with `docker-compose config`.
#
# Needs (CI's .ci/run installs them): docker (docker.io), debootstrap, docker-compose, curl, and the
# Python client's venv (clients/test.sh python makes it), or python3 with grpcio to build it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${AMAZON_CHAT_BIN:-$ROOT/target/release/amazon-chat}"
CACHE="${AMAZON_CHAT_CONTAINER_CACHE:-/var/tmp/amazon-chat-container}"
BASE=local/distroless-cc:bookworm
IMAGE="${AMAZON_CHAT_IMAGE_TAG:-amazon-chat:test}"
NAME="amazon-chat-test-$$"
MODEL=anthropic.claude-3-haiku-20240307-v1:0
say() { echo "tests/container: $*"; }
fail() { echo "tests/container: FAILED: $*" >&2; exit 1; }

for tool in docker debootstrap docker-compose curl; do
  type -P "$tool" >/dev/null || fail "$tool is missing (Debian packages docker.io, debootstrap, docker-compose, curl)"
done
[[ -x "$BIN" ]] || fail "no binary at $BIN (cargo build --release, or set AMAZON_CHAT_BIN)"
mkdir -p "$CACHE"
WORK="$(mktemp -d)"
STARTED_DOCKERD=""

cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  if [[ -n "$STARTED_DOCKERD" ]]; then
    kill "$(cat "$CACHE/engine/dockerd.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [[ -e "$CACHE/engine/dockerd.pid" ]] || break; sleep 0.1; done
    umount "$CACHE/engine/exec/netns/default" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the engine
if ! docker info >/dev/null 2>&1; then
  type -P dockerd >/dev/null || fail "no docker engine running and no dockerd to start"
  say "starting dockerd (host networking untouched; data in $CACHE/engine)"
  mkdir -p "$CACHE/engine"
  dockerd --data-root "$CACHE/engine/data" --exec-root "$CACHE/engine/exec" \
    --pidfile "$CACHE/engine/dockerd.pid" --host "unix://$CACHE/engine/docker.sock" \
    --storage-driver overlay2 --iptables=false --ip-forward=false --bridge=none \
    >"$CACHE/engine/dockerd.log" 2>&1 &
  STARTED_DOCKERD=1
  export DOCKER_HOST="unix://$CACHE/engine/docker.sock"
  for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { tail -20 "$CACHE/engine/dockerd.log" >&2; fail "dockerd did not start"; }
fi

# --- the base image, from debootstrap (cached)
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  if [[ ! -s "$CACHE/bookworm-rootfs.tar" ]]; then
    mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
    mirror="${mirror:-http://deb.debian.org/debian}"
    say "making a bookworm root file system with debootstrap from $mirror (about a minute, cached)"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap"; }
    tar -C "$WORK/rootfs" -cf "$CACHE/bookworm-rootfs.tar" .
    rm -rf "$WORK/rootfs"
  fi
  # distroless/cc's contents, taken from the root file system.
  mkdir -p "$WORK/rootfs" "$WORK/base"/{etc/ssl/certs,lib/x86_64-linux-gnu,lib64,tmp,home/nonroot}
  tar -C "$WORK/rootfs" -xf "$CACHE/bookworm-rootfs.tar" ./usr/lib/x86_64-linux-gnu ./usr/lib64 ./etc/ssl/certs/ca-certificates.crt
  for lib in libc.so.6 libm.so.6 libgcc_s.so.1 libdl.so.2 libpthread.so.0 librt.so.1; do
    cp -L "$WORK/rootfs/usr/lib/x86_64-linux-gnu/$lib" "$WORK/base/lib/x86_64-linux-gnu/"
  done
  cp -L "$WORK/rootfs/usr/lib64/ld-linux-x86-64.so.2" "$WORK/base/lib64/"
  cp -L "$WORK/rootfs/etc/ssl/certs/ca-certificates.crt" "$WORK/base/etc/ssl/certs/"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$WORK/base/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$WORK/base/etc/group"
  chmod 1777 "$WORK/base/tmp"
  chown 65532:65532 "$WORK/base/home/nonroot"
  tar -C "$WORK/base" -c . | docker import \
    -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' - "$BASE" >/dev/null
  rm -rf "$WORK/rootfs" "$WORK/base"
fi

# --- the image
mkdir -p "$WORK/context"
cp "$BIN" "$WORK/context/amazon-chat"
strip "$WORK/context/amazon-chat"
started=$SECONDS
docker build --quiet --network host --target prebuilt --build-arg RUNTIME_BASE="$BASE" \
  -t "$IMAGE" -f "$ROOT/Dockerfile" "$WORK/context" >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
say "built $IMAGE in $((SECONDS - started)) s: $((size / 1000000)) MB (base $(( $(docker image inspect -f '{{.Size}}' "$BASE") / 1000000 )) MB, binary $(( $(stat -c %s "$WORK/context/amazon-chat") / 1000000 )) MB)"
[[ "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" == "65532:65532" ]] || fail "the image does not run as 65532"

# --- run it
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
# As compose.yaml and the Kubernetes manifests run it: read-only, no capabilities, no privilege
# gain, with compose's keys file mounted. The image's own HEALTHCHECK, checked every second instead
# of every 10 s so the test is quick.
KEY=sk-compose-demo
docker run -d --name "$NAME" --network host --health-interval 1s --health-start-period 1s \
  --read-only --cap-drop ALL --security-opt no-new-privileges:true \
  -v "$ROOT/deploy/compose/keys.toml:/etc/amazon-chat/keys.toml:ro" \
  -e AMAZON_CHAT_KEYS_FILE=/etc/amazon-chat/keys.toml \
  -e AMAZON_CHAT_PORT="$port" -e AMAZON_CHAT_HEALTH_URL="$url" \
  "$IMAGE" serve --demo --host 127.0.0.1 --shutdown-grace 10s >/dev/null
health=""
for _ in $(seq 60); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$NAME")
  [[ "$health" == healthy ]] && break
  [[ "$(docker inspect -f '{{.State.Running}}' "$NAME")" == true ]] || break
  sleep 0.5
done
[[ "$health" == healthy ]] || { docker logs "$NAME" 2>&1 | tail -20 >&2; fail "not healthy: $health"; }
say "healthy by its HEALTHCHECK"
# No shell in the image to ask: the host sees the process's uid.
uid=$(ps -o uid= -p "$(docker inspect -f '{{.State.Pid}}' "$NAME")" | tr -d ' ')
[[ "$uid" == 65532 ]] || fail "the server runs as uid $uid, not 65532"

[[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/models")" == 401 ]] || fail "a call without the key was not refused"
answer=$(curl -sf "$url/v1/chat/completions" -H 'content-type: application/json' -H "authorization: Bearer $KEY" \
  -d "{\"model\": \"$MODEL\", \"messages\": [{\"role\": \"user\", \"content\": \"hello from rest\"}]}")
[[ "$answer" == *'You said: hello from rest'* ]] || fail "REST answer: $answer"
say "REST answered from outside the container"

py="$ROOT/clients/python/.venv/bin/python"
if [[ ! -x "$py" ]]; then
  "$ROOT/clients/test.sh" python >/dev/null || fail "could not make the Python client's venv"
fi
grpc_answer=$("$py" -c "
from amazon_chat import Client
with Client('127.0.0.1:$port', api_key='$KEY') as client:
    print(client.chat('$MODEL', 'hello from grpc'))
")
[[ "$grpc_answer" == *'You said: hello from grpc'* ]] || fail "gRPC answer: $grpc_answer"
say "gRPC answered from outside the container"
"$BIN" health --url "$url" >/dev/null || fail "amazon-chat health from the host"

started=$SECONDS
docker stop --time 20 "$NAME" >/dev/null
took=$((SECONDS - started))
code=$(docker inspect -f '{{.State.ExitCode}}' "$NAME")
[[ "$code" == 0 ]] || { docker logs "$NAME" 2>&1 | tail -20 >&2; fail "exit status $code after SIGTERM"; }
(( took < 10 )) || fail "SIGTERM took $took s, over the 10 s grace"
say "stopped cleanly on SIGTERM in $took s (exit 0)"

# --- compose
docker-compose -f "$ROOT/compose.yaml" config -q || fail "compose.yaml does not validate"
# The check can fail: an unknown option is refused.
sed 's/read_only: true/read_onlyy: true/' "$ROOT/compose.yaml" >"$WORK/broken-compose.yaml"
if docker-compose --project-directory "$ROOT" -f "$WORK/broken-compose.yaml" config -q 2>/dev/null; then
  fail "a compose file with an unknown option validated"
fi
say "compose.yaml validates (and a broken copy does not)"
say "ok"
