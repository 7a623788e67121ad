package io.ecrsecret.kube;

import io.ecrsecret.core.DockerConfigJson;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small copies of secrets, service accounts and namespaces that decisions are made from: the
 * operator's informer caches hold these, and the CLI's listings are reduced to them. They keep what
 * tells whether a secret and its links are current, and nothing secret:
 *
 * <ul>
 *   <li>a secret: its metadata (owner, markers, resource version, owner references), its type, the
 *       names of its data keys (values empty), a digest of its data ({@link #OBSERVED_DIGEST}) and
 *       the registry hosts its docker config holds ({@link #OBSERVED_HOSTS});
 *   <li>a service account: its metadata and its links ({@code imagePullSecrets}, {@code secrets});
 *   <li>a namespace: its metadata and phase.
 * </ul>
 *
 * The two {@code observed-} annotations exist only on these copies, in memory; they are never
 * written to the API server.
 */
public final class TrimmedObjects {

  private TrimmedObjects() {}

  /** On a trimmed secret: the digest of the data it holds, as {@link #digest} computes it. */
  public static final String OBSERVED_DIGEST = "observed." + ManagedMarkers.PREFIX + "data-digest";

  /**
   * On a trimmed secret: the registry hosts in its docker config, comma-separated; {@value
   * #UNKNOWN_HOSTS} when it holds more than a docker config's {@code auths} (or cannot be read).
   */
  public static final String OBSERVED_HOSTS = "observed." + ManagedMarkers.PREFIX + "hosts";

  public static final String UNKNOWN_HOSTS = "?";

  public static Secret secret(Secret full) {
    if (ManagedMarkers.annotation(full, OBSERVED_DIGEST) != null) {
      return full; // trimmed already: its data are key names only
    }
    ObjectMeta meta = meta(full);
    Map<String, String> data = full.getData() == null ? Map.of() : full.getData();
    var annotations = new TreeMap<String, String>();
    if (meta.getAnnotations() != null) {
      annotations.putAll(meta.getAnnotations());
    }
    annotations.put(OBSERVED_DIGEST, digest(data).intern());
    if (data.containsKey(DockerConfigJson.KEY)) {
      annotations.put(OBSERVED_HOSTS, intern(hosts(data.get(DockerConfigJson.KEY))));
    }
    meta.setAnnotations(annotations);
    var keys = new HashMap<String, String>();
    data.keySet().forEach(k -> keys.put(intern(k), ""));
    return new SecretBuilder().withMetadata(meta).withType(full.getType()).withData(keys).build();
  }

  public static ServiceAccount serviceAccount(ServiceAccount full) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(full))
        .withImagePullSecrets(full.getImagePullSecrets())
        .withSecrets(full.getSecrets())
        .build();
  }

  public static Namespace namespace(Namespace full) {
    var trimmed = new NamespaceBuilder().withMetadata(meta(full)).build();
    // how new it is: a new namespace's service accounts are still being made
    trimmed.getMetadata().setCreationTimestamp(full.getMetadata().getCreationTimestamp());
    if (full.getStatus() != null && full.getStatus().getPhase() != null) {
      var status = new NamespaceStatus();
      status.setPhase(full.getStatus().getPhase());
      trimmed.setStatus(status);
    }
    return trimmed;
  }

  /**
   * Name, namespace, uid, resource version, labels, annotations, owners, deletion time. Names,
   * label and annotation keys and short values are interned: thousands of cached objects repeat
   * them (the same namespace in three caches, the same annotation keys, owner and digests on every
   * secret of a cluster-wide resource), and one copy each is enough.
   */
  public static ObjectMeta meta(HasMetadata resource) {
    ObjectMeta m = resource.getMetadata();
    return new ObjectMetaBuilder()
        .withName(intern(m.getName()))
        .withNamespace(intern(m.getNamespace()))
        .withUid(m.getUid())
        .withResourceVersion(m.getResourceVersion())
        .withLabels(interned(m.getLabels()))
        .withAnnotations(interned(m.getAnnotations()))
        .withOwnerReferences(m.getOwnerReferences())
        .withDeletionTimestamp(m.getDeletionTimestamp())
        .build();
  }

  private static final int INTERNED_UP_TO = 128;

  private static String intern(String s) {
    return s == null || s.length() > INTERNED_UP_TO ? s : s.intern();
  }

  private static Map<String, String> interned(Map<String, String> map) {
    if (map == null) {
      return null;
    }
    var copy = new java.util.LinkedHashMap<String, String>(map.size() * 2);
    map.forEach((k, v) -> copy.put(intern(k), intern(v)));
    return copy;
  }

  /**
   * A SHA-256 digest of a secret's data as the API server holds it (base64 values), in key order:
   * equal data, equal digest. It tells whether data changed without keeping the data; it cannot be
   * turned back into a token.
   */
  public static String digest(Map<String, String> base64Data) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (var entry : new TreeMap<>(base64Data).entrySet()) {
        sha.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(String.valueOf(entry.getValue()).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String hosts(String base64Config) {
    try {
      String json = new String(Base64.getDecoder().decode(base64Config), StandardCharsets.UTF_8);
      return DockerConfigJson.onlyAuthsHosts(json)
          .map(hosts -> String.join(",", new java.util.TreeSet<>(hosts)))
          .orElse(UNKNOWN_HOSTS);
    } catch (IllegalArgumentException e) {
      return UNKNOWN_HOSTS;
    }
  }
}
