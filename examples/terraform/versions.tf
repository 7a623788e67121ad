terraform {
  required_version = ">= 1.5"
  required_providers {
    helm = {
      source  = "hashicorp/helm"
      version = ">= 3.0, < 4.0"
    }
  }
}

# The cluster: the kubeconfig's current context (point it at EKS with `aws eks update-kubeconfig`).
provider "helm" {
  kubernetes = {
    config_path = var.kubeconfig
  }
}
