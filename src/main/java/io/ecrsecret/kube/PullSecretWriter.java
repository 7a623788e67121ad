package io.ecrsecret.kube;

import io.ecrsecret.kube.SecretPolicy.Create;
import io.ecrsecret.kube.SecretPolicy.Decision;
import io.ecrsecret.kube.SecretPolicy.Leave;
import io.ecrsecret.kube.SecretPolicy.Patch;
import io.ecrsecret.kube.SecretPolicy.Read;
import io.ecrsecret.kube.SecretPolicy.Refuse;
import io.ecrsecret.kube.SecretPolicy.Replace;
import io.ecrsecret.kube.SecretPolicy.Wanted;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Executes what {@link SecretPolicy} decides for one secret, and nothing else: creates it, patches
 * or updates it in place (never deleted and made again, so no pod sees it missing), or leaves it.
 * Every write is conditional on the resource version decided from, so a concurrent change is read
 * again and decided again rather than overwritten.
 */
public final class PullSecretWriter {

  /** A secret of that name exists and nothing manages it. */
  public enum Adoption {
    /** leave it, and say so */
    NEVER,
    /** take it over, keeping its entries for other registries; give it back as it was on release */
    ADOPT,
    /**
     * make it ours, as if we had made it, when it has the type we write and no other controller:
     * what a replaced operator (rh-mobb's) left
     */
    TAKE_OVER,
    /**
     * as {@link #TAKE_OVER} what rh-mobb's operator made; anything else is adopted as with {@link
     * #ADOPT} (recorded, given back as it was on release): where the platform opts in
     */
    TAKE_OVER_OR_ADOPT
  }

  /** What happened to a secret. */
  public enum Result {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * The outcome, with the secret's UID (empty on a dry run that would create it); {@code adopted}
   * when this write took over a secret that nothing managed.
   */
  public record Written(Result result, String uid, boolean adopted) {
    Written(Result result, String uid) {
      this(result, uid, false);
    }
  }

  /** The owner the CLI records: its messages may name its options; a resource's may not. */
  public static final String CLI_OWNER = "cli";

  private final KubernetesClient client;

  public PullSecretWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Puts the content in place, deciding from the cluster state first: a secret of ours that is
   * current costs no request; one of ours that only needs our data is patched with the resource
   * version the state holds (one request); everything else (a secret someone else made, one holding
   * entries of others, one changed meanwhile) is read, decided on again and merged into.
   *
   * @param dryRun decide everything, write nothing
   * @throws SecretConflictException if the secret cannot be written without losing something
   */
  public Written apply(Wanted wanted, boolean dryRun, ClusterState state) {
    Decision decision =
        SecretPolicy.fromCache(state.managedSecret(wanted.namespace(), wanted.name()), wanted);
    try {
      if (!(decision instanceof Read)) {
        return execute(decision, dryRun, state);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // it exists after all (not ours), or changed since the state saw it: read it and decide
    }
    // someone else may write it in between: then it is read again and decided again
    return Conflicts.retry(
        () -> {
          var read =
              Optional.ofNullable(
                  client.secrets().inNamespace(wanted.namespace()).withName(wanted.name()).get());
          return execute(
              SecretPolicy.fromRead(read, wanted, linkedBefore(wanted, state)), dryRun, state);
        });
  }

  private Written execute(Decision decision, boolean dryRun, ClusterState state) {
    if (decision instanceof Leave leave) {
      return new Written(Result.UNCHANGED, leave.uid());
    }
    if (decision instanceof Refuse refuse) {
      throw new SecretConflictException(refuse.reason(), refuse.message());
    }
    if (decision instanceof Create create) {
      return create(create.secret(), dryRun, state);
    }
    if (decision instanceof Patch patch) {
      return patch(patch, dryRun, state);
    }
    if (decision instanceof Replace replace) {
      return replace(replace, dryRun, state);
    }
    throw new IllegalStateException("a secret as read needs no other read: " + decision);
  }

  private Written create(Secret secret, boolean dryRun, ClusterState state) {
    if (dryRun) {
      return new Written(Result.CREATED, "");
    }
    Secret created =
        client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
    state.wrote(null, created);
    return new Written(Result.CREATED, created.getMetadata().getUid());
  }

  private Written patch(Patch patch, boolean dryRun, ClusterState state) {
    Secret cached = patch.cached();
    if (dryRun) {
      return new Written(Result.UPDATED, cached.getMetadata().getUid());
    }
    Secret patched =
        client
            .secrets()
            .inNamespace(cached.getMetadata().getNamespace())
            // the patch is named by the cached object: no read before it
            .resource(cached)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(patch.body()));
    state.wrote(cached, patched);
    return new Written(Result.UPDATED, patched.getMetadata().getUid());
  }

  private Written replace(Replace replace, boolean dryRun, ClusterState state) {
    Secret existing = replace.existing();
    if (dryRun) {
      return new Written(Result.UPDATED, existing.getMetadata().getUid(), replace.adopted());
    }
    // update() sends the resource version read: a concurrent write makes it fail with 409
    Secret updated =
        client
            .secrets()
            .inNamespace(existing.getMetadata().getNamespace())
            .resource(replace.desired())
            .update();
    state.wrote(TrimmedObjects.secret(existing), updated);
    return new Written(Result.UPDATED, updated.getMetadata().getUid(), replace.adopted());
  }

  /** The accounts of the secret's namespace that link it now (the links a release leaves). */
  private static Supplier<List<String>> linkedBefore(Wanted wanted, ClusterState state) {
    return () ->
        state.serviceAccountNames(wanted.namespace()).stream()
            .filter(
                a ->
                    state
                        .serviceAccount(wanted.namespace(), a)
                        .filter(sa -> ServiceAccountLinker.mentions(sa, wanted.name()))
                        .isPresent())
            .toList();
  }
}
