package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.CompatStatus;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * rh-mobb's kinds ({@code ecr.mobb.redhat.com/v1alpha1} Secret and ArgoHelmRepoSecret), served as a
 * drop-in replacement: the same secrets, made with the operator's own identity (or rh-mobb's
 * credentials Secret, where the operator is told to read it) as that operator did, refreshed from
 * the token's expiry and at least every {@code frequency}, through the shared token cache, with
 * status, events and clean-up. The secret rh-mobb's operator made is taken over in place, never
 * deleted and made again; it is kept when the resource is deleted unless its {@code deletionPolicy}
 * says Delete. They link no service account, as that operator did not.
 *
 * @param identityIn the identity a resource in a namespace uses
 * @param adoption what to do with a secret of that name: take over what rh-mobb's operator made
 *     ({@code TAKE_OVER}), and adopt anything else where the platform opts in ({@code
 *     TAKE_OVER_OR_ADOPT})
 */
record CompatKind<R extends CustomResource<?, CompatStatus>>(
    Class<R> resourceClass,
    OutputFormat format,
    Function<R, String> secretNameOf,
    Function<R, String> registryOf,
    Function<R, Optional<String>> urlOf,
    Function<R, String> frequencyOf,
    Function<R, DeletionPolicy> deletionPolicyOf,
    Function<Optional<String>, AwsIdentity> identityIn,
    Adoption adoption)
    implements PullSecretKind<R, CompatStatus> {

  /** rh-mobb's {@code Secret}: a docker config secret for {@code ecr_registry}. */
  static CompatKind<MobbSecret> secrets(
      Function<Optional<String>, AwsIdentity> identity, Adoption adoption) {
    return new CompatKind<>(
        MobbSecret.class,
        OutputFormat.DOCKERCONFIGJSON,
        r -> r.getSpec().getGeneratedSecretName(),
        r -> r.getSpec().getEcrRegistry(),
        r -> Optional.empty(),
        r -> r.getSpec().getFrequency(),
        r -> r.getSpec().getDeletionPolicy(),
        identity,
        adoption);
  }

  /** rh-mobb's {@code ArgoHelmRepoSecret}: an Argo CD repository secret for Helm charts in ECR. */
  static CompatKind<ArgoHelmRepoSecret> argoHelmRepoSecrets(
      Function<Optional<String>, AwsIdentity> identity, Adoption adoption) {
    return new CompatKind<>(
        ArgoHelmRepoSecret.class,
        OutputFormat.ARGOCD_HELM,
        r -> r.getSpec().getGeneratedSecretName(),
        r -> r.getSpec().getUrl(),
        r -> Optional.of(r.getSpec().getUrl()),
        r -> r.getSpec().getFrequency(),
        r -> r.getSpec().getDeletionPolicy(),
        identity,
        adoption);
  }

  @Override
  public boolean clusterScoped() {
    return false;
  }

  @Override
  public AwsIdentity identity(
      R resource, IdentityResolver identities, IdentityResolver.ServiceAccounts accounts) {
    return identityIn.apply(Optional.of(resource.getMetadata().getNamespace()));
  }

  @Override
  public RefreshSpec.Builder refresh(R resource, AwsIdentity identity, String owner) {
    refreshAtLeastEvery(resource); // a bad frequency is the spec's fault, reported before anything
    var registry =
        SpecException.reading("spec", () -> List.of(RegistryRef.parse(registryOf.apply(resource))));
    return RefreshSpec.builder(
            registry,
            identity,
            NamespaceSelection.named(resource.getMetadata().getNamespace()),
            owner)
        .secretName(secretNameOf.apply(resource))
        .format(format)
        .argoUrl(urlOf.apply(resource))
        .serviceAccounts(List.of())
        .builderLink(RefreshSpec.BuilderLink.NEVER)
        // what rh-mobb's operator made is ours from the first reconcile, updated in place
        .adoption(adoption);
  }

  @Override
  public Optional<Duration> refreshAtLeastEvery(R resource) {
    String text = frequencyOf.apply(resource);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    Duration d = SpecException.reading("spec.frequency", () -> DurationText.parse(text));
    return Optional.of(d.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : d);
  }

  @Override
  public boolean linksServiceAccounts() {
    return false;
  }

  @Override
  public DesiredState.Footprint footprint(R resource) {
    DeletionPolicy policy = deletionPolicyOf.apply(resource);
    return new DesiredState.Footprint(
        secretNameOf.apply(resource), List.of(), policy == null ? DeletionPolicy.RETAIN : policy);
  }

  @Override
  public CompatStatus newStatus() {
    return new CompatStatus();
  }

  @Override
  public void finishStatus(CompatStatus status, SyncResult result) {
    status.setPhase(result.ready() ? "Updated" : "Error");
    status.setLastUpdatedTime(status.getLastRefreshTime());
  }
}
