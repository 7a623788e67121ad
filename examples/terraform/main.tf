# The operator by Helm, then one pull secret it keeps valid: no local-exec provisioner, no CronJob.
#
# The pull secret is a Helm release of the small chart beside this file, not a kubernetes_manifest:
# kubernetes_manifest reads the EcrPullSecret CRD while planning, so on a fresh cluster (no CRD yet)
# the first `terraform apply` would fail. A Helm release is planned without it and installed after
# the operator's release, which brings the CRDs.

resource "helm_release" "ecr_secret_operator" {
  name             = "ecr-secret-operator"
  chart            = "${path.module}/../../charts/ecr-secret-operator"
  namespace        = "ecr-secret-operator"
  create_namespace = true
  wait             = true

  set = concat(
    [
      { name = "image.repository", value = var.operator_image },
      { name = "image.tag", value = var.operator_image_tag },
    ],
    var.operator_role_arn == "" ? [] : [
      { name = "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn", value = var.operator_role_arn },
    ],
  )
}

resource "helm_release" "pull_secret" {
  count            = var.ecr_secret_enabled ? 1 : 0
  depends_on       = [helm_release.ecr_secret_operator]
  name             = "ecr-pull-secret"
  chart            = "${path.module}/pull-secret"
  namespace        = var.ecr_secret_namespace
  create_namespace = true

  values = [yamlencode({
    secretName = var.ecr_secret_name
    registries = var.ecr_registries
  })]
}
