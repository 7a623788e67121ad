package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import java.util.List;
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
  public AwsIdentity identity(EcrPullSecret resource, IdentityResolver identities) {
    return SpecException.reading(
        "",
        () ->
            identities.resolve(
                resource.getSpec().getAws(), Optional.of(resource.getMetadata().getNamespace())));
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
  public List<String> linkedAccounts(EcrPullSecret resource) {
    return SpecMapping.linkedAccounts(resource.getSpec());
  }

  @Override
  public String secretName(EcrPullSecret resource) {
    return resource.getSpec().getSecretName();
  }

  @Override
  public DeletionPolicy deletionPolicy(EcrPullSecret resource) {
    return SpecMapping.deletionPolicy(resource.getSpec());
  }

  @Override
  public PullSecretStatus newStatus() {
    return new PullSecretStatus();
  }
}
