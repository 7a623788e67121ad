package io.ecrsecret.refresh;

import io.ecrsecret.core.ArgoCdHelmRepository;
import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretConflictException;
import io.ecrsecret.kube.SecretData;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The secret for a set of registry credentials, in the chosen format. */
public final class PullSecretContent implements io.ecrsecret.kube.SecretContent {

  private final OutputFormat format;
  private final Map<String, RegistryCredentials> byHost;
  private final String secretName;
  private final String argoUrl;
  private final Optional<Instant> expiresAt;
  private final Optional<OwnerReference> owner;

  public PullSecretContent(
      OutputFormat format,
      Map<String, RegistryCredentials> byHost,
      String secretName,
      String argoUrl,
      Optional<Instant> expiresAt,
      Optional<OwnerReference> owner) {
    this.format = format;
    this.byHost = new TreeMap<>(byHost);
    this.secretName = secretName;
    this.argoUrl = argoUrl;
    this.expiresAt = expiresAt;
    this.owner = owner;
  }

  @Override
  public Optional<OwnerReference> owner() {
    return owner;
  }

  @Override
  public boolean mergesIntoOthers() {
    return format == OutputFormat.DOCKERCONFIGJSON;
  }

  @Override
  public String type() {
    return format.secretType();
  }

  @Override
  public Map<String, String> labels() {
    return format.labels();
  }

  @Override
  public Map<String, String> annotations() {
    var annotations = new TreeMap<String, String>();
    annotations.put(ManagedMarkers.REGISTRIES, String.join(",", byHost.keySet()));
    expiresAt.ifPresent(e -> annotations.put(ManagedMarkers.EXPIRES_AT, e.toString()));
    return annotations;
  }

  @Override
  public Map<String, String> data(Optional<Secret> existing) {
    if (format == OutputFormat.ARGOCD_HELM) {
      return ArgoCdHelmRepository.render(secretName, argoUrl, byHost.values().iterator().next());
    }
    if (format == OutputFormat.ARGOCD_HELM_CREDS) {
      return ArgoCdHelmRepository.renderCredentialTemplate(
          argoUrl, byHost.values().iterator().next());
    }
    Optional<String> current = existing.flatMap(s -> SecretData.decoded(s, DockerConfigJson.KEY));
    List<String> previouslyOurs =
        existing
            .map(s -> ManagedMarkers.annotation(s, ManagedMarkers.REGISTRIES))
            .filter(v -> !v.isBlank())
            .map(v -> Arrays.asList(v.split(",")))
            .orElse(List.of());
    try {
      return Map.of(DockerConfigJson.KEY, DockerConfigJson.merge(current, byHost, previouslyOurs));
    } catch (DockerConfigJson.InvalidDockerConfigException e) {
      throw new SecretConflictException(StatusReason.SECRET_CONTENT_UNREADABLE, e.getMessage());
    }
  }
}
