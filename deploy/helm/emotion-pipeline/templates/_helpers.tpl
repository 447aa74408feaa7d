{{/* The chart name, or nameOverride; 63 characters at most (a DNS label). */}}
{{- define "emotion-pipeline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: fullnameOverride, else "<release>-<chart>" (just the release when it already
holds the chart name). Cut to 52 characters: StatefulSet pods add "-<ordinal>" and a controller-revision-hash
label of up to 11 characters to the StatefulSet's name, and those must fit in 63.
*/}}
{{- define "emotion-pipeline.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "emotion-pipeline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "emotion-pipeline.labels" -}}
helm.sh/chart: {{ include "emotion-pipeline.chart" . }}
{{ include "emotion-pipeline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the worker pods; they never change across upgrades (selectors are immutable). */}}
{{- define "emotion-pipeline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "emotion-pipeline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "emotion-pipeline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "emotion-pipeline.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "emotion-pipeline.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* The Secret that holds the credentials: the chart's own, or secrets.existingSecret. */}}
{{- define "emotion-pipeline.secretName" -}}
{{- default (include "emotion-pipeline.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "emotion-pipeline.usesSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}

{{- define "emotion-pipeline.usesTls" -}}
{{- if has .Values.kafka.securityProtocol (list "SSL" "SASL_SSL") }}true{{ end }}
{{- end }}

{{/* Where the mounted files go inside the container. */}}
{{- define "emotion-pipeline.paths" -}}
state: /var/lib/emotion-pipeline
journeys: /etc/emotion-pipeline/journeys
playbook: /etc/emotion-pipeline/playbook
ca: /etc/emotion-pipeline/kafka-tls/ca
client: /etc/emotion-pipeline/kafka-tls/client
{{- end }}

{{/*
Refuse values that would deploy something that cannot work, with a message that says what to change.
Included by the StatefulSet, so every render runs it.
*/}}
{{- define "emotion-pipeline.validate" -}}
{{- $partitions := int .Values.kafka.partitions }}
{{- $replicas := int .Values.replicaCount }}
{{- if lt $partitions 1 }}
{{- fail (printf "kafka.partitions must be at least 1, got %d" $partitions) }}
{{- end }}
{{- if lt $replicas 1 }}
{{- fail (printf "replicaCount must be at least 1, got %d" $replicas) }}
{{- end }}
{{- if gt $replicas $partitions }}
{{- fail (printf "replicaCount (%d) is larger than kafka.partitions (%d): Kafka gives each partition to one worker of a consumer group, so %d worker(s) would sit idle. Lower replicaCount, or add partitions to all five topics and raise kafka.partitions to match." $replicas $partitions (sub $replicas $partitions)) }}
{{- end }}
{{- $protocols := list "PLAINTEXT" "SSL" "SASL_PLAINTEXT" "SASL_SSL" }}
{{- if not (has .Values.kafka.securityProtocol $protocols) }}
{{- fail (printf "kafka.securityProtocol must be one of %s, got %q" (join ", " $protocols) .Values.kafka.securityProtocol) }}
{{- end }}
{{- if include "emotion-pipeline.usesSasl" . }}
{{- $mechanisms := list "PLAIN" "SCRAM-SHA-256" "SCRAM-SHA-512" }}
{{- if not (has .Values.kafka.sasl.mechanism $mechanisms) }}
{{- fail (printf "kafka.sasl.mechanism must be one of %s with securityProtocol %s, got %q" (join ", " $mechanisms) .Values.kafka.securityProtocol .Values.kafka.sasl.mechanism) }}
{{- end }}
{{- if not .Values.kafka.sasl.username }}
{{- fail (printf "kafka.sasl.username is required with securityProtocol %s" .Values.kafka.securityProtocol) }}
{{- end }}
{{- if and (not .Values.secrets.existingSecret) (not .Values.kafka.sasl.password) }}
{{- fail (printf "securityProtocol %s needs a SASL password: set kafka.sasl.password, or secrets.existingSecret with the key %q" .Values.kafka.securityProtocol .Values.secrets.saslPasswordKey) }}
{{- end }}
{{- end }}
{{- if and (not (include "emotion-pipeline.usesTls" .)) (or .Values.kafka.tls.caSecret .Values.kafka.tls.clientCertSecret) }}
{{- fail (printf "kafka.tls.caSecret and kafka.tls.clientCertSecret need securityProtocol SSL or SASL_SSL, got %s" .Values.kafka.securityProtocol) }}
{{- end }}
{{- range $file, $content := .Values.journeys }}
{{- if not (regexMatch "^[A-Za-z0-9._-]+\\.ya?ml$" $file) }}
{{- fail (printf "journeys: key %q must be a file name ending in .yaml or .yml" $file) }}
{{- end }}
{{- end }}
{{- range $name, $value := .Values.extraConfig }}
{{- if not (kindIs "string" $value) }}
{{- fail (printf "extraConfig.%s must be a string (quote it), got %v" $name $value) }}
{{- end }}
{{- end }}
{{- end }}
