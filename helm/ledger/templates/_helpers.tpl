{{/* Chart name, overridable. */}}
{{- define "ledger.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, with the chart name unless already in it. */}}
{{- define "ledger.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ledger.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels. */}}
{{- define "ledger.labels" -}}
helm.sh/chart: {{ include "ledger.chart" . }}
{{ include "ledger.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: {{ .Values.mode }}
app.kubernetes.io/part-of: ledger
{{- end }}

{{/* Selector labels: stable across upgrades (no version, no mode). */}}
{{- define "ledger.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ledger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ledger.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ledger.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ledger.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
HPA upper bound. In group mode every replica is a consumer of one group, and consumers beyond the
partition count get no partition: cap at topic.partitions.
*/}}
{{- define "ledger.hpaMaxReplicas" -}}
{{- $max := int .Values.autoscaling.maxReplicas }}
{{- if eq .Values.mode "group" }}
{{- $max = min $max (int .Values.topic.partitions) }}
{{- end }}
{{- $max }}
{{- end }}

{{- define "ledger.hpaMinReplicas" -}}
{{- min (int .Values.autoscaling.minReplicas) (int (include "ledger.hpaMaxReplicas" .)) }}
{{- end }}

{{/* Environment variable names the chart sets itself; extraEnv may not repeat them. */}}
{{- define "ledger.managedEnvNames" -}}
LEDGER_MODE KAFKA_BOOTSTRAP_SERVERS LEDGER_TOPIC LEDGER_TOPIC_PARTITIONS LEDGER_COMMAND_TIMEOUT LEDGER_AUTH MP_JWT_VERIFY_ISSUER MP_JWT_VERIFY_PUBLICKEY MP_JWT_VERIFY_PUBLICKEY_LOCATION KAFKA_SECURITY_PROTOCOL KAFKA_SASL_MECHANISM KAFKA_SASL_JAAS_CONFIG KAFKA_SSL_TRUSTSTORE_TYPE KAFKA_SSL_TRUSTSTORE_PASSWORD KAFKA_SSL_TRUSTSTORE_LOCATION QUARKUS_DATASOURCE_REACTIVE_URL QUARKUS_DATASOURCE_USERNAME QUARKUS_DATASOURCE_PASSWORD
{{- end }}

{{/* Non-empty when the token-verifying key is a mounted Secret or ConfigMap key. */}}
{{- define "ledger.jwtKeyMounted" -}}
{{- if and .Values.auth.enabled (or .Values.auth.publicKey.secretName .Values.auth.publicKey.configMapName) }}true{{ end }}
{{- end }}

{{/* MP_JWT_VERIFY_PUBLICKEY_LOCATION: the mounted key, or the URL. */}}
{{- define "ledger.jwtKeyLocation" -}}
{{- if include "ledger.jwtKeyMounted" . }}
{{- printf "/etc/ledger/jwt/%s" .Values.auth.publicKey.key }}
{{- else }}
{{- .Values.auth.publicKey.url }}
{{- end }}
{{- end }}

{{/* Checks the schema cannot express. */}}
{{- define "ledger.validate" -}}
{{- $managed := splitList " " (include "ledger.managedEnvNames" .) }}
{{- range .Values.extraEnv }}
{{- if has .name $managed }}
{{- fail (printf "extraEnv: %s is set by the chart; use the matching value instead" .name) }}
{{- end }}
{{- end }}
{{- if and (eq .Values.mode "replay") .Values.postgresql.existingSecret }}
{{- fail "postgresql.existingSecret is for group mode only: replay mode never opens a database connection" }}
{{- end }}
{{- if .Values.auth.enabled }}
{{- $sources := 0 }}
{{- range (list .Values.auth.publicKey.secretName .Values.auth.publicKey.configMapName .Values.auth.publicKey.url) }}
{{- if . }}{{ $sources = add1 $sources }}{{ end }}
{{- end }}
{{- if ne (int $sources) 1 }}
{{- fail "auth.enabled: give exactly one of auth.publicKey.secretName, auth.publicKey.configMapName, auth.publicKey.url (the key that verifies tokens), or set auth.enabled=false" }}
{{- end }}
{{- if not .Values.auth.issuer }}
{{- fail "auth.enabled: auth.issuer (MP_JWT_VERIFY_ISSUER, the iss claim of the tokens) is required, or set auth.enabled=false" }}
{{- end }}
{{- end }}
{{- if and .Values.topic.strimzi.enabled (not .Values.topic.strimzi.cluster) }}
{{- fail "topic.strimzi.enabled: topic.strimzi.cluster (the Kafka resource's name, label strimzi.io/cluster) is required" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- end }}
