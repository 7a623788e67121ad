variable "kubeconfig" {
  description = "Path of the kubeconfig whose current context is the cluster."
  type        = string
  default     = "~/.kube/config"
}

variable "operator_image" {
  description = "The operator image you pushed, without the tag (docs/install.md), e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-secret-operator."
  type        = string
}

variable "operator_image_tag" {
  description = "Its tag; empty: the chart's appVersion."
  type        = string
  default     = ""
}

variable "operator_role_arn" {
  description = "The IAM role of the operator's service account (IRSA, docs/eks.md); empty for none."
  type        = string
  default     = ""
}

variable "ecr_secret_enabled" {
  description = "Declare the pull secret (false: install only the operator)."
  type        = bool
  default     = true
}

variable "ecr_secret_namespace" {
  description = "Namespace of the pull secret; created if it does not exist."
  type        = string
  default     = "runtime"
}

variable "ecr_secret_name" {
  description = "Name of the pull secret."
  type        = string
  default     = "ecr-registry-secret"
}

variable "ecr_registries" {
  description = "ECR registries, e.g. [\"123456789012.dkr.ecr.us-east-1.amazonaws.com\"]."
  type        = list(string)
}
