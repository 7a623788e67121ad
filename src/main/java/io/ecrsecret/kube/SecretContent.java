package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Optional;

/** What a managed secret should hold; {@link PullSecretWriter} puts it in place. */
public interface SecretContent {

  /** The secret type, e.g. {@code kubernetes.io/dockerconfigjson}. */
  String type();

  /** Labels to set besides the managed-by label (others on the secret are kept). */
  Map<String, String> labels();

  /** Annotations to set (others on the secret are kept). */
  Map<String, String> annotations();

  /**
   * The data, as plain strings, given what the secret holds now (so content can be merged into it).
   *
   * @throws SecretConflictException if the existing content cannot be merged into
   */
  Map<String, String> data(Optional<Secret> existing);

  /**
   * Whether this content merges into a secret that holds others' data (a docker config keeps
   * others' registries); one that does not (an Argo CD repository secret) may not be adopted over
   * data it would overwrite.
   */
  default boolean mergesIntoOthers() {
    return true;
  }

  /**
   * The resource that owns the secret, when it lives in the same namespace: set on a secret this
   * program creates (never on an adopted one), so the garbage collector removes it with its owner.
   */
  default Optional<OwnerReference> owner() {
    return Optional.empty();
  }
}
