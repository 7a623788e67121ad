package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.sandbox.NodeCluster;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event this product exists for: a kubelet pulls a private image named as ECR names it, with
 * the secret we wrote, and the pod runs; without the secret the same pull is refused (401).
 */
@ExtendWith(SandboxExtension.class)
class PodPullIT {

  private static final Path STATE = Path.of("target/node-cluster").toAbsolutePath();

  @Test
  void aPodPullsThroughTheSecretTheCliWroteAndFailsWithoutIt(Sandbox sandbox) throws Exception {
    String image = sandbox.registry().pushBusybox();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (var cluster = NodeCluster.start(Path.of("."), STATE, sandbox.registry());
        KubernetesClient kube = cluster.adminClient()) {
      String ns = "pods-cli";
      kube.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      await(
          "the controller manager makes the default service account",
          () -> kube.serviceAccounts().inNamespace(ns).withName("default").get() != null,
          Duration.ofSeconds(30));

      kube.resource(Pods.of(ns, "before", image)).create();
      Pod refused = Pods.await(kube, ns, "before", Pods::refusedToPull, Duration.ofSeconds(60));
      assertThat(Pods.waitingMessage(refused)).containsIgnoringCase("401");

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
      int code = cli.execute("refresh", "-n", ns, "-r", sandbox.registry().ecrHost());
      assertThat(code).as(out.toString()).isZero();

      kube.resource(Pods.of(ns, "after", image)).create();
      Pod running = Pods.await(kube, ns, "after", Pods::running, Duration.ofSeconds(60));
      assertThat(running.getSpec().getImagePullSecrets())
          .as("the service account's link did it, not the pod")
          .extracting(r -> r.getName())
          .containsExactly("ecr-pull-secret");

      String containerd = Files.readString(STATE.resolve("containerd.log"));
      assertThat(containerd)
          .as("containerd resolved the ECR host through hosts.toml only, never on the network")
          .doesNotContain("no such host")
          .doesNotContain("lookup " + sandbox.registry().ecrHost());
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier ok, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (ok.getAsBoolean()) {
        return;
      }
      sleep();
    }
    throw new AssertionError(what + ": not within " + timeout);
  }

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
