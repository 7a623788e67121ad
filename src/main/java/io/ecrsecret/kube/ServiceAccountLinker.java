package io.ecrsecret.kube;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Adds a pull secret to service accounts' {@code imagePullSecrets}, keeping every link others made;
 * for builds (OpenShift's {@code builder} account) also to {@code secrets}, as {@code oc secrets
 * link builder SECRET --for=pull,mount} does. Removes only its own link.
 */
public final class ServiceAccountLinker {

  /** What happened to one service account. */
  public enum Result {
    LINKED,
    ALREADY_LINKED,
    UNLINKED,
    NOT_LINKED,
    MISSING
  }

  /** OpenShift's account that runs builds. */
  public static final String BUILDER = "builder";

  private final KubernetesClient client;

  public ServiceAccountLinker(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Links the secret, deciding from the cluster state: an account that has the links costs no
   * request; one that lacks them is patched with the resource version the state holds (a conflict
   * reads it again).
   *
   * @param forBuilds also allow builds run as this account to use the secret (mount)
   */
  public Result link(
      String namespace,
      String serviceAccount,
      String secret,
      boolean forBuilds,
      boolean dryRun,
      ClusterState state) {
    Optional<ServiceAccount> known = state.serviceAccount(namespace, serviceAccount);
    if (known.isEmpty()) {
      return Result.MISSING;
    }
    ServiceAccount changed = addLinks(known.get(), secret, forBuilds);
    if (changed == null) {
      return Result.ALREADY_LINKED;
    }
    if (dryRun) {
      return Result.LINKED;
    }
    if (patched(namespace, serviceAccount, known.get(), changed, forBuilds, state)) {
      return Result.LINKED;
    }
    return change(
        namespace,
        serviceAccount,
        dryRun,
        sa -> addLinks(sa, secret, forBuilds),
        Result.LINKED,
        Result.ALREADY_LINKED);
  }

  /** Removes our links to the secret, deciding from the cluster state as {@link #link} does. */
  public Result unlink(String namespace, String serviceAccount, String secret, ClusterState state) {
    Optional<ServiceAccount> known = state.serviceAccount(namespace, serviceAccount);
    if (known.isEmpty()) {
      return Result.MISSING;
    }
    ServiceAccount changed = removeLinks(known.get(), secret);
    if (changed == null) {
      return Result.NOT_LINKED;
    }
    if (patched(namespace, serviceAccount, known.get(), changed, true, state)) {
      return Result.UNLINKED;
    }
    return change(
        namespace,
        serviceAccount,
        false,
        sa -> removeLinks(sa, secret),
        Result.UNLINKED,
        Result.NOT_LINKED);
  }

  /**
   * Patches the account's links to those of {@code changed}, conditional on the cached resource
   * version; false if it changed meanwhile (409).
   */
  private boolean patched(
      String namespace,
      String serviceAccount,
      ServiceAccount cached,
      ServiceAccount changed,
      boolean mounts,
      ClusterState state) {
    var body = new LinkedHashMap<String, Object>();
    // the resource version makes the patch conditional: links changed meanwhile give 409
    body.put("metadata", Map.of("resourceVersion", cached.getMetadata().getResourceVersion()));
    body.put("imagePullSecrets", changed.getImagePullSecrets());
    if (mounts) {
      body.put("secrets", changed.getSecrets());
    }
    try {
      ServiceAccount patched =
          client
              .serviceAccounts()
              .inNamespace(namespace)
              // the patch is named by the cached object: no read before it
              .resource(cached)
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  client.getKubernetesSerialization().asJson(body));
      state.wrote(cached, patched);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return false;
    }
  }

  private Result change(
      String namespace,
      String name,
      boolean dryRun,
      java.util.function.Function<ServiceAccount, ServiceAccount> edit,
      Result done,
      Result nothingToDo) {
    return Conflicts.retry(
        () -> {
          ServiceAccount sa = client.serviceAccounts().inNamespace(namespace).withName(name).get();
          if (sa == null) {
            return Result.MISSING;
          }
          ServiceAccount changed = edit.apply(sa);
          if (changed == null) {
            return nothingToDo;
          }
          if (!dryRun) {
            // update() sends the resource version read above: a concurrent write answers 409
            client.serviceAccounts().inNamespace(namespace).resource(changed).update();
          }
          return done;
        });
  }

  /** Whether the account has the links {@link #link} would add. */
  public static boolean isLinked(ServiceAccount sa, String secret, boolean forBuilds) {
    return addLinks(sa, secret, forBuilds) == null;
  }

  /** Whether the account names the secret at all, for pulls or as a mountable secret. */
  public static boolean mentions(ServiceAccount sa, String secret) {
    return nonNull(sa.getImagePullSecrets()).stream().anyMatch(r -> secret.equals(r.getName()))
        || nonNull(sa.getSecrets()).stream().anyMatch(r -> secret.equals(r.getName()));
  }

  /** The account with the links added, or null if it has them all. */
  private static ServiceAccount addLinks(ServiceAccount sa, String secret, boolean forBuilds) {
    List<LocalObjectReference> pulls = new ArrayList<>(nonNull(sa.getImagePullSecrets()));
    List<ObjectReference> mounts = new ArrayList<>(nonNull(sa.getSecrets()));
    boolean changed = false;
    if (pulls.stream().noneMatch(r -> secret.equals(r.getName()))) {
      pulls.add(new LocalObjectReference(secret));
      changed = true;
    }
    if (forBuilds && mounts.stream().noneMatch(r -> secret.equals(r.getName()))) {
      ObjectReference mount = new ObjectReference();
      mount.setName(secret);
      mounts.add(mount);
      changed = true;
    }
    return changed
        ? new ServiceAccountBuilder(sa).withImagePullSecrets(pulls).withSecrets(mounts).build()
        : null;
  }

  /** The account without our links, or null if it has none. */
  private static ServiceAccount removeLinks(ServiceAccount sa, String secret) {
    List<LocalObjectReference> pulls = new ArrayList<>(nonNull(sa.getImagePullSecrets()));
    List<ObjectReference> mounts = new ArrayList<>(nonNull(sa.getSecrets()));
    boolean changed = pulls.removeIf(r -> Objects.equals(secret, r.getName()));
    changed |= mounts.removeIf(r -> Objects.equals(secret, r.getName()));
    return changed
        ? new ServiceAccountBuilder(sa).withImagePullSecrets(pulls).withSecrets(mounts).build()
        : null;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
