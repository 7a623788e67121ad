package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Creates or updates one secret in place: never deleted and recreated, so no pod ever sees it
 * missing; written only when something changed; guarded by the resource version, so that a
 * concurrent change is re-read rather than overwritten; refused when it belongs to someone else.
 */
public final class PullSecretWriter {

  /** What happened to a secret. */
  public enum Result {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /** The outcome, with the secret's UID (empty on a dry run that would create it). */
  public record Written(Result result, String uid) {}

  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;

  public PullSecretWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Puts the content in place.
   *
   * @param owner what keeps the secret ({@code cli}, or a custom resource), recorded on it
   * @param adopt take over a secret that exists and is not marked as managed
   * @param dryRun decide everything, write nothing
   * @throws SecretConflictException if the secret cannot be written without losing something
   */
  public Written apply(
      String namespace,
      String name,
      SecretContent content,
      String owner,
      boolean adopt,
      boolean dryRun) {
    for (int attempt = 1; ; attempt++) {
      Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
      try {
        return existing == null
            ? create(namespace, name, content, owner, dryRun)
            : update(existing, content, owner, adopt, dryRun);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
        // someone else wrote it in between: read it again and decide again
      }
    }
  }

  private Written create(
      String namespace, String name, SecretContent content, String owner, boolean dryRun) {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(labels(Map.of(), content))
            .withAnnotations(annotations(Map.of(), content, owner))
            .withOwnerReferences(content.owner().map(List::of).orElse(List.of()))
            .endMetadata()
            .withType(content.type())
            .withData(encode(content.data(Optional.empty())))
            .build();
    if (dryRun) {
      return new Written(Result.CREATED, "");
    }
    Secret created = client.secrets().inNamespace(namespace).resource(secret).create();
    return new Written(Result.CREATED, created.getMetadata().getUid());
  }

  private Written update(
      Secret existing, SecretContent content, String owner, boolean adopt, boolean dryRun) {
    String where = existing.getMetadata().getNamespace() + "/" + existing.getMetadata().getName();
    String currentOwner = ManagedMarkers.annotation(existing, ManagedMarkers.OWNER);
    boolean ours = owner.equals(currentOwner);
    boolean managed = ManagedMarkers.isManaged(existing) || currentOwner != null;
    if (!managed && !adopt) {
      throw new SecretConflictException(
          "SecretNotManaged",
          "secret "
              + where
              + " exists and is not managed by ecr-secret-operator; it was left as it is."
              + " Pass --adopt (CLI) or set spec.adopt (custom resource) to take it over; entries"
              + " it holds for other registries are kept. Or choose another secret name");
    }
    if (managed && !ours && currentOwner != null && !adopt) {
      throw new SecretConflictException(
          "SecretOwnedElsewhere",
          "secret "
              + where
              + " is kept by "
              + currentOwner
              + ", not by "
              + owner
              + "; it was left as it is. Choose another secret name, or pass --adopt (CLI) or set"
              + " spec.adopt (custom resource) to take it over");
    }
    if (!Objects.equals(existing.getType(), content.type())) {
      throw new SecretConflictException(
          "SecretTypeMismatch",
          "secret "
              + where
              + " has type "
              + existing.getType()
              + " but needs "
              + content.type()
              + "; a secret's type cannot change in place. Delete it or choose another secret name");
    }
    Map<String, String> data = encode(content.data(Optional.of(existing)));
    Map<String, String> labels = labels(existing.getMetadata().getLabels(), content);
    Map<String, String> annotations =
        annotations(existing.getMetadata().getAnnotations(), content, owner);
    if (!managed) {
      annotations.put(ManagedMarkers.ADOPTED, "true");
    }
    List<OwnerReference> owners = owners(existing, content, managed);
    if (data.equals(nonNull(existing.getData()))
        && owners.equals(nonNull(existing.getMetadata().getOwnerReferences()))
        && labels.equals(nonNull(existing.getMetadata().getLabels()))
        && annotations.equals(nonNull(existing.getMetadata().getAnnotations()))) {
      return new Written(Result.UNCHANGED, existing.getMetadata().getUid());
    }
    if (dryRun) {
      return new Written(Result.UPDATED, existing.getMetadata().getUid());
    }
    Secret desired =
        new SecretBuilder(existing)
            .editMetadata()
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(owners)
            .endMetadata()
            .withData(data)
            .withStringData(null)
            .build();
    // update() sends the resource version read above: a concurrent write makes it fail with 409
    Secret updated =
        client
            .secrets()
            .inNamespace(existing.getMetadata().getNamespace())
            .resource(desired)
            .update();
    return new Written(Result.UPDATED, updated.getMetadata().getUid());
  }

  /** The secret's owner references, with ours added to one we created (never to an adopted one). */
  private static List<OwnerReference> owners(
      Secret existing, SecretContent content, boolean managed) {
    List<OwnerReference> owners =
        new ArrayList<>(nonNull(existing.getMetadata().getOwnerReferences()));
    boolean adopted =
        !managed || "true".equals(ManagedMarkers.annotation(existing, ManagedMarkers.ADOPTED));
    content
        .owner()
        .filter(ref -> !adopted && owners.stream().noneMatch(o -> ref.getUid().equals(o.getUid())))
        .ifPresent(owners::add);
    return owners;
  }

  private static Map<String, String> labels(Map<String, String> current, SecretContent content) {
    var labels = new TreeMap<>(nonNull(current));
    labels.putAll(content.labels());
    labels.put(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY);
    return labels;
  }

  private static TreeMap<String, String> annotations(
      Map<String, String> current, SecretContent content, String owner) {
    var annotations = new TreeMap<>(nonNull(current));
    annotations.putAll(content.annotations());
    annotations.put(ManagedMarkers.OWNER, owner);
    return annotations;
  }

  private static Map<String, String> encode(Map<String, String> plain) {
    var encoded = new HashMap<String, String>();
    plain.forEach(
        (k, v) ->
            encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  /** A data item of a secret, decoded. */
  public static Optional<String> decoded(Secret secret, String key) {
    return Optional.ofNullable(secret.getData())
        .map(d -> d.get(key))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
  }

  private static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
