#!/usr/bin/env bash
# Validates the Kubernetes manifests and the Helm chart offline (make test-kubernetes; CI runs it
# through make test):
#
#   tests/kubernetes/run.sh
#
# - Every manifest in deploy/kubernetes/ against the Kubernetes 1.37 JSON schemas, strictly (an
#   unknown field fails; a kind without a schema fails, never skipped), with kubeconform built from
#   the Go module proxy and the schemas the PyPI package kubernetes-validate ships. Their `$ref`s
#   point at kubernetes.io, so they are rewritten to the local `_definitions.json`.
# - A deliberately broken copy of the Deployment (an unknown field, a wrong type) must fail, so the
#   check is known to bite.
# - The Helm chart (deploy/helm/amazon-chat): `helm lint --strict`, then `helm template` with its
#   default values and with the other switches (an existing keys Secret, no autoscaling, no PDB, no
#   models file, another credential method) validated the same way; the default rendering must hold
#   the same kinds as deploy/kubernetes/. helm is built from the Go module proxy (about 3 minutes the
#   first time, cached).
# - The models file and keys file the ConfigMap and Secret carry must be accepted by the server: it
#   starts (--demo) with both, and the Secret's demo key is let in while a wrong one is refused.
#
# Tools and schemas are cached in $CACHE (default /var/tmp/amazon-chat-kubernetes).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${AMAZON_CHAT_KUBERNETES_CACHE:-/var/tmp/amazon-chat-kubernetes}"
BIN="${AMAZON_CHAT_BIN:-$ROOT/target/debug/amazon-chat}"
KUBE_VERSION=1.37.0
KUBECONFORM_VERSION=v0.8.0
KUBERNETES_VALIDATE_VERSION=1.37.0
HELM_VERSION=v3.22.0
say() { echo "tests/kubernetes: $*"; }
fail() { echo "tests/kubernetes: FAILED: $*" >&2; exit 1; }

[[ -x "$BIN" ]] || fail "no binary at $BIN (cargo build, or set AMAZON_CHAT_BIN)"
mkdir -p "$CACHE/bin"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- tools and schemas (cached)
if [[ ! -x "$CACHE/bin/kubeconform" ]]; then
  say "building kubeconform $KUBECONFORM_VERSION from the Go module proxy"
  GOBIN="$CACHE/bin" go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
fi
if [[ ! -x "$CACHE/bin/helm" ]]; then
  say "building helm $HELM_VERSION from the Go module proxy (about 3 minutes, once)"
  GOBIN="$CACHE/bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
SCHEMAS="$CACHE/schemas-$KUBE_VERSION"
if [[ ! -s "$SCHEMAS/_definitions.json" ]]; then
  say "fetching the Kubernetes $KUBE_VERSION schemas (PyPI kubernetes-validate $KUBERNETES_VALIDATE_VERSION)"
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  shipped=$(ls -d "$WORK"/venv/lib/python3*/site-packages/kubernetes_validate/kubernetes-json-schema/"v$KUBE_VERSION-local-strict")
  rm -rf "$SCHEMAS.tmp" && cp -r "$shipped" "$SCHEMAS.tmp"
  # `/api/_definitions.json` would resolve against kubernetes.io: point it at the copy.
  find "$SCHEMAS.tmp" -name '*.json' -exec sed -i "s#\"/api/_definitions.json#\"file://$SCHEMAS/_definitions.json#g" {} +
  mv "$SCHEMAS.tmp" "$SCHEMAS"
fi
validate() {
  "$CACHE/bin/kubeconform" -strict -summary -kubernetes-version "$KUBE_VERSION" \
    -schema-location "$SCHEMAS/{{.ResourceKind}}{{.KindSuffix}}.json" "$@"
}

# --- the manifests
manifests=("$ROOT"/deploy/kubernetes/*.yaml)
validate "${manifests[@]}" || fail "a manifest does not match the Kubernetes $KUBE_VERSION schemas"
kinds=$(sed -n 's/^kind: *//p' "${manifests[@]}" | sort | paste -sd, -)
say "valid: ${#manifests[@]} manifests ($kinds)"

# --- the check bites: an unknown field, and a wrong type, each fail
sed 's/^  replicas: 3$/  replicas: 3\n  replica: 3/' "$ROOT/deploy/kubernetes/deployment.yaml" >"$WORK/unknown-field.yaml"
sed 's/^  replicas: 3$/  replicas: "three"/' "$ROOT/deploy/kubernetes/deployment.yaml" >"$WORK/wrong-type.yaml"
for broken in unknown-field wrong-type; do
  cmp -s "$WORK/$broken.yaml" "$ROOT/deploy/kubernetes/deployment.yaml" && fail "the $broken edit changed nothing"
  if validate "$WORK/$broken.yaml" >"$WORK/$broken.log" 2>&1; then
    fail "a Deployment with a $broken validated"
  fi
  # Refused by the schema, not for want of one.
  grep -q "is invalid" "$WORK/$broken.log" || { cat "$WORK/$broken.log" >&2; fail "the $broken Deployment failed for another reason"; }
done
say "a broken Deployment fails (unknown field, wrong type)"

# --- the Helm chart
CHART="$ROOT/deploy/helm/amazon-chat"
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
"$CACHE/bin/helm" lint --strict "$CHART" >"$WORK/lint.log" 2>&1 || { cat "$WORK/lint.log" >&2; fail "helm lint"; }
render() { "$CACHE/bin/helm" template amazon-chat "$CHART" --kube-version "$KUBE_VERSION" "$@"; }
render >"$WORK/chart-default.yaml" || fail "helm template with the default values"
render --set keys.existingSecret=team-keys --set autoscaling.enabled=false --set podDisruptionBudget.enabled=false \
  --set models.file= --set aws.credentials=platform --set otlp.endpoint= --set redis.existingSecret= \
  >"$WORK/chart-switches.yaml" || fail "helm template with the switches"
render --set tls.secretName=amazon-chat-tls >"$WORK/chart-tls.yaml" || fail "helm template with TLS"
render --set tls.secretName=amazon-chat-tls --set tls.clientCaSecret=internal-ca >"$WORK/chart-mtls.yaml" \
  || fail "helm template with mTLS"
validate "$WORK/chart-default.yaml" "$WORK/chart-switches.yaml" "$WORK/chart-tls.yaml" "$WORK/chart-mtls.yaml" \
  || fail "the chart renders objects the schemas refuse"
grep -q 'scheme: HTTPS' "$WORK/chart-tls.yaml" || fail "with TLS the probes are not HTTPS GETs"
grep -q 'AMAZON_CHAT_TLS_CERT' "$WORK/chart-tls.yaml" || fail "with TLS the server is not given its certificate"
grep -q 'grpc:' "$WORK/chart-tls.yaml" && fail "with TLS a gRPC probe remains (the kubelet's do not speak TLS)"
grep -q 'AMAZON_CHAT_TLS_CLIENT_CA' "$WORK/chart-mtls.yaml" || fail "with mTLS the server is not given the client CA"
grep -q 'tcpSocket:' "$WORK/chart-mtls.yaml" || fail "with mTLS the probes are not TCP checks"
chart_kinds=$(sed -n 's/^kind: *//p' "$WORK/chart-default.yaml" | sort | paste -sd, -)
[[ "$chart_kinds" == "$kinds" ]] || fail "the chart renders $chart_kinds, the manifests hold $kinds"
grep -q 'kind: HorizontalPodAutoscaler' "$WORK/chart-switches.yaml" && fail "autoscaling.enabled=false still renders an HPA"
grep -q 'replicas: 3' "$WORK/chart-switches.yaml" || fail "without autoscaling the Deployment sets its replicas"
grep -q 'secretName: team-keys' "$WORK/chart-switches.yaml" || fail "keys.existingSecret is not mounted"
say "the chart lints, and renders valid objects ($chart_kinds) with its defaults, its switches, TLS and mTLS"

# --- the files the ConfigMap and Secret carry work in the server
python3 - "$ROOT/deploy/kubernetes" "$WORK" <<'PY'
import re, sys, pathlib
source, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for manifest, name in (("configmap.yaml", "models.toml"), ("secret.yaml", "keys.toml")):
    text = (source / manifest).read_text()
    block = re.search(r"^  " + re.escape(name) + r": \|\n((?:    .*\n|\n)+)", text, re.M)
    if not block:
        sys.exit(f"{manifest} has no {name} block")
    (out / name).write_text("".join(line[4:] + "\n" for line in block.group(1).splitlines()))
PY
mkdir -p "$WORK/home"
env -i PATH="$PATH" HOME="$WORK/home" AWS_EC2_METADATA_DISABLED=true \
  "$BIN" serve --demo --port 0 --models-file "$WORK/models.toml" --keys-file "$WORK/keys.toml" \
  >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^amazon-chat listening on \(http[^ ]*\).*/\1/p' "$WORK/server.out")
  [[ -n "$url" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "the server refused the ConfigMap's or Secret's file"; }
  sleep 0.1
done
[[ -n "$url" ]] || fail "the server did not start"
ask() {
  curl -s -o /dev/null -w '%{http_code}' "$url/v1/chat/completions" -H "authorization: Bearer $1" \
    -H 'content-type: application/json' -d '{"model": "fast", "messages": [{"role": "user", "content": "hi"}]}'
}
[[ "$(ask sk-compose-demo)" == 200 ]] || fail "the Secret's key, or the ConfigMap's alias \"fast\", does not work"
[[ "$(ask sk-wrong)" == 401 ]] || fail "a wrong key was let in"
say "the server takes the ConfigMap's models file and the Secret's keys file"
say "ok"
