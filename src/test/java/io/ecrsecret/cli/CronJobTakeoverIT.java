package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * From a CronJob of our CLI to the operator without a gap: the secret the CLI keeps is taken over
 * in place by the resource that names it (same UID, only ever modified), it authenticates, the
 * takeover is said in an Event, and the CronJob's next run is refused with a message that says to
 * stop it, leaving the secret as the operator keeps it.
 */
@ExtendWith(SandboxExtension.class)
class CronJobTakeoverIT {

  private static final String NS = "cronjob-to-operator";
  private static final String SECRET = "ecr-pull-secret";

  @Test
  void theSecretACronJobKeepsIsTakenOverInPlaceAndTheCronJobIsToldToStop(Sandbox sandbox)
      throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, NS, Map.of());
      var cron = CliRun.run(sandbox, "refresh", "-n", NS, "-r", registry);
      assertThat(cron.exitCode()).as(cron.toString()).isZero();
      Secret made = secret(kube);
      assertThat(made.getMetadata().getAnnotations()).containsEntry(ManagedMarkers.OWNER, "cli");

      var events = new CopyOnWriteArrayList<String>();
      var resource = new EcrPullSecret();
      resource.getMetadata().setName("pull");
      resource.getMetadata().setNamespace(NS);
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(registry));
      resource.setSpec(spec);
      try (Watch watch = watch(kube, made, events);
          KubernetesClient operatorClient = OperatorIdentity.client(sandbox.kubernetes());
          EcrSecretOperator operator =
              EcrSecretOperator.start(
                  TestOperatorConfig.named("cronjob-takeover").build(),
                  operatorClient,
                  Clock.systemUTC(),
                  new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
        kube.resource(resource).create();
        await("the resource keeps the secret now")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    "EcrPullSecret/cronjob-to-operator/pull"
                        .equals(
                            secret(kube).getMetadata().getAnnotations().get(ManagedMarkers.OWNER)));
        await("Ready")
            .atMost(Duration.ofSeconds(15))
            .until(() -> "SecretReady".equals(readyReason(kube)));
        Secret taken = secret(kube);
        assertThat(taken.getMetadata().getUid()).isEqualTo(made.getMetadata().getUid());
        assertThat(taken.getMetadata().getLabels())
            .containsEntry(ManagedMarkers.OWNER_KIND_LABEL, "EcrPullSecret");
        assertThat(taken.getMetadata().getAnnotations()).doesNotContainKey(ManagedMarkers.ADOPTED);
        assertThat(
                sandbox
                    .registry()
                    .inspect(SecretData.decoded(taken, DockerConfigJson.KEY).orElseThrow())
                    .succeeded())
            .as("the secret taken over authenticates")
            .isTrue();
        await("the takeover said in an Event")
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    kube.v1().events().inNamespace(NS).list().getItems().stream()
                        .map(Event::getReason)
                        .anyMatch("SecretAdopted"::equals));

        var status = CliRun.run(sandbox, "status", "-n", NS, "-o", "json");
        assertThat(status.out())
            .as("status says who keeps it now")
            .contains("\"owner\" : \"EcrPullSecret cronjob-to-operator/pull\"");

        // the CronJob runs again: refused, told to stop, and the secret left as it is
        String before = secret(kube).getMetadata().getResourceVersion();
        var next = CliRun.run(sandbox, "refresh", "-n", NS, "-r", registry);
        assertThat(next.exitCode()).as(next.toString()).isNotZero();
        assertThat(next.out() + next.err())
            .contains("kept by EcrPullSecret/cronjob-to-operator/pull now")
            .contains("Stop the CronJob");
        assertThat(secret(kube).getMetadata().getResourceVersion()).isEqualTo(before);

        assertThat(events)
            .as("the secret was only ever modified, never deleted and made again")
            .isNotEmpty()
            .allMatch("MODIFIED"::equals);

        // gone while the operator can still finalize it: nothing left for the tests after
        kube.resource(resource).delete();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    kube.resources(EcrPullSecret.class).inNamespace(NS).withName("pull").get()
                        == null);
      }
    }
  }

  private static String readyReason(KubernetesClient kube) {
    var r = kube.resources(EcrPullSecret.class).inNamespace(NS).withName("pull").get();
    if (r == null || r.getStatus() == null || r.getStatus().getConditions() == null) {
      return "";
    }
    return r.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .map(c -> c.getReason())
        .findFirst()
        .orElse("");
  }

  private static Watch watch(KubernetesClient kube, Secret secret, List<String> events) {
    return kube.secrets()
        .inNamespace(NS)
        .withName(SECRET)
        .watch(
            secret.getMetadata().getResourceVersion(),
            new Watcher<Secret>() {
              @Override
              public void eventReceived(Action action, Secret resource) {
                events.add(action.name());
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  private static Secret secret(KubernetesClient kube) {
    return kube.secrets().inNamespace(NS).withName(SECRET).get();
  }
}
