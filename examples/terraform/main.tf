# Seed 002 without the local-exec provisioner and the CronJob: the operator by Helm, one resource.
variable "ecr_secret_namespace" { default = "runtime" }
variable "ecr_secret_name" { default = "ecr-registry-secret" }
variable "ecr_registry" { type = string }          # e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com
variable "operator_role_arn" { type = string }     # the IRSA role (see docs/eks.md)

resource "kubernetes_namespace" "app" {
  metadata { name = var.ecr_secret_namespace }
}

resource "helm_release" "ecr_secret_operator" {
  name             = "ecr-secret-operator"
  chart            = "${path.module}/../../charts/ecr-secret-operator"
  namespace        = "ecr-secret-operator"
  create_namespace = true
  set {
    name  = "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn"
    value = var.operator_role_arn
  }
}

resource "kubernetes_manifest" "pull_secret" {
  depends_on = [helm_release.ecr_secret_operator]
  manifest = {
    apiVersion = "ecr-secret-operator.io/v1alpha1"
    kind       = "EcrPullSecret"
    metadata   = { name = "ecr", namespace = kubernetes_namespace.app.metadata[0].name }
    spec       = { registries = [var.ecr_registry], secretName = var.ecr_secret_name }
  }
}
