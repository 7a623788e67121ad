package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import java.util.Optional;

/** An EcrPullSecret: the pull secret of its own namespace. */
final class EcrPullSecretKind implements PullSecretKind<EcrPullSecret, PullSecretStatus> {

  @Override
  public Class<EcrPullSecret> resourceClass() {
    return EcrPullSecret.class;
  }

  @Override
  public boolean clusterScoped() {
    return false;
  }

  @Override
  public AwsIdentity identity(
      EcrPullSecret resource,
      IdentityResolver identities,
      IdentityResolver.ServiceAccounts accounts) {
    return SpecException.reading(
        "",
        () ->
            identities.resolve(
                resource.getSpec().getAws(),
                Optional.of(resource.getMetadata().getNamespace()),
                accounts));
  }

  @Override
  public RefreshSpec.Builder refresh(EcrPullSecret resource, AwsIdentity identity, String owner) {
    return SpecMapping.refresh(
        resource.getSpec(),
        NamespaceSelection.named(resource.getMetadata().getNamespace()),
        identity,
        owner);
  }

  @Override
  public Optional<io.ecrsecret.core.ImageReference> verifyImage(EcrPullSecret resource) {
    return SpecMapping.verifyImage(resource.getSpec());
  }

  @Override
  public DesiredState.Footprint footprint(EcrPullSecret resource) {
    return SpecMapping.footprint(resource.getSpec());
  }

  @Override
  public PullSecretStatus newStatus() {
    return new PullSecretStatus();
  }
}
