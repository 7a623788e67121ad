package io.ecrsecret.core;

import java.util.Map;

/**
 * The Argo CD repository secret for Helm charts kept in ECR as OCI artifacts: an Opaque secret
 * labelled {@code argocd.argoproj.io/secret-type: repository}, as seed 003's ArgoHelmRepoSecret
 * made it (plus {@code enableOCI}, which its last version added).
 */
public final class ArgoCdHelmRepository {

  public static final String SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";
  public static final String SECRET_TYPE_VALUE = "repository";

  private ArgoCdHelmRepository() {}

  /**
   * The secret's data.
   *
   * @param name the repository name Argo CD shows (seed 003 used the generated secret's name)
   * @param url the repository URL as the user wrote it (a registry host, optionally with a path)
   */
  public static Map<String, String> render(
      String name, String url, RegistryCredentials credentials) {
    return Map.of(
        "type",
        "helm",
        "enableOCI",
        "true",
        "name",
        name,
        "url",
        url,
        "username",
        credentials.username(),
        "password",
        credentials.password());
  }
}
