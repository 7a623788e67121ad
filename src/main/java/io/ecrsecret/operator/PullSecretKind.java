package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import java.util.Optional;

/**
 * What one kind of pull-secret resource means, and all that differs between the kinds: how its spec
 * reads as a refresh, as whom, which service accounts it links, what becomes of its secrets when it
 * is deleted, and its status; read once per reconcile, through {@link DesiredState#read}. {@link
 * PullSecretReconciler} does the rest, the same for every kind.
 *
 * @param <R> the resource kind
 * @param <S> its status
 */
interface PullSecretKind<R extends CustomResource<?, S>, S extends PullSecretStatus> {

  Class<R> resourceClass();

  /**
   * Whether the resource is cluster-scoped: its secrets lie in the namespaces it selects, which it
   * watches; it owns none of them by reference.
   */
  boolean clusterScoped();

  /**
   * The identity the resource asks for.
   *
   * @throws SpecException if its spec says something the schema could not rule out
   * @throws IdentityResolver.IdentityNotAllowedException if it may not be that identity
   */
  AwsIdentity identity(
      R resource, IdentityResolver identities, IdentityResolver.ServiceAccounts accounts);

  /**
   * The refresh the resource asks for, as this identity, kept by this owner: everything but the
   * jitter and the owner reference, which the reconciler sets.
   *
   * @throws SpecException if its spec says something the schema could not rule out
   */
  RefreshSpec.Builder refresh(R resource, AwsIdentity identity, String owner);

  /**
   * Its secret's name, the accounts it links (OpenShift's builder included where it may; {@code *}
   * for every account; none for a kind that links none) and what becomes of its secrets when it is
   * deleted: never fails, so that a resource whose spec cannot be served is still cleaned up.
   */
  DesiredState.Footprint footprint(R resource);

  S newStatus();

  /** A kind may ask to be reconciled at least this often (rh-mobb's {@code frequency}). */
  default Optional<Duration> refreshAtLeastEvery(R resource) {
    return Optional.empty();
  }

  /**
   * The image whose pull is to be proven after each refresh, as the resource names it.
   *
   * @throws SpecException if it is not an image reference
   */
  default Optional<io.ecrsecret.core.ImageReference> verifyImage(R resource) {
    return Optional.empty();
  }

  /** Kind-specific status fields (rh-mobb's phase), after the common ones are built. */
  default void finishStatus(S status, SyncResult result) {}

  /** Whether the kind links service accounts at all (if not, it watches none). */
  default boolean linksServiceAccounts() {
    return true;
  }
}
