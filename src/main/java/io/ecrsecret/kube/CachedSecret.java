package io.ecrsecret.kube;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.SecretPolicy.Wanted;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the copy of a secret of ours that a cache holds ({@link TrimmedObjects}: data key names and
 * digests, not values) tells without a read: whether it is current, and whether it holds nothing
 * but our data, so that a merge patch at its resource version replaces it.
 */
final class CachedSecret {

  private CachedSecret() {}

  /** Whether a secret of ours holds what we would write now, untouched since we wrote it. */
  static boolean current(Secret cached, Wanted wanted, String contentDigest) {
    Map<String, String> annotations = SecretPolicy.nonNull(cached.getMetadata().getAnnotations());
    Map<String, String> labels = SecretPolicy.nonNull(cached.getMetadata().getLabels());
    return ours(cached, wanted)
        && contentDigest.equals(annotations.get(ManagedMarkers.CONTENT_DIGEST))
        && Objects.equals(
            annotations.get(ManagedMarkers.DATA_DIGEST),
            annotations.get(TrimmedObjects.OBSERVED_DIGEST))
        && wanted.content().annotations().entrySet().stream()
            .allMatch(e -> e.getValue().equals(annotations.get(e.getKey())))
        && wanted.ownLabels().entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
        && SecretPolicy.owners(cached, wanted, true).equals(SecretPolicy.ownerReferences(cached));
  }

  /** Managed, kept by this owner, of the wanted type. */
  static boolean ours(Secret cached, Wanted wanted) {
    return wanted.owner().equals(ManagedMarkers.annotation(cached, ManagedMarkers.OWNER))
        && ManagedMarkers.isManaged(cached)
        && Objects.equals(cached.getType(), wanted.content().type());
  }

  /**
   * Whether a secret of ours holds nothing but what we write: then what we write replaces its data
   * whole, and it need not be read first.
   */
  static boolean onlyOurData(Secret cached, Wanted wanted, Map<String, String> fresh) {
    if (!ours(cached, wanted) || !fresh.keySet().containsAll(SecretPolicy.data(cached).keySet())) {
      return false;
    }
    String hosts = ManagedMarkers.annotation(cached, TrimmedObjects.OBSERVED_HOSTS);
    if (hosts == null) {
      return !fresh.containsKey(DockerConfigJson.KEY)
          || !SecretPolicy.data(cached).containsKey(DockerConfigJson.KEY);
    }
    if (hosts.equals(TrimmedObjects.UNKNOWN_HOSTS)) {
      return false;
    }
    var ours = new HashSet<String>();
    ours.addAll(hostList(ManagedMarkers.annotation(cached, ManagedMarkers.REGISTRIES)));
    ours.addAll(hostList(wanted.content().annotations().get(ManagedMarkers.REGISTRIES)));
    return hosts.isEmpty() || ours.containsAll(Arrays.asList(hosts.split(",")));
  }

  private static List<String> hostList(String commaSeparated) {
    return commaSeparated == null || commaSeparated.isBlank()
        ? List.of()
        : Arrays.asList(commaSeparated.split(","));
  }

  static Map<String, Object> patchBody(
      Secret cached, Wanted wanted, Map<String, String> fresh, String contentDigest) {
    var metadata = new LinkedHashMap<String, Object>();
    // the resource version makes the patch conditional: a secret changed meanwhile gives 409
    metadata.put("resourceVersion", cached.getMetadata().getResourceVersion());
    metadata.put("labels", wanted.ownLabels());
    var annotations = new TreeMap<String, String>(wanted.content().annotations());
    annotations.put(ManagedMarkers.OWNER, wanted.owner());
    annotations.put(ManagedMarkers.CONTENT_DIGEST, contentDigest);
    annotations.put(ManagedMarkers.DATA_DIGEST, contentDigest);
    metadata.put("annotations", annotations);
    List<OwnerReference> owners = SecretPolicy.owners(cached, wanted, true);
    if (!owners.equals(SecretPolicy.ownerReferences(cached))) {
      metadata.put("ownerReferences", owners);
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("metadata", metadata);
    body.put("data", fresh);
    return body;
  }
}
