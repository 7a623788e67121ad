package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.sandbox.KubernetesCluster;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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

  private static KubernetesCluster cluster;
  private static KubernetesClient kube;
  private static String image;

  @BeforeAll
  static void connect(Sandbox sandbox) {
    image = sandbox.image();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    cluster = sandbox.kubernetes();
    kube = cluster.adminClient();
  }

  @AfterAll
  static void disconnect() {
    if (kube != null) {
      kube.close();
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

    String containerd = Files.readString(sandbox.node().containerdLog());
    assertThat(containerd)
        .as("containerd resolved the ECR host through hosts.toml only, never on the network")
        .contains("pulling from host 127.0.0.1:")
        .doesNotContain("no such host")
        .doesNotContain("lookup " + sandbox.registry().ecrHost());
  }

  /**
   * An IPv6-only cluster's pods name the registry by its dual-stack name: the secret written for
   * that name (the same token) lets the kubelet pull through it.
   */
  @Test
  void aPodPullsThroughTheDualStackNameWithTheEntryUnderThatName(Sandbox sandbox) throws Exception {
    String ns = namespace("pods-dual-stack");
    String host = sandbox.registry().dualStackHost();
    String dualStackImage = image.replace(sandbox.registry().ecrHost(), host);
    assertThat(dualStackImage).startsWith(host + "/");

    var refresh = cli("refresh", "-n", ns, "-r", host);
    assertThat(refresh.exitCode()).as(refresh.output()).isZero();
    var config =
        io.ecrsecret.kube.SecretData.decoded(
                kube.secrets().inNamespace(ns).withName("ecr-pull-secret").get(),
                io.ecrsecret.core.DockerConfigJson.KEY)
            .orElseThrow();
    assertThat(io.ecrsecret.core.DockerConfigJson.parse(config)).containsOnlyKeys(host);

    kube.resource(Pods.of(ns, "dual-stack", dualStackImage)).create();
    Pods.await(kube, ns, "dual-stack", Pods::running, Duration.ofSeconds(60));
    assertThat(Files.readString(sandbox.node().containerdLog()))
        .as("containerd resolved the dual-stack name through hosts.toml only")
        .doesNotContain("lookup " + host);
  }

  /**
   * ECR Public: the kubelet pulls {@code public.ecr.aws/...} with the entry ECR Public's own token
   * wrote; the name resolves through hosts.toml to the front that accepts only those tokens.
   */
  @Test
  void aPodPullsFromEcrPublicWithItsOwnToken(Sandbox sandbox) throws Exception {
    String ns = namespace("pods-ecr-public");
    String publicImage = image.replace(sandbox.registry().ecrHost(), RegistryRef.PUBLIC_HOST);
    assertThat(publicImage).startsWith("public.ecr.aws/");

    var refresh = cli("refresh", "-n", ns, "-r", RegistryRef.PUBLIC_HOST);
    assertThat(refresh.exitCode()).as(refresh.output()).isZero();
    kube.resource(Pods.of(ns, "from-public", publicImage)).create();
    Pods.await(kube, ns, "from-public", Pods::running, Duration.ofSeconds(60));
    assertThat(Files.readString(sandbox.node().containerdLog()))
        .as("containerd resolved public.ecr.aws through hosts.toml only")
        .doesNotContain("lookup public.ecr.aws");
  }

  /**
   * Stuck before the secret existed: a Deployment's pod on the ECR registry (deleted, and its
   * replacement runs), a Deployment's pod on another registry and a bare pod on the ECR registry
   * (both left: the first is not ours to heal, nothing would recreate the second). Then a restart
   * really replaces the Deployment's pod.
   */
  @Test
  void healingReplacesOnlyControlledPodsStuckOnTheRegistryAndARestartReplacesTheRest(
      Sandbox sandbox) {
    String ns = namespace("pods-heal");
    kube.resource(Pods.deployment(ns, "app", image)).create();
    kube.resource(Pods.deployment(ns, "elsewhere", "registry.test/org/web:1")).create();
    kube.resource(Pods.of(ns, "bare", image)).create();
    awaitTrue(
        "three pods stuck in ImagePullBackOff",
        () -> {
          var pods = kube.pods().inNamespace(ns).list().getItems();
          return pods.size() == 3 && pods.stream().allMatch(Pods::refusedToPull);
        },
        Duration.ofSeconds(60));
    String stuck = Pods.ofApp(kube, ns, "app").get(0).getMetadata().getUid();
    String elsewhere = Pods.ofApp(kube, ns, "elsewhere").get(0).getMetadata().getUid();
    String bare = kube.pods().inNamespace(ns).withName("bare").get().getMetadata().getUid();

    var heal = cli("refresh", "-n", ns, "-r", sandbox.registry().ecrHost(), "--heal-pull-failures");
    assertThat(heal.exitCode()).as(heal.output()).isZero();
    assertThat(heal.output()).contains("deleted stuck pods: app-").doesNotContain("elsewhere-");
    Pod healed = awaitOnePodRunning(ns, "app");
    assertThat(healed.getMetadata().getUid()).isNotEqualTo(stuck);
    assertThat(Pods.ofApp(kube, ns, "elsewhere"))
        .extracting(p -> p.getMetadata().getUid())
        .containsExactly(elsewhere);
    assertThat(kube.pods().inNamespace(ns).withName("bare").get().getMetadata().getUid())
        .isEqualTo(bare);

    var restart =
        cli("refresh", "-n", ns, "-r", sandbox.registry().ecrHost(), "--restart-deployment", "app");
    assertThat(restart.exitCode()).as(restart.output()).isZero();
    assertThat(restart.output()).contains("restarted: app");
    awaitTrue(
        "the Deployment's pod replaced by a running new one",
        () ->
            Pods.ofApp(kube, ns, "app").stream()
                .anyMatch(
                    p ->
                        Pods.running(p)
                            && !p.getMetadata().getUid().equals(healed.getMetadata().getUid())),
        Duration.ofSeconds(90));
  }

  private static String namespace(String ns) {
    TestCluster.namespace(kube, ns, Map.of());
    return ns;
  }

  private static Pod awaitOnePodRunning(String ns, String app) {
    awaitTrue(
        "a running pod of " + ns + "/" + app,
        () -> Pods.ofApp(kube, ns, app).stream().anyMatch(Pods::running),
        Duration.ofSeconds(90));
    return Pods.ofApp(kube, ns, app).stream().filter(Pods::running).findFirst().orElseThrow();
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
