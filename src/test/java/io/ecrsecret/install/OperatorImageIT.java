package io.ecrsecret.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.NodeCluster;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.Pods;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image we ship, run as a pod from deploy/operator/cluster-wide.yaml as shipped (its security
 * context and memory limit enforced by runc and the cgroup), changing only the image's source and
 * what points it at the sandbox: one replica on the host network (the API server is on loopback),
 * the in-cluster address of that API server, and the AWS peer with its keys. It serves an
 * EcrPullSecret, and a pod pulls through the secret it wrote.
 *
 * <p>The image is built offline by scripts/test (scripts/test-image: Jib on a base image made here
 * from this machine's JDK by jlink, for tests only; releases use the UBI base).
 */
@ExtendWith(SandboxExtension.class)
class OperatorImageIT {

  private static final Path IMAGE = Path.of("target/jib-image.tar");

  @Test
  void theShippedDeploymentRunsOurImageAndItsSecretsPull(Sandbox sandbox) throws Exception {
    assertThat(IMAGE)
        .as("the operator image, which scripts/test builds (scripts/test-image)")
        .exists();
    String busybox = sandbox.registry().pushBusybox();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (var cluster =
            NodeCluster.start(
                Path.of("."),
                Path.of("target/node-cluster-image").toAbsolutePath(),
                sandbox.registry());
        KubernetesClient kube = cluster.adminClient()) {
      cluster.importImage(IMAGE);
      TestCluster.installCrds(kube, false);
      List<HasMetadata> items = Manifests.file(kube, "deploy/operator/cluster-wide.yaml");
      // the host network (the only way to the loopback API server) is not `restricted`: the
      // shipped namespace enforces that level; here it only warns (the pod is otherwise as shipped,
      // and PodSecurityIT proves the shipped pod passes `restricted`)
      items.stream()
          .filter(i -> i.getKind().equals("Namespace"))
          .forEach(
              ns ->
                  ns.getMetadata()
                      .getLabels()
                      .put("pod-security.kubernetes.io/enforce", "privileged"));
      Deployment deployment = Manifests.deployment(items);
      var pod = deployment.getSpec().getTemplate().getSpec();
      deployment.getSpec().setReplicas(1); // two on the host network would share its ports
      pod.setHostNetwork(true);
      var container = pod.getContainers().get(0);
      var env = new ArrayList<EnvVar>(container.getEnv());
      env.add(
          new EnvVarBuilder().withName("KUBERNETES_SERVICE_HOST").withValue("127.0.0.1").build());
      env.add(
          new EnvVarBuilder()
              .withName("KUBERNETES_SERVICE_PORT")
              .withValue(String.valueOf(cluster.apiServerPort()))
              .build());
      env.add(
          new EnvVarBuilder()
              .withName("AWS_ENDPOINT_URL")
              .withValue(sandbox.aws().endpoint().toString())
              .build());
      env.add(new EnvVarBuilder().withName("AWS_EC2_METADATA_DISABLED").withValue("true").build());
      for (String key : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
        env.add(
            new EnvVarBuilder()
                .withName(key)
                .withNewValueFrom()
                .withNewSecretKeyRef(key, "aws-keys", false)
                .endValueFrom()
                .build());
      }
      container.setEnv(env);
      Manifests.apply(kube, items);
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("aws-keys")
                  .withNamespace("ecr-secret-operator")
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "AWS_ACCESS_KEY_ID",
                          sandbox.aws().adminCredentials().accessKeyId(),
                          "AWS_SECRET_ACCESS_KEY",
                          sandbox.aws().adminCredentials().secretAccessKey()))
                  .build())
          .create();

      awaitTrue(
          "the operator's pod Ready (its readiness probe answers)",
          () -> {
            var d =
                kube.apps()
                    .deployments()
                    .inNamespace("ecr-secret-operator")
                    .withName("ecr-secret-operator")
                    .get();
            return d.getStatus() != null
                && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
          },
          Duration.ofSeconds(120),
          () -> kube.pods().inNamespace("ecr-secret-operator").list().getItems().toString());

      TestCluster.namespace(kube, "image-team", Map.of());
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("pull");
      resource.getMetadata().setNamespace("image-team");
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(sandbox.registry().ecrHost()));
      resource.setSpec(spec);
      kube.resource(resource).create();
      awaitTrue(
          "the resource Ready",
          () -> {
            var r = kube.resource(resource).get();
            return r.getStatus() != null
                && r.getStatus().getConditions() != null
                && r.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
          },
          Duration.ofSeconds(60),
          () -> String.valueOf(kube.resource(resource).get().getStatus()));
      kube.resource(Pods.of("image-team", "app", busybox)).create();
      Pods.await(kube, "image-team", "app", Pods::running, Duration.ofSeconds(60));

      // the operator's JVM in its container: resident memory under the limit the cgroup enforces
      var java =
          ProcessHandle.allProcesses()
              .filter(
                  p ->
                      p.info()
                          .commandLine()
                          .map(c -> c.contains("io.ecrsecret.cli.Main") && c.contains("/app/"))
                          .orElse(false))
              .findFirst()
              .orElseThrow();
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", "" + java.pid(), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      String cgroup =
          Files.readAllLines(Path.of("/proc", "" + java.pid(), "cgroup")).stream()
              .filter(l -> l.contains(":memory:"))
              .map(l -> l.substring(l.lastIndexOf(':') + 1))
              .findFirst()
              .orElseThrow();
      long limit =
          Long.parseLong(
              Files.readString(Path.of("/sys/fs/cgroup/memory", cgroup, "memory.limit_in_bytes"))
                  .trim());
      System.out.printf(
          "operator pod: RSS %.1f MiB, cgroup memory limit %.0f MiB, uid %s%n",
          rss / 1048576.0, limit / 1048576.0, java.info().user().orElse("?"));
      assertThat(limit).as("the shipped limit, enforced").isEqualTo(384L * 1024 * 1024);
      assertThat(rss).isPositive().isLessThan(limit);
    }
  }

  private static void awaitTrue(
      String what,
      java.util.function.BooleanSupplier ok,
      Duration timeout,
      java.util.function.Supplier<String> state) {
    try {
      await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).until(ok::getAsBoolean);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + timeout + "; " + state.get(), e);
    }
  }
}
