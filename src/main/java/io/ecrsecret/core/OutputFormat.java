package io.ecrsecret.core;

import java.util.Locale;

/** What kind of secret to write. */
public enum OutputFormat {
  /** A {@code kubernetes.io/dockerconfigjson} image-pull secret (the default). */
  DOCKERCONFIGJSON("dockerconfigjson"),
  /** An Argo CD repository secret for Helm charts in ECR as OCI artifacts. */
  ARGOCD_HELM("argocd-helm"),
  /**
   * An Argo CD credential template ({@code repo-creds}): one secret for every Helm chart whose
   * repository URL starts with its URL prefix.
   */
  ARGOCD_HELM_CREDS("argocd-helm-creds");

  private final String label;

  OutputFormat(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The type of the secret in this format. */
  public String secretType() {
    return this == DOCKERCONFIGJSON ? "kubernetes.io/dockerconfigjson" : "Opaque";
  }

  /** The labels a secret in this format carries for its reader (Argo CD finds its own by them). */
  public java.util.Map<String, String> labels() {
    return switch (this) {
      case ARGOCD_HELM ->
          java.util.Map.of(
              ArgoCdHelmRepository.SECRET_TYPE_LABEL, ArgoCdHelmRepository.SECRET_TYPE_VALUE);
      case ARGOCD_HELM_CREDS ->
          java.util.Map.of(
              ArgoCdHelmRepository.SECRET_TYPE_LABEL,
              ArgoCdHelmRepository.CREDENTIAL_TEMPLATE_VALUE);
      case DOCKERCONFIGJSON -> java.util.Map.of();
    };
  }

  /** Whether the secret is for Argo CD (one repository or URL prefix). */
  public boolean isArgoCd() {
    return this != DOCKERCONFIGJSON;
  }

  public static OutputFormat parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    for (OutputFormat f : values()) {
      if (f.label.equals(value)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown output format '"
            + text
            + "'; expected dockerconfigjson, argocd-helm or argocd-helm-creds");
  }

  @Override
  public String toString() {
    return label;
  }
}
