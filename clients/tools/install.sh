#!/usr/bin/env bash
# Installs the pinned code generators that clients/generate.sh and clients/check.sh run, into
# clients/tools (node_modules/, .venv/, bin/). Idempotent and quick when nothing changed: each part
# is redone only when its pin file changed (a stamp records the pin file's hash).
#
#   buf 1.75.0, protoc-gen-es 2.17.0    npm, package.json + package-lock.json (npm ci)
#   grpcio-tools 1.85.1, mypy-protobuf 5.1.0   PyPI, requirements.txt (venv in .venv)
#   protoc-gen-go 1.36.12, protoc-gen-go-grpc 1.6.2   Go modules, go.mod + go.sum (built into bin/)
#   protoc 35.1 (com.google.protobuf:protoc:4.35.1)   Maven Central (bin/protoc)
#   grpc-java's protoc plugin 1.41.3   Debian bookworm's protobuf-compiler-grpc-java-plugin
#
# Why Debian's grpc-java plugin: Maven Central does not serve io.grpc:protoc-gen-grpc-java's
# linux-x86_64 executable to this project's machines (1.85.0 and 1.84.0 were refused), and Debian's
# package is grpc-java's own generator. Its stubs (1.41 style) run on the grpc-java 1.85 runtime; they
# carry @javax.annotation.Generated, so the Java client declares javax.annotation-api (provided).
set -euo pipefail

TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$TOOLS"
mkdir -p bin

PROTOC_VERSION=4.35.1
GRPC_JAVA_PLUGIN_DEB=1.41.3+ds-1
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

stamp_ok() { # stamp_ok NAME FILES...: true when FILES hash to what the stamp NAME recorded
  local name="$1"; shift
  [[ -f "bin/.stamp-$name" ]] && [[ "$(cat "$@" | sha256sum)" == "$(cat "bin/.stamp-$name")" ]]
}
stamp_write() { local name="$1"; shift; cat "$@" | sha256sum > "bin/.stamp-$name"; }
nice_run() { nice -n 15 "$@"; }

# buf and protoc-gen-es (npm).
if ! stamp_ok npm package-lock.json || [[ ! -x node_modules/.bin/buf ]]; then
  echo "tools: npm ci (buf, protoc-gen-es)"
  nice_run npm ci --no-audit --no-fund --loglevel=error
  stamp_write npm package-lock.json
fi

# grpcio-tools and mypy-protobuf (PyPI).
if ! stamp_ok venv requirements.txt || [[ ! -x .venv/bin/protoc-gen-mypy ]]; then
  echo "tools: python venv (grpcio-tools, mypy-protobuf)"
  rm -rf .venv
  python3 -m venv .venv
  nice_run .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  stamp_write venv requirements.txt
fi

# protoc-gen-go and protoc-gen-go-grpc (Go modules).
if ! stamp_ok go go.mod go.sum || [[ ! -x bin/protoc-gen-go || ! -x bin/protoc-gen-go-grpc ]]; then
  echo "tools: go build protoc-gen-go, protoc-gen-go-grpc"
  nice_run go build -trimpath -o bin/ google.golang.org/protobuf/cmd/protoc-gen-go \
    google.golang.org/grpc/cmd/protoc-gen-go-grpc
  stamp_write go go.mod go.sum
fi

# protoc (Maven Central), for the java and python built-ins.
if [[ ! -x bin/protoc ]] || [[ "$(bin/protoc --version)" != "libprotoc ${PROTOC_VERSION#4.}" ]]; then
  echo "tools: protoc $PROTOC_VERSION (Maven Central)"
  tmp="$(mktemp -d)"
  if ! log="$(nice_run mvn -B -ntp -Dstyle.color=never "$MAVEN_DEPENDENCY_PLUGIN:copy" \
    "-Dartifact=com.google.protobuf:protoc:$PROTOC_VERSION:exe:linux-x86_64" \
    "-DoutputDirectory=$tmp" -Dmdep.stripVersion=true 2>&1)"; then
    echo "$log" >&2
    exit 1
  fi
  install -m 0755 "$tmp/protoc-linux-x86_64.exe" bin/protoc
  rm -rf "$tmp"
fi

# grpc-java's protoc plugin (Debian).
deb_version() { dpkg-query -W -f='${Version}' protobuf-compiler-grpc-java-plugin 2>/dev/null || true; }
if [[ "$(deb_version)" != "$GRPC_JAVA_PLUGIN_DEB" ]]; then
  echo "tools: apt-get install protobuf-compiler-grpc-java-plugin=$GRPC_JAVA_PLUGIN_DEB"
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  nice_run $SUDO apt-get install -y -qq "protobuf-compiler-grpc-java-plugin=$GRPC_JAVA_PLUGIN_DEB" >/dev/null
fi
ln -sfn "$(command -v grpc_java_plugin)" bin/protoc-gen-grpc-java
