package io.ecrsecret.kube;

import io.ecrsecret.core.ArgoCdHelmRepository;
import io.ecrsecret.core.DockerConfigJson;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What letting go of a secret of ours leaves behind, decided from the secret alone (no cluster):
 * only our part ever leaves. A secret that holds what others put there (other registries' entries,
 * other data keys) or that was adopted is never deleted; it loses our entries, labels and markers,
 * and an adopted one gets back what it held before. Links are removed only where we added them.
 */
final class SecretRelease {

  private SecretRelease() {}

  /**
   * Whether deleting the secret would lose something that is not ours: data keys we never write, or
   * docker config entries for registries we did not write. Works on a full secret and on the
   * trimmed copy a cache holds ({@link TrimmedObjects}).
   */
  static boolean holdsOthersData(Secret secret) {
    Set<String> keys = new TreeSet<>(nonNull(secret.getData()).keySet());
    keys.remove(AdoptionRecord.KEY);
    if (!keys.contains(DockerConfigJson.KEY)) {
      return !ArgoCdHelmRepository.KEYS.containsAll(keys);
    }
    keys.remove(DockerConfigJson.KEY);
    if (!keys.isEmpty()) {
      return true;
    }
    Optional<Set<String>> hosts = hosts(secret);
    return hosts.isEmpty() || !ourRegistries(secret).containsAll(hosts.get());
  }

  /** The data once our part is gone: as before the adoption, or without our entries and keys. */
  static Map<String, String> releasedData(Secret secret) {
    Map<String, String> data = nonNull(secret.getData());
    Optional<AdoptionRecord> record = AdoptionRecord.in(data);
    if (record.isPresent()) {
      return record.get().restoreData(data);
    }
    var released = new HashMap<>(data);
    released.remove(AdoptionRecord.KEY);
    Optional<String> json = SecretData.decoded(secret, DockerConfigJson.KEY);
    if (json.isPresent()) {
      String rest = DockerConfigJson.merge(json, Map.of(), ourRegistries(secret));
      released.put(
          DockerConfigJson.KEY,
          Base64.getEncoder().encodeToString(rest.getBytes(StandardCharsets.UTF_8)));
    } else {
      released.keySet().removeAll(ArgoCdHelmRepository.KEYS);
    }
    return released;
  }

  /**
   * The labels once our part is gone: as before the adoption, or without the labels we set (the
   * Argo CD type too, where our Argo CD keys left).
   */
  static Map<String, String> releasedLabels(Secret secret) {
    Optional<AdoptionRecord> record = AdoptionRecord.in(secret.getData());
    if (record.isPresent()) {
      return record.get().restoreLabels(nonNull(secret.getMetadata().getLabels()));
    }
    var labels = withoutOurLabels(secret);
    if (SecretData.decoded(secret, DockerConfigJson.KEY).isEmpty()) {
      labels.remove(ArgoCdHelmRepository.SECRET_TYPE_LABEL);
    }
    return labels;
  }

  /**
   * The labels of a secret that stays with its data, no longer managed (a Retain policy): without
   * ours, and with the earlier value of any we replaced (e.g. {@code managed-by: Helm}).
   */
  static Map<String, String> retainedLabels(Secret secret) {
    var labels = withoutOurLabels(secret);
    AdoptionRecord.in(secret.getData())
        .ifPresent(
            record -> {
              for (String ours :
                  List.of(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.OWNER_KIND_LABEL)) {
                record.labelBefore(ours).ifPresent(before -> labels.put(ours, before));
              }
            });
    return labels;
  }

  /**
   * The accounts whose links to the secret go when we let it go: of those its owner links, the ones
   * that did not link it before we adopted it. For an adopted secret whose record does not say
   * (kept before this was recorded), none.
   */
  static List<String> accountsToUnlink(Secret secret, List<String> linkedByOwner) {
    if (!"true".equals(ManagedMarkers.annotation(secret, ManagedMarkers.ADOPTED))) {
      return linkedByOwner;
    }
    List<String> before =
        AdoptionRecord.in(secret.getData()).map(AdoptionRecord::linkedBefore).orElse(null);
    if (before == null) {
      return List.of();
    }
    return linkedByOwner.stream().filter(a -> !before.contains(a)).toList();
  }

  /**
   * The owner references once we let the secret go: without the one to the resource that kept it
   * (else the garbage collector would delete, with that resource, a secret that must stay).
   */
  static List<OwnerReference> releasedOwners(Secret secret) {
    String owner = ManagedMarkers.annotation(secret, ManagedMarkers.OWNER);
    List<OwnerReference> refs =
        secret.getMetadata().getOwnerReferences() == null
            ? List.of()
            : secret.getMetadata().getOwnerReferences();
    if (owner == null) {
      return refs;
    }
    String[] parts = owner.split("/");
    String kind = parts[0];
    String name = parts[parts.length - 1];
    return refs.stream()
        .filter(r -> !(kind.equals(r.getKind()) && name.equals(r.getName())))
        .toList();
  }

  static TreeMap<String, String> withoutOurLabels(Secret secret) {
    var labels = new TreeMap<>(nonNull(secret.getMetadata().getLabels()));
    labels.remove(ManagedMarkers.MANAGED_BY_LABEL);
    labels.remove(ManagedMarkers.OWNER_KIND_LABEL);
    return labels;
  }

  private static Set<String> ourRegistries(Secret secret) {
    String wrote = ManagedMarkers.annotation(secret, ManagedMarkers.REGISTRIES);
    return wrote == null || wrote.isBlank()
        ? Set.of()
        : new TreeSet<>(Arrays.asList(wrote.split(",")));
  }

  /** The docker config's registry hosts; empty when it holds more than {@code auths}. */
  private static Optional<Set<String>> hosts(Secret secret) {
    String observed = ManagedMarkers.annotation(secret, TrimmedObjects.OBSERVED_HOSTS);
    if (observed != null) {
      return observed.equals(TrimmedObjects.UNKNOWN_HOSTS)
          ? Optional.empty()
          : Optional.of(
              observed.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(observed.split(","))));
    }
    try {
      return SecretData.decoded(secret, DockerConfigJson.KEY)
          .flatMap(DockerConfigJson::onlyAuthsHosts)
          .map(h -> (Set<String>) new TreeSet<>(h));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> nonNull(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
