package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DurationText;
import io.ecrsecret.core.NamespaceSelection;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.CompatStatus;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Seed 003's kinds ({@code ecr.mobb.redhat.com/v1alpha1} Secret and ArgoHelmRepoSecret), served as
 * a drop-in replacement: the same secrets, made with the operator's own AWS identity as that
 * operator did, but refreshed from the token's expiry (and at least every {@code frequency}),
 * through the shared token cache, with status, events and clean-up. They link no service account,
 * as that operator did not.
 */
abstract class CompatReconcilers<R extends CustomResource<?, CompatStatus>>
    extends PullSecretReconciler<R, CompatStatus> {

  CompatReconcilers(Services services) {
    super(services);
  }

  abstract String registry(R resource);

  abstract OutputFormat format();

  abstract Optional<String> url(R resource);

  abstract String frequency(R resource);

  @Override
  boolean clusterScoped() {
    return false;
  }

  @Override
  AwsIdentity identity(R resource) {
    return services.identities().resolve(null, Optional.of(resource.getMetadata().getNamespace()));
  }

  @Override
  RefreshSpec refreshSpec(R resource, AwsIdentity identity, String owner, double jitter) {
    refreshAtLeastEvery(resource); // a bad frequency is the spec's fault, reported before anything
    return new RefreshSpec(
        List.of(RegistryRef.parse(registry(resource))),
        secretName(resource),
        format(),
        url(resource),
        identity,
        NamespaceSelection.named(resource.getMetadata().getNamespace()),
        false,
        List.of(),
        RefreshSpec.BuilderLink.NEVER,
        false,
        false,
        List.of(),
        false,
        owner,
        RefreshPolicy.DEFAULT.margin(),
        jitter,
        Optional.of(SpecMapping.ownerReference(resource)));
  }

  @Override
  Optional<Duration> refreshAtLeastEvery(R resource) {
    String text = frequency(resource);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    Duration d;
    try {
      d = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec.frequency: " + e.getMessage());
    }
    return Optional.of(d.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : d);
  }

  @Override
  List<String> linkedAccounts(R resource) {
    return List.of();
  }

  @Override
  boolean linksServiceAccounts() {
    return false;
  }

  @Override
  CompatStatus newStatus() {
    return new CompatStatus();
  }

  @Override
  void finishStatus(CompatStatus status, SyncResult result) {
    status.setPhase(result.ready() ? "Updated" : "Error");
    status.setLastUpdatedTime(status.getLastRefreshTime());
  }

  /** {@code ecr.mobb.redhat.com/v1alpha1} {@code Secret}: a docker config secret. */
  @ControllerConfiguration(name = "compat-secret")
  static final class Secrets extends CompatReconcilers<MobbSecret> {
    Secrets(Services services) {
      super(services);
    }

    @Override
    Class<MobbSecret> resourceClass() {
      return MobbSecret.class;
    }

    @Override
    String secretName(MobbSecret resource) {
      return resource.getSpec().getGeneratedSecretName();
    }

    @Override
    String registry(MobbSecret resource) {
      return resource.getSpec().getEcrRegistry();
    }

    @Override
    OutputFormat format() {
      return OutputFormat.DOCKERCONFIGJSON;
    }

    @Override
    Optional<String> url(MobbSecret resource) {
      return Optional.empty();
    }

    @Override
    String frequency(MobbSecret resource) {
      return resource.getSpec().getFrequency();
    }
  }

  /** {@code ArgoHelmRepoSecret}: an Argo CD repository secret for Helm charts in ECR. */
  @ControllerConfiguration(name = "compat-argohelmreposecret")
  static final class ArgoHelmRepoSecrets extends CompatReconcilers<ArgoHelmRepoSecret> {
    ArgoHelmRepoSecrets(Services services) {
      super(services);
    }

    @Override
    Class<ArgoHelmRepoSecret> resourceClass() {
      return ArgoHelmRepoSecret.class;
    }

    @Override
    String secretName(ArgoHelmRepoSecret resource) {
      return resource.getSpec().getGeneratedSecretName();
    }

    @Override
    String registry(ArgoHelmRepoSecret resource) {
      return resource.getSpec().getUrl();
    }

    @Override
    OutputFormat format() {
      return OutputFormat.ARGOCD_HELM;
    }

    @Override
    Optional<String> url(ArgoHelmRepoSecret resource) {
      return Optional.of(resource.getSpec().getUrl());
    }

    @Override
    String frequency(ArgoHelmRepoSecret resource) {
      return resource.getSpec().getFrequency();
    }
  }
}
