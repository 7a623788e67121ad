package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.sandbox.NodeCluster;
import io.ecrsecret.sandbox.RestartableKubernetesPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
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
    var fanOut = new FanOut("restart-drill", 300);
    int namespaces = fanOut.count();
    try (var cluster = RestartableKubernetesPeer.start(ROOT.resolve("target/restart-drill"));
        var controllers =
            NodeCluster.startControllers(
                cluster, ROOT.resolve("target/restart-drill/controllers"));
        KubernetesClient kube = cluster.adminClient()) {
      TestCluster.installCrds(kube, false);
      fanOut.create(kube, sandbox);
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));

      // as installed: leader election on, so the lease must survive a short outage too
      try (var operator =
          OperatorProcess.start(
              ROOT,
              sandbox,
              List.of("--lease-name", fanOut.name(), "--lease-namespace", "default"),
              Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "POD_NAME", "replica-a"))) {
        int atKill =
            await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> fanOut.secrets(kube).size(), n -> n >= 30);
        cluster.killApiServer();
        Thread.sleep(5_000);
        assertThat(operator.isAlive()).as("the operator rides out the outage").isTrue();
        cluster.startApiServer();
        long backAt = System.nanoTime();

        fanOut.awaitReady(kube, namespaces, Duration.ofSeconds(120));
        System.out.printf(
            "API server killed with %d of %d secrets written, back 5 s later; all %d valid %d ms"
                + " after that%n",
            atKill, namespaces, namespaces, (System.nanoTime() - backAt) / 1_000_000);
        assertThat(atKill).as("killed mid fan-out").isLessThan(namespaces);
        var status = fanOut.resource(kube).getStatus();
        assertThat(Instant.parse(status.getTokenExpiresAt())).isAfter(Instant.now());
        assertThat(status.getConditions())
            .anySatisfy(
                c -> {
                  assertThat(c.getType()).isEqualTo("Ready");
                  assertThat(c.getStatus()).isEqualTo("True");
                });
        fanOut.assertEverySecretServes(kube, sandbox);

        // a second restart while idle: afterwards the operator still sees new namespaces and
        // deleted secrets, so its watches came back
        cluster.killApiServer();
        Thread.sleep(3_000);
        cluster.startApiServer();
        // the controller manager makes its default account once its own watches are back
        TestCluster.namespace(kube, "restart-late", fanOut.labels(), Duration.ofSeconds(90));
        kube.secrets().inNamespace("restart-drill-007").withName(fanOut.name()).delete();
        fanOut.awaitReady(kube, namespaces + 1, Duration.ofSeconds(90));
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
                    .withField("involvedObject.name", fanOut.name())
                    .list()
                    .getItems())
            .hasSize(1);
      }
    }
  }
}
