package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.RefreshSpec;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.util.List;
import java.util.Optional;

/** Keeps the pull secret of an EcrPullSecret valid in its own namespace. */
@ControllerConfiguration(name = "ecrpullsecret")
final class EcrPullSecretReconciler extends PullSecretReconciler<EcrPullSecret, PullSecretStatus> {

  EcrPullSecretReconciler(Services services) {
    super(services);
  }

  @Override
  Class<EcrPullSecret> resourceClass() {
    return EcrPullSecret.class;
  }

  @Override
  boolean clusterScoped() {
    return false;
  }

  @Override
  AwsIdentity identity(EcrPullSecret resource) {
    return services
        .identities()
        .resolve(resource.getSpec().getAws(), Optional.of(resource.getMetadata().getNamespace()));
  }

  @Override
  RefreshSpec refreshSpec(
      EcrPullSecret resource, AwsIdentity identity, String owner, double jitter) {
    return SpecMapping.refreshSpec(
        resource.getSpec(),
        NamespaceSelection.named(resource.getMetadata().getNamespace()),
        identity,
        owner,
        jitter,
        Optional.of(SpecMapping.ownerReference(resource)));
  }

  @Override
  List<String> linkedAccounts(EcrPullSecret resource) {
    return SpecMapping.linkedAccounts(resource.getSpec());
  }

  @Override
  String secretName(EcrPullSecret resource) {
    return resource.getSpec().getSecretName();
  }

  @Override
  PullSecretStatus newStatus() {
    return new PullSecretStatus();
  }
}
