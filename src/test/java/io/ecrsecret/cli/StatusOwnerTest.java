package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.kube.ManagedMarkers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who keeps a secret, as {@code status} says it. */
class StatusOwnerTest {

  @ParameterizedTest(name = "{0} (adopted: {1}) is {2}")
  @CsvSource({
    "cli, false, CLI",
    "cli, true, CLI (adopted)",
    "EcrPullSecret/team-a/pull, false, EcrPullSecret team-a/pull",
    "ClusterEcrPullSecret/all, true, ClusterEcrPullSecret all (adopted)",
    "Secret/team-a/ecr, false, rh-mobb Secret team-a/ecr",
    "ArgoHelmRepoSecret/argocd/helm, false, rh-mobb ArgoHelmRepoSecret argocd/helm",
  })
  void theOwnerIsNamedAsUsersKnowIt(String owner, boolean adopted, String shown) {
    var annotations = new java.util.HashMap<>(Map.of(ManagedMarkers.OWNER, owner));
    if (adopted) {
      annotations.put(ManagedMarkers.ADOPTED, "true");
    }
    var secret = new SecretBuilder().withNewMetadata().withAnnotations(annotations).endMetadata();
    assertThat(StatusCommand.owner(secret.build())).isEqualTo(shown);
  }
}
