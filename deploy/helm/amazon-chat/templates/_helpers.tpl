{{/* The name of every object: the release's, or "amazon-chat" when the release is named so. */}}
{{- define "amazon-chat.fullname" -}}
{{- if eq .Release.Name .Chart.Name -}}
{{- .Chart.Name -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "amazon-chat.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "amazon-chat.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "amazon-chat.keysSecret" -}}
{{- default (printf "%s-keys" (include "amazon-chat.fullname" .)) .Values.keys.existingSecret -}}
{{- end -}}

{{/* A probe: gRPC health in plaintext, an HTTPS GET of the path with TLS (the kubelet's gRPC probes
do not speak TLS), a TCP check with mTLS (the kubelet has no client certificate). */}}
{{- define "amazon-chat.probe" -}}
{{- $root := index . 0 -}}
{{- $path := index . 1 -}}
{{- if not $root.Values.tls.secretName -}}
grpc:
  port: {{ $root.Values.service.grpcPort }}
{{- else if $root.Values.tls.clientCaSecret -}}
tcpSocket:
  port: {{ $root.Values.service.grpcPort }}
{{- else -}}
httpGet:
  path: {{ $path }}
  port: {{ $root.Values.service.grpcPort }}
  scheme: HTTPS
{{- end -}}
{{- end -}}
