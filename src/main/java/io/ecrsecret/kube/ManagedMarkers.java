package io.ecrsecret.kube;

import io.ecrsecret.core.SecretFreshness;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The labels and annotations that mark what this program manages. */
public final class ManagedMarkers {

  private ManagedMarkers() {}

  public static final String PREFIX = "ecr-secret-operator.io/";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "ecr-secret-operator";

  /**
   * The kind of what keeps the secret ({@code EcrPullSecret}, {@code ClusterEcrPullSecret}, ...,
   * {@code cli}): each controller's informer holds only its own kind's secrets.
   */
  public static final String OWNER_KIND_LABEL = PREFIX + "owner-kind";

  /** The owner-kind label's value for an owner ({@code Kind/namespace/name} or {@code cli}). */
  public static String ownerKind(String owner) {
    int slash = owner.indexOf('/');
    return slash < 0 ? owner : owner.substring(0, slash);
  }

  /** Comma-separated registry hosts this program wrote into the secret. */
  public static final String REGISTRIES = PREFIX + "registries";

  /** When the token in the secret expires (ISO-8601). */
  public static final String EXPIRES_AT = PREFIX + "expires-at";

  /** What keeps the secret: {@code cli}, or {@code Kind/namespace/name} of a custom resource. */
  public static final String OWNER = PREFIX + "owner";

  /** Set on a secret that existed before and was taken over: on clean-up, only our part goes. */
  public static final String ADOPTED = PREFIX + "adopted";

  /**
   * A digest of what this program would write into an empty secret (its registries, tokens and
   * format): when it still equals what the next refresh would write, the secret is current.
   */
  public static final String CONTENT_DIGEST = PREFIX + "content-digest";

  /**
   * A digest of the data as this program last wrote it: when the secret's data no longer has this
   * digest, someone changed it, and it is written again.
   */
  public static final String DATA_DIGEST = PREFIX + "data-digest";

  public static boolean isManaged(HasMetadata resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return labels != null && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL));
  }

  public static String annotation(HasMetadata resource, String key) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** The labels we set on a secret: its format's, the managed-by label and the owner's kind. */
  public static TreeMap<String, String> ownLabels(Map<String, String> formatLabels, String owner) {
    var labels = new TreeMap<String, String>(formatLabels);
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    labels.put(OWNER_KIND_LABEL, ownerKind(owner));
    return labels;
  }

  /**
   * A secret as {@link SecretFreshness} sees it, from its markers: whether it is {@code owner}'s,
   * whether its data is what we wrote (the data digest we recorded against the one the informer
   * computed: a secret read without that digest counts as touched), what it was written for, and
   * when its token expires.
   */
  public static SecretFreshness.Seen seen(Secret secret, String owner) {
    String observed = annotation(secret, TrimmedObjects.OBSERVED_DIGEST);
    String registries = annotation(secret, REGISTRIES);
    Map<String, String> labels = secret.getMetadata().getLabels();
    return new SecretFreshness.Seen(
        isManaged(secret) && owner.equals(annotation(secret, OWNER)),
        observed != null && observed.equals(annotation(secret, DATA_DIGEST)),
        secret.getType(),
        registries == null || registries.isBlank()
            ? Set.of()
            : Arrays.stream(registries.split(",")).collect(Collectors.toSet()),
        labels == null ? Map.of() : labels,
        expiresAt(secret));
  }

  private static Optional<Instant> expiresAt(Secret secret) {
    String text = annotation(secret, EXPIRES_AT);
    try {
      return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
