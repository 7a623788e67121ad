package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.PullSecretWriter;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.RestartableKubernetesPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API server killed (SIGKILL) in the middle of a fan-out and started again on the same etcd,
 * with the operator running as a real process: it must finish the fan-out when the API server is
 * back, without being restarted itself, and still follow changes made afterwards (its watches
 * reconnect). AWS and the registry come from the shared sandbox; the cluster is a private one.
 */
@ExtendWith(SandboxExtension.class)
class ApiServerRestartDrillIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String NAME = "restart-drill";
  private static final Map<String, String> LABELS = Map.of("restart-drill", "yes");

  @Test
  void theFanOutFinishesAfterTheApiServerComesBackAndWatchesResume(Sandbox sandbox)
      throws Exception {
    int namespaces = 300;
    try (var cluster = RestartableKubernetesPeer.start(ROOT.resolve("target/restart-drill"));
        KubernetesClient kube = cluster.adminClient()) {
      TestCluster.installCrds(kube, false);
      for (int i = 0; i < namespaces; i++) {
        TestCluster.namespace(kube, String.format("restart-%03d", i), LABELS);
      }
      kube.resource(clusterPullSecret(sandbox)).create();
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));

      // as installed: leader election on, so the lease must survive a short outage too
      try (var operator =
          OperatorProcess.start(
              ROOT,
              sandbox,
              List.of("--lease-name", NAME, "--lease-namespace", "default"),
              Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "POD_NAME", "replica-a"))) {
        int atKill =
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> secrets(kube).size(), n -> n >= 30);
        cluster.killApiServer();
        Thread.sleep(5_000);
        assertThat(operator.isAlive()).as("the operator rides out the outage").isTrue();
        cluster.startApiServer();
        long backAt = System.nanoTime();

        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> secrets(kube).size() == namespaces);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> kube.resources(ClusterEcrPullSecret.class).withName(NAME).get(),
                r ->
                    r.getStatus() != null
                        && Integer.valueOf(namespaces).equals(r.getStatus().getNamespacesReady()));
        System.out.printf(
            "API server killed with %d of %d secrets written, back 5 s later; all %d valid %d ms"
                + " after that%n",
            atKill, namespaces, namespaces, (System.nanoTime() - backAt) / 1_000_000);
        assertThat(atKill).as("killed mid fan-out").isLessThan(namespaces);
        var status = kube.resources(ClusterEcrPullSecret.class).withName(NAME).get().getStatus();
        assertThat(Instant.parse(status.getTokenExpiresAt())).isAfter(Instant.now());
        assertThat(status.getConditions())
            .anySatisfy(
                c -> {
                  assertThat(c.getType()).isEqualTo("Ready");
                  assertThat(c.getStatus()).isEqualTo("True");
                });
        for (Secret s : secrets(kube)) {
          assertThat(ManagedMarkers.annotation(s, ManagedMarkers.OWNER))
              .isEqualTo("ClusterEcrPullSecret/" + NAME);
          assertThat(
                  DockerConfigJson.parse(
                      PullSecretWriter.decoded(s, DockerConfigJson.KEY).orElseThrow()))
              .containsKey(sandbox.registry().ecrHost());
        }
        var pulled =
            sandbox
                .registry()
                .inspect(
                    PullSecretWriter.decoded(secrets(kube).get(0), DockerConfigJson.KEY)
                        .orElseThrow());
        assertThat(pulled.succeeded()).as(pulled.output()).isTrue();

        // a second restart while idle: afterwards the operator still sees new namespaces and
        // deleted secrets, so its watches came back
        cluster.killApiServer();
        Thread.sleep(3_000);
        cluster.startApiServer();
        TestCluster.namespace(kube, "restart-late", LABELS);
        kube.secrets().inNamespace("restart-007").withName(NAME).delete();
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    kube.secrets().inNamespace("restart-late").withName(NAME).get() != null
                        && kube.secrets().inNamespace("restart-007").withName(NAME).get() != null);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> kube.resources(ClusterEcrPullSecret.class).withName(NAME).get(),
                r ->
                    r.getStatus() != null
                        && Integer.valueOf(namespaces + 1)
                            .equals(r.getStatus().getNamespacesReady()));
        assertThat(operator.isAlive()).isTrue();
        assertThat(operator.log())
            .as("lease kept, nothing failed, each change announced once")
            .doesNotContain("Lost leadership")
            .doesNotContain(" ERROR ")
            .doesNotContain("Exception in thread");
        assertThat(operator.log().lines().filter(l -> l.contains(" Ready: ")).count()).isOne();
        assertThat(
                kube.v1()
                    .events()
                    .inAnyNamespace()
                    .withField("involvedObject.name", NAME)
                    .list()
                    .getItems())
            .hasSize(1);
      }
    }
  }

  private static ClusterEcrPullSecret clusterPullSecret(Sandbox sandbox) {
    var resource = new ClusterEcrPullSecret();
    resource.getMetadata().setName(NAME);
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    spec.setSecretName(NAME);
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().withMatchLabels(LABELS).build());
    spec.setNamespaces(selector);
    resource.setSpec(spec);
    return resource;
  }

  private static List<Secret> secrets(KubernetesClient kube) {
    return kube.secrets().inAnyNamespace().withField("metadata.name", NAME).list().getItems();
  }
}
