{{/* The name of every object: the release's name, with "-ecr-secret-operator" unless it already says so. */}}
{{- define "ecr-secret-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains "ecr-secret-operator" .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-ecr-secret-operator" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The operator image: by digest where one is set (a released chart sets the image it was
published with), else repository:tag. A chart built from the source has no image to default to. */}}
{{- define "ecr-secret-operator.image" -}}
{{- $repository := required "set image.repository to the operator image you pushed, or install a released chart, whose default is the released image (docs/install.md)" .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end }}

{{- define "ecr-secret-operator.labels" -}}
app.kubernetes.io/name: ecr-secret-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "ecr-secret-operator.selector" -}}
app.kubernetes.io/name: ecr-secret-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ecr-secret-operator.serviceAccount" -}}
{{- .Values.serviceAccount.name | default "ecr-secret-operator" }}
{{- end }}

{{/* The rules for the namespaced kinds, in one namespace or all. */}}
{{- define "ecr-secret-operator.namespacedRules" -}}
- apiGroups: [ecr-secret-operator.io]
  resources: [ecrpullsecrets]
  verbs: [get, list, watch, patch]
- apiGroups: [ecr-secret-operator.io]
  resources: [ecrpullsecrets/status]
  verbs: [patch]
- apiGroups: [ecr.mobb.redhat.com]
  resources: [secrets, argohelmreposecrets]
  verbs: [get, list, watch, patch]
- apiGroups: [ecr.mobb.redhat.com]
  resources: [secrets/status, argohelmreposecrets/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [get, list, watch, update, patch]
- apiGroups: [""]
  resources: [serviceaccounts/token]
  verbs: [create]
- apiGroups: [""]
  resources: [pods]
  verbs: [list, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end }}

{{/*
Non-empty where the cluster serves ValidatingAdmissionPolicy v1 (Kubernetes 1.30 or newer). Against a
cluster, Helm knows each served kind ("v1/Namespace" among them): the kind decides. Without one
(helm template), Helm knows group versions only: the Kubernetes version decides (--kube-version).
*/}}
{{- define "ecr-secret-operator.admissionPolicyServed" -}}
{{- $kinds := .Capabilities.APIVersions.Has "v1/Namespace" -}}
{{- if .Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy" -}}
true
{{- else if and (not $kinds) (semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version) -}}
true
{{- end -}}
{{- end }}
