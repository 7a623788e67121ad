package io.ecrsecret.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Drills with the operator as a real process, killed with SIGKILL. */
@ExtendWith(SandboxExtension.class)
class ProcessDrillIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void anOperatorKilledMidFanOutIsFinishedByTheNextOneAndNothingIsLost(Sandbox sandbox)
      throws Exception {
    var fanOut = new FanOut("kill-drill", 300);
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      fanOut.create(kube, sandbox);

      var first = OperatorProcess.start(ROOT, sandbox, List.of("--no-leader-election"));
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> fanOut.secrets(kube).size() >= 20);
      } finally {
        first.kill();
      }
      int atKill = fanOut.secrets(kube).size();
      System.out.println(
          "secrets when the operator was killed: " + atKill + " of " + fanOut.count());
      assertThat(atKill).as("killed mid fan-out").isLessThan(fanOut.count());

      try (var second = OperatorProcess.start(ROOT, sandbox, List.of("--no-leader-election"))) {
        fanOut.awaitReady(kube, fanOut.count(), Duration.ofSeconds(90));
        fanOut.assertEverySecretServes(kube, sandbox);
        kube.resource(fanOut.resource(kube)).delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> fanOut.resource(kube) == null);
        assertThat(fanOut.secrets(kube)).isEmpty();
      }
    }
  }

  /**
   * A restart (an upgrade, a new leader, an OOM kill) while every secret is valid: the new process
   * writes no secret, no service account and no status, and asks AWS for no token; each secret's
   * own expiry marker says it is fresh, whatever token the process holds (none).
   */
  @Test
  void aRestartWritesNothingAndAsksAwsNothingWhileTheSecretsAreValid(Sandbox sandbox)
      throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    var fanOut = new FanOut("restart-drill", 40);
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      fanOut.create(kube, sandbox);
      try (var first = OperatorProcess.start(ROOT, sandbox, List.of("--no-leader-election"))) {
        fanOut.awaitReady(kube, fanOut.count(), Duration.ofSeconds(90));
      }
      var secrets = versions(fanOut.secrets(kube));
      var accounts = versions(defaultAccounts(kube, fanOut));
      String status = fanOut.resource(kube).getMetadata().getResourceVersion();
      int tokens = sandbox.aws().requestCount("ecr:GetAuthorizationToken");

      try (var second = OperatorProcess.start(ROOT, sandbox, List.of("--no-leader-election"))) {
        await("the restarted operator reconciled the resource")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions() // its metrics are served a moment after it starts
            .until(
                () ->
                    second.metric(
                            "ecr_secret_reconcile_seconds_count{kind=\"ClusterEcrPullSecret\"}")
                        >= 1);
        assertThat(versions(fanOut.secrets(kube))).as("no secret written").isEqualTo(secrets);
        assertThat(versions(defaultAccounts(kube, fanOut)))
            .as("no service account written")
            .isEqualTo(accounts);
        assertThat(fanOut.resource(kube).getMetadata().getResourceVersion())
            .as("no status written")
            .isEqualTo(status);
        assertThat(sandbox.aws().requestCount("ecr:GetAuthorizationToken"))
            .as("no token asked for")
            .isEqualTo(tokens);

        kube.resource(fanOut.resource(kube)).delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> fanOut.resource(kube) == null);
        assertThat(fanOut.secrets(kube)).isEmpty();
      }
    }
  }

  /** The {@code default} service accounts of the fan-out's namespaces. */
  private static List<ServiceAccount> defaultAccounts(KubernetesClient kube, FanOut fanOut) {
    return kube
        .serviceAccounts()
        .inAnyNamespace()
        .withField("metadata.name", "default")
        .list()
        .getItems()
        .stream()
        .filter(a -> a.getMetadata().getNamespace().startsWith(fanOut.name()))
        .toList();
  }

  private static Map<String, String> versions(List<? extends HasMetadata> objects) {
    return objects.stream()
        .collect(
            Collectors.toMap(
                o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(),
                o -> o.getMetadata().getResourceVersion()));
  }

  @Test
  void whenTheLeaderIsKilledTheStandbyTakesOver(Sandbox sandbox) throws Exception {
    String lease = "kill-leader-drill";
    List<String> args = List.of("--lease-name", lease, "--lease-namespace", "default");
    try (KubernetesClient kube = sandbox.kubernetes().adminClient();
        var a = OperatorProcess.start(ROOT, sandbox, args, Map.of("POD_NAME", "replica-a"));
        var b = OperatorProcess.start(ROOT, sandbox, args, Map.of("POD_NAME", "replica-b"))) {
      TestCluster.installCrds(kube, false);
      String leader =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> holder(kube, lease), h -> "replica-a".equals(h) || "replica-b".equals(h));
      var leading = leader.equals("replica-a") ? a : b;
      var standby = leader.equals("replica-a") ? b : a;

      TestCluster.namespace(kube, "leader-drill", Map.of());
      kube.resource(pullSecret("first")).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> kube.secrets().inNamespace("leader-drill").withName("first").get() != null);
      assertThat(standby.metric("ecr_secret_reconcile_seconds_count"))
          .as("the standby reconciles nothing")
          .isZero();

      long killedAt = System.nanoTime();
      leading.kill();
      String next =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> holder(kube, lease), h -> h != null && !h.equals(leader));
      Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
      System.out.println(
          "leader killed; " + next + " took over after " + takeover.toMillis() + " ms");

      kube.resource(pullSecret("second")).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> kube.secrets().inNamespace("leader-drill").withName("second").get() != null);
      // the secret is written inside the reconcile; its duration is recorded when it ends
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> standby.metric("ecr_secret_reconcile_seconds_count") > 0);
      assertThat(takeover).isLessThan(Duration.ofSeconds(45));

      for (String name : List.of("first", "second")) {
        kube.resources(EcrPullSecret.class).inNamespace("leader-drill").withName(name).delete();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  kube.resources(EcrPullSecret.class)
                      .inNamespace("leader-drill")
                      .list()
                      .getItems()
                      .isEmpty());
    }
  }

  private static EcrPullSecret pullSecret(String name) {
    var r = new EcrPullSecret();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace("leader-drill");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of("123456789012.dkr.ecr.us-east-1.amazonaws.com"));
    spec.setSecretName(name);
    r.setSpec(spec);
    return r;
  }

  private static String holder(KubernetesClient kube, String lease) {
    var l = kube.leases().inNamespace("default").withName(lease).get();
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }
}
