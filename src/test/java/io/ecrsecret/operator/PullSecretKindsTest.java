package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.core.OutputFormat;
import io.ecrsecret.kube.PullSecretWriter.Adoption;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.operator.api.PullSecretSpec;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each kind's spec means as a refresh: no API server needed. */
class PullSecretKindsTest {

  private static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final AwsIdentity OPERATOR = AwsIdentity.defaultChain();

  private static EcrPullSecret eps() {
    var r = new EcrPullSecret();
    r.getMetadata().setName("pull");
    r.getMetadata().setNamespace("team-a");
    r.getMetadata().setUid("uid-1");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(REGISTRY));
    r.setSpec(spec);
    return r;
  }

  private static RefreshSpec refresh(EcrPullSecret r) {
    return new EcrPullSecretKind().refresh(r, OPERATOR, "EcrPullSecret/team-a/pull").build();
  }

  @Test
  void anEcrPullSecretWithOnlyItsRegistriesGetsEveryDefault() {
    var spec = refresh(eps());
    assertThat(spec.secretName()).isEqualTo(RefreshSpec.DEFAULT_SECRET_NAME);
    assertThat(spec.serviceAccounts()).containsExactly("default");
    assertThat(spec.refreshMargin()).isEqualTo(Duration.ofHours(3));
    assertThat(spec.adoption()).isEqualTo(Adoption.NEVER);
    assertThat(spec.healing()).isEqualTo(RefreshSpec.Healing.NEVER);
    assertThat(spec.format()).isEqualTo(OutputFormat.DOCKERCONFIGJSON);
    var footprint = new EcrPullSecretKind().footprint(eps());
    assertThat(footprint.linkedAccounts()).containsExactly("default", "builder");
    assertThat(footprint.deletionPolicy()).isEqualTo(PullSecretSpec.DeletionPolicy.DELETE);
  }

  @Test
  void theOptionsOfAnEcrPullSecretReadAsTheRefreshTheyMean() {
    var r = eps();
    r.getSpec().setAdopt(true);
    r.getSpec().setHealPullFailures(true);
    r.getSpec().setServiceAccounts(List.of("*"));
    r.getSpec().setFormat(PullSecretSpec.Format.ARGOCD_HELM_CREDS);
    r.getSpec().setArgocdUrl(REGISTRY + "/charts");
    r.getSpec().setRefreshMargin("90m");
    var spec = refresh(r);
    assertThat(spec.adoption()).isEqualTo(Adoption.ADOPT);
    assertThat(spec.healing()).isEqualTo(RefreshSpec.Healing.AFTER_A_WRITE);
    assertThat(spec.linksEveryServiceAccount()).isTrue();
    assertThat(spec.format()).isEqualTo(OutputFormat.ARGOCD_HELM_CREDS);
    assertThat(spec.argoUrl()).contains(REGISTRY + "/charts");
    assertThat(spec.refreshMargin()).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void whatTheSchemaCannotRuleOutIsASpecExceptionNamingTheField() {
    var margin = eps();
    margin.getSpec().setRefreshMargin("soon");
    assertThatThrownBy(() -> refresh(margin))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("spec.refreshMargin:");
    var registry = eps();
    registry.getSpec().setRegistries(List.of("docker.io"));
    assertThatThrownBy(() -> refresh(registry))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("spec.registries:");
  }

  private static ClusterEcrPullSecret ceps(NamespaceSelectorSpec selector) {
    var r = new ClusterEcrPullSecret();
    r.getMetadata().setName("all");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(REGISTRY));
    spec.setNamespaces(selector);
    r.setSpec(spec);
    return r;
  }

  @Test
  void theClusterKindLeavesKubernetesOwnNamespacesAndTheOperatorsOutUnlessNamed() {
    var kind = new ClusterEcrPullSecretKind(Optional.of("ecr-secret-operator"));
    var everything = new NamespaceSelectorSpec();
    everything.setSelector(new LabelSelectorBuilder().build());
    var spec = kind.refresh(ceps(everything), OPERATOR, "ClusterEcrPullSecret/all").build();
    assertThat(spec.namespaces().exclude())
        .extracting(NamespacePattern::text)
        .contains("kube-system", "kube-public", "kube-node-lease", "ecr-secret-operator");

    var named = new NamespaceSelectorSpec();
    named.setNames(List.of("kube-system", "team-*"));
    var spec2 = kind.refresh(ceps(named), OPERATOR, "ClusterEcrPullSecret/all").build();
    assertThat(spec2.namespaces().exclude())
        .extracting(NamespacePattern::text)
        .doesNotContain("kube-system")
        .contains("kube-public");
  }

  @Test
  void aClusterKindWithoutNamespacesOrWithABadSelectorIsAnInvalidSpec() {
    var kind = new ClusterEcrPullSecretKind(Optional.empty());
    assertThatThrownBy(() -> kind.refresh(ceps(null), OPERATOR, "o"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("spec.namespaces is required");
    var bad = new NamespaceSelectorSpec();
    bad.setSelector(new LabelSelectorBuilder().addToMatchLabels("bad key!!", "x").build());
    assertThatThrownBy(() -> kind.refresh(ceps(bad), OPERATOR, "o"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("spec.namespaces.selector:");
  }

  private static MobbSecret mobb(String frequency) {
    var r = new MobbSecret();
    r.getMetadata().setName("ecr");
    r.getMetadata().setNamespace("team-a");
    var spec = new MobbSecret.Spec();
    spec.setGeneratedSecretName("regcred");
    spec.setEcrRegistry(REGISTRY);
    spec.setFrequency(frequency);
    r.setSpec(spec);
    return r;
  }

  @Test
  void rhMobbsSecretTakesOverWhatItNamesLinksNothingAndKeepsItsSecretByDefault() {
    var kind =
        CompatKind.secrets(ns -> OPERATOR, io.ecrsecret.kube.PullSecretWriter.Adoption.TAKE_OVER);
    var spec = kind.refresh(mobb(null), OPERATOR, "Secret/team-a/ecr").build();
    assertThat(spec.adoption()).isEqualTo(Adoption.TAKE_OVER);
    assertThat(spec.secretName()).isEqualTo("regcred");
    assertThat(spec.serviceAccounts()).isEmpty();
    assertThat(spec.builderLink()).isEqualTo(RefreshSpec.BuilderLink.NEVER);
    assertThat(kind.linksServiceAccounts()).isFalse();
    assertThat(kind.footprint(mobb(null)).deletionPolicy())
        .isEqualTo(PullSecretSpec.DeletionPolicy.RETAIN);
    assertThat(kind.footprint(mobb(null)).linkedAccounts()).isEmpty();
  }

  @Test
  void rhMobbsFrequencyIsAFloorOfAMinuteAndABadOneIsAnInvalidSpec() {
    var kind =
        CompatKind.secrets(ns -> OPERATOR, io.ecrsecret.kube.PullSecretWriter.Adoption.TAKE_OVER);
    assertThat(kind.refreshAtLeastEvery(mobb("10h"))).contains(Duration.ofHours(10));
    assertThat(kind.refreshAtLeastEvery(mobb("5s"))).contains(Duration.ofMinutes(1));
    assertThat(kind.refreshAtLeastEvery(mobb(null))).isEmpty();
    assertThatThrownBy(() -> kind.refresh(mobb("often"), OPERATOR, "o"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("spec.frequency:");
  }
}
