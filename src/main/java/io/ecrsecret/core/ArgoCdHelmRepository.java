package io.ecrsecret.core;

import java.util.Map;

/**
 * The Argo CD secrets for Helm charts kept in ECR as OCI artifacts: a repository secret (an Opaque
 * secret labelled {@code argocd.argoproj.io/secret-type: repository}, as rh-mobb's
 * ArgoHelmRepoSecret made it, plus {@code enableOCI}, which its last version added), or a
 * credential template ({@code repo-creds}), which Argo CD uses for every repository whose URL
 * starts with its URL.
 */
public final class ArgoCdHelmRepository {

  public static final String SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";
  public static final String SECRET_TYPE_VALUE = "repository";
  public static final String CREDENTIAL_TEMPLATE_VALUE = "repo-creds";

  /** Every data key either rendering writes. */
  public static final java.util.Set<String> KEYS =
      java.util.Set.of("type", "enableOCI", "name", "url", "username", "password");

  private ArgoCdHelmRepository() {}

  /**
   * The secret's data.
   *
   * @param name the repository name Argo CD shows (rh-mobb's operator used the secret's name)
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

  /**
   * A credential template's data: Argo CD matches it to every repository whose URL starts with
   * {@code urlPrefix}.
   */
  public static Map<String, String> renderCredentialTemplate(
      String urlPrefix, RegistryCredentials credentials) {
    return Map.of(
        "type",
        "helm",
        "enableOCI",
        "true",
        "url",
        urlPrefix,
        "username",
        credentials.username(),
        "password",
        credentials.password());
  }
}
