package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KindReconcilersTest {

  private static final String OURS = "ecr-secret-operator.io/v1alpha1";
  private static final String MOBB = "ecr.mobb.redhat.com/v1alpha1";

  private final List<String> asked = new ArrayList<>();

  /** The API server's discovery as a table: what it serves in each API version. */
  private List<String> installed(Map<String, Set<String>> discovery) {
    var kinds = KindReconcilers.wanted(OperatorConfig.builder().build());
    return KindReconcilers.installed(
            kinds,
            apiVersion -> {
              asked.add(apiVersion);
              return discovery.getOrDefault(apiVersion, Set.of());
            })
        .stream()
        .map(KindReconcilers.Kind::label)
        .toList();
  }

  @Test
  void everyKindInstalledIsFoundWithOneRequestPerApiVersion() {
    assertThat(
            installed(
                Map.of(
                    OURS, Set.of("EcrPullSecret", "ClusterEcrPullSecret"),
                    MOBB, Set.of("Secret", "ArgoHelmRepoSecret"))))
        .containsExactly(
            "EcrPullSecret",
            "ClusterEcrPullSecret",
            "Secret.ecr.mobb.redhat.com",
            "ArgoHelmRepoSecret.ecr.mobb.redhat.com");
    assertThat(asked).containsExactly(OURS, MOBB);
  }

  @Test
  void anApiVersionNotServedMeansItsKindsAreMissing() {
    assertThat(installed(Map.of(OURS, Set.of("EcrPullSecret", "ClusterEcrPullSecret"))))
        .containsExactly("EcrPullSecret", "ClusterEcrPullSecret");
    assertThat(asked).containsExactly(OURS, MOBB);
  }

  @Test
  void aKindIsInstalledOnlyWhenItsOwnNameIsServed() {
    // an older CRD set: the cluster kind's CRD not applied yet, and only one of rh-mobb's
    assertThat(installed(Map.of(OURS, Set.of("EcrPullSecret"), MOBB, Set.of("Secret"))))
        .containsExactly("EcrPullSecret", "Secret.ecr.mobb.redhat.com");
  }

  @Test
  void nothingAskedForNoKinds() {
    assertThat(KindReconcilers.installed(List.of(), v -> Set.of("EcrPullSecret"))).isEmpty();
  }
}
