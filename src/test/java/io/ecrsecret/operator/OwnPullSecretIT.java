package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator keeps its own image pull secret valid ({@code --own-pull-secret-registry}), as a
 * cluster that pulls the operator's image from a private ECR needs: the secret made by hand for the
 * first pull, whose token has expired, is adopted in the operator's namespace and holds a token the
 * registry accepts, with no custom resource involved.
 */
@ExtendWith(SandboxExtension.class)
class OwnPullSecretIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void theSecretMadeByHandForTheFirstPullIsAdoptedAndKeptValid(Sandbox sandbox) throws Exception {
    String namespace = "own-pull-secret";
    String host = sandbox.registry().ecrHost();
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      TestCluster.namespace(kube, namespace, Map.of());
      // what a person makes once, from a token that has long expired by now
      String stale =
          "{\"auths\":{\""
              + host
              + "\":{\"auth\":\""
              + Base64.getEncoder()
                  .encodeToString("AWS:expired-token".getBytes(StandardCharsets.UTF_8))
              + "\"}}}";
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("operator-pull")
                  .withNamespace(namespace)
                  .endMetadata()
                  .withType("kubernetes.io/dockerconfigjson")
                  .withStringData(Map.of(DockerConfigJson.KEY, stale))
                  .build())
          .create();
      assertThat(sandbox.registry().inspect(stale).succeeded()).as("the stale token").isFalse();

      try (var operator =
          OperatorProcess.start(
              ROOT,
              sandbox,
              List.of(
                  "--no-leader-election",
                  "--lease-namespace",
                  namespace,
                  "--own-pull-secret-registry",
                  host,
                  "--own-pull-secret",
                  "operator-pull"))) {
        Secret kept =
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(
                    () -> kube.secrets().inNamespace(namespace).withName("operator-pull").get(),
                    s -> ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT) != null);
        String config = SecretData.decoded(kept, DockerConfigJson.KEY).orElseThrow();
        var pulled = sandbox.registry().inspect(config);
        assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
        assertThat(ManagedMarkers.annotation(kept, ManagedMarkers.ADOPTED))
            .as("adopted, so that it is given back as it was")
            .isNotNull();
        assertThat(operator.log()).contains("Own pull secret " + namespace + "/operator-pull");
      }
    }
  }
}
