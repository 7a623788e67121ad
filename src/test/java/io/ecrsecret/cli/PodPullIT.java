package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.sandbox.NodeCluster;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event this product exists for: a kubelet pulls a private image named as ECR names it, with
 * the secret the CLI wrote, and the pod runs; without the secret the same pull is refused (401).
 * And what the CLI does for pods: it heals those stuck before the secret existed, and restarts a
 * Deployment whose pods are really replaced.
 */
@ExtendWith(SandboxExtension.class)
class PodPullIT {

  private static final Path STATE = Path.of("target/node-cluster").toAbsolutePath();
  private static NodeCluster cluster;
  private static KubernetesClient kube;
  private static String image;

  @BeforeAll
  static void startNode(Sandbox sandbox) {
    image = sandbox.registry().pushBusybox();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    cluster = NodeCluster.start(Path.of("."), STATE, sandbox.registry());
    kube = cluster.adminClient();
  }

  @AfterAll
  static void stopNode() {
    if (kube != null) {
      kube.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aPodPullsThroughTheSecretTheCliWroteAndFailsWithoutIt(Sandbox sandbox) throws Exception {
    String ns = namespace("pods-cli");
    kube.resource(Pods.of(ns, "before", image)).create();
    Pod refused = Pods.await(kube, ns, "before", Pods::refusedToPull, Duration.ofSeconds(60));
    assertThat(Pods.waitingMessage(refused)).containsIgnoringCase("401");

    var refresh = cli("refresh", "-n", ns, "-r", sandbox.registry().ecrHost());
    assertThat(refresh.exitCode()).as(refresh.output()).isZero();

    kube.resource(Pods.of(ns, "after", image)).create();
    Pod running = Pods.await(kube, ns, "after", Pods::running, Duration.ofSeconds(60));
    assertThat(running.getSpec().getImagePullSecrets())
        .as("the service account's link did it, not the pod")
        .extracting(r -> r.getName())
        .containsExactly("ecr-pull-secret");

    String containerd = Files.readString(STATE.resolve("containerd.log"));
    assertThat(containerd)
        .as("containerd resolved the ECR host through hosts.toml only, never on the network")
        .contains("pulling from host 127.0.0.1:")
        .doesNotContain("no such host")
        .doesNotContain("lookup " + sandbox.registry().ecrHost());
  }

  @Test
  void healingReplacesOnlyThePodsStuckBeforeTheSecretAndARestartReplacesTheRest(Sandbox sandbox) {
    String ns = namespace("pods-heal");
    kube.resource(deployment(ns, "app")).create();
    awaitTrue(
        "the Deployment's pod stuck in ImagePullBackOff",
        () -> kube.pods().inNamespace(ns).list().getItems().stream().anyMatch(Pods::refusedToPull),
        Duration.ofSeconds(60));
    String stuck = kube.pods().inNamespace(ns).list().getItems().get(0).getMetadata().getUid();

    var heal = cli("refresh", "-n", ns, "-r", sandbox.registry().ecrHost(), "--heal-pull-failures");
    assertThat(heal.exitCode()).as(heal.output()).isZero();
    assertThat(heal.output()).contains("deleted stuck pods");
    Pod healed = awaitOnePodRunning(ns);
    assertThat(healed.getMetadata().getUid()).isNotEqualTo(stuck);

    var restart =
        cli("refresh", "-n", ns, "-r", sandbox.registry().ecrHost(), "--restart-deployment", "app");
    assertThat(restart.exitCode()).as(restart.output()).isZero();
    assertThat(restart.output()).contains("restarted: app");
    awaitTrue(
        "the Deployment's pod replaced by a running new one",
        () ->
            kube.pods().inNamespace(ns).list().getItems().stream()
                .anyMatch(
                    p ->
                        Pods.running(p)
                            && !p.getMetadata().getUid().equals(healed.getMetadata().getUid())
                            && p.getMetadata().getDeletionTimestamp() == null),
        Duration.ofSeconds(90));
  }

  private static String namespace(String ns) {
    kube.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    awaitTrue(
        "the controller manager makes the default service account",
        () -> kube.serviceAccounts().inNamespace(ns).withName("default").get() != null,
        Duration.ofSeconds(30));
    return ns;
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment deployment(
      String ns, String name) {
    var pod = Pods.of(ns, name, image);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withSpec(pod.getSpec())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Pod awaitOnePodRunning(String ns) {
    awaitTrue(
        "one running pod in " + ns,
        () ->
            kube.pods().inNamespace(ns).list().getItems().stream()
                .anyMatch(p -> Pods.running(p) && p.getMetadata().getDeletionTimestamp() == null),
        Duration.ofSeconds(90));
    return kube.pods().inNamespace(ns).list().getItems().stream()
        .filter(Pods::running)
        .findFirst()
        .orElseThrow();
  }

  record Run(int exitCode, String output) {}

  private static Run cli(String... args) {
    var runtime =
        new CliRuntime(
            cluster::adminClient,
            Clock.systemUTC(),
            Map.of(),
            new AwsClientSettings(4, Duration.ofSeconds(5), Duration.ofSeconds(30)));
    var out = new StringWriter();
    var cli = Main.commandLine(runtime);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return new Run(cli.execute(args), out.toString());
  }

  private static void awaitTrue(String what, BooleanSupplier ok, Duration timeout) {
    await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(ok::getAsBoolean);
  }
}
