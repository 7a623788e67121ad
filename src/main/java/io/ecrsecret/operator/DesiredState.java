package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.ImageReference;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a resource asks for, read from it once, at the door of a reconcile, whatever its kind (ours
 * or rh-mobb's): registries, namespaces, secret name, format, links, identity and policy. Nothing
 * after the door reads the resource's spec again.
 *
 * @param owner what keeps the secrets, recorded on them ({@code KIND/NS/NAME} or {@code KIND/NAME})
 * @param refresh the whole refresh: the kind's reading of the spec, with what is the reconciler's
 *     to decide (the jitter, whether fresh secrets are left, the owner reference)
 * @param refreshAtLeastEvery a kind may ask to be reconciled at least this often (rh-mobb's {@code
 *     frequency})
 */
record DesiredState(
    String owner,
    AwsIdentity identity,
    RefreshSpec refresh,
    Footprint footprint,
    Optional<Duration> refreshAtLeastEvery,
    Optional<PullCheck> verify) {

  /** An image whose pull is proven after each refresh, in one of the resource's registries. */
  record PullCheck(RegistryRef registry, ImageReference image) {}

  /**
   * What a resource's secrets and links are, readable from any resource, even one whose spec cannot
   * be served: what its deletion and the events about its secrets and accounts need.
   *
   * @param linkedAccounts the accounts it links ({@code *} for every one): the ones whose events
   *     matter, and the only links removed with its secrets; empty for a kind that links none
   */
  record Footprint(String secretName, List<String> linkedAccounts, DeletionPolicy deletionPolicy) {}

  /**
   * Reads the resource.
   *
   * @throws SpecException if its spec says something the schema could not rule out
   * @throws IdentityResolver.IdentityNotAllowedException if it may not be that identity
   * @throws io.ecrsecret.kube.AwsKeysSecretReader.UnusableKeysException if its keys are unusable
   */
  static <R extends CustomResource<?, S>, S extends PullSecretStatus> DesiredState read(
      PullSecretKind<R, S> kind,
      R resource,
      IdentityResolver identities,
      IdentityResolver.ServiceAccounts accounts) {
    String owner = ownerOf(resource);
    AwsIdentity identity = kind.identity(resource, identities, accounts);
    Footprint footprint = kind.footprint(resource);
    var builder = kind.refresh(resource, identity, owner);
    // from the UID, so stable: each resource's refreshes fall at their own place in the window
    builder.jitter(Math.floorMod(resource.getMetadata().getUid().hashCode(), 1000) / 1000.0);
    // a resource served before, unchanged since (a restart, a new leader, a scheduled check):
    // every secret that is fresh by its own markers is left, without a token. A changed resource
    // (registries, identity, format, policy) is served afresh.
    var served = resource.getStatus();
    builder.leaveFreshSecrets(
        served != null
            && served.getObservedGeneration() != null
            && served.getObservedGeneration().equals(resource.getMetadata().getGeneration()));
    // the garbage collector removes a namespaced resource's secret with it, unless it is retained
    if (!kind.clusterScoped() && footprint.deletionPolicy() == DeletionPolicy.DELETE) {
      builder.owningResource(Optional.of(SpecMapping.ownerReference(resource)));
    }
    RefreshSpec refresh = SpecException.reading("spec", builder::build);
    return new DesiredState(
        owner,
        identity,
        refresh,
        footprint,
        kind.refreshAtLeastEvery(resource),
        kind.verifyImage(resource).map(image -> pullCheck(image, refresh.registries())));
  }

  /** The image in the registry it names (one of the resource's), or in the first. */
  private static PullCheck pullCheck(ImageReference image, List<RegistryRef> registries) {
    if (image.host().isEmpty()) {
      return new PullCheck(registries.get(0), image);
    }
    return registries.stream()
        .filter(r -> r.host().equals(image.host().get()))
        .findFirst()
        .map(r -> new PullCheck(r, image))
        .orElseThrow(
            () ->
                new SpecException(
                    "spec.verify.image names registry "
                        + io.ecrsecret.core.DisplayText.clean(
                            image.host().get(), io.ecrsecret.core.DisplayText.VALUE)
                        + ", which is not one of spec.registries; name the image as"
                        + " REPOSITORY:TAG, or after one of those registries"));
  }

  /** What keeps a resource's secrets: {@code KIND/NS/NAME}, or {@code KIND/NAME} cluster-wide. */
  static String ownerOf(CustomResource<?, ?> resource) {
    String ns = resource.getMetadata().getNamespace();
    return resource.getKind()
        + "/"
        + (ns == null ? "" : ns + "/")
        + resource.getMetadata().getName();
  }
}
