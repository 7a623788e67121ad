package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CronJob manifests under deploy/cronjob, applied to the real API server, and the CLI run as
 * their ServiceAccount (impersonated) with their CronJob's arguments and environment: proves the
 * RBAC they grant is enough, and no more than the namespace.
 */
@ExtendWith(SandboxExtension.class)
class CronJobManifestsIT {

  private static List<HasMetadata> apply(KubernetesClient kube, String file) throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("deploy/cronjob", file))) {
      List<HasMetadata> items = kube.load(in).items();
      for (HasMetadata item : items) {
        if (item instanceof CronJob cronJob) {
          // on the sandbox's node a due schedule would run the placeholder image: this test runs
          // what the CronJob would, itself
          cronJob.getSpec().setSuspend(true);
        }
        kube.resource(item).serverSideApply();
      }
      return items;
    }
  }

  /** Runs what the CronJob's container runs, as its ServiceAccount. */
  private static CliRun runAsCronJob(
      Sandbox sandbox, List<HasMetadata> items, Map<String, String> overrides) {
    CronJob cronJob =
        items.stream()
            .filter(CronJob.class::isInstance)
            .map(CronJob.class::cast)
            .findFirst()
            .orElseThrow();
    var pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    String ns = cronJob.getMetadata().getNamespace();
    var env = new HashMap<String, String>();
    for (EnvVar var : pod.getContainers().get(0).getEnv()) {
      env.put(var.getName(), var.getValue());
    }
    env.putAll(overrides);
    String user = "system:serviceaccount:" + ns + ":" + pod.getServiceAccountName();
    var runtime =
        new CliRuntime(
            () ->
                sandbox
                    .kubernetes()
                    .clientImpersonating(
                        user,
                        "system:serviceaccounts",
                        "system:serviceaccounts:" + ns,
                        "system:authenticated"),
            Clock.systemUTC(),
            env,
            new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(30)));
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = Main.commandLine(runtime);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(pod.getContainers().get(0).getArgs().toArray(String[]::new));
    return new CliRun(code, out.toString(), err.toString());
  }

  @Test
  void clusterWideCronJobRefreshesLabelledNamespacesWithItsClusterRole(Sandbox sandbox)
      throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      List<HasMetadata> items = apply(kube, "cluster-wide.yaml");
      for (String ns : List.of("cron-app-1", "cron-app-2")) {
        TestCluster.namespace(
            kube, ns, ns.endsWith("1") ? Map.of("ecr-pull", "enabled") : Map.of());
      }

      var run = runAsCronJob(sandbox, items, Map.of("ECR_REGISTRY", registry));

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(kube.secrets().inNamespace("cron-app-1").withName("ecr-pull-secret").get())
          .isNotNull();
      assertThat(kube.secrets().inNamespace("cron-app-2").withName("ecr-pull-secret").get())
          .isNull();
      assertThat(
              kube.serviceAccounts()
                  .inNamespace("cron-app-1")
                  .withName("default")
                  .get()
                  .getImagePullSecrets())
          .extracting(LocalObjectReference::getName)
          .containsExactly("ecr-pull-secret");
    }
  }

  @Test
  void singleNamespaceCronJobNeedsOnlyItsRoleAndCannotReadOtherNamespaces(Sandbox sandbox)
      throws Exception {
    String registry = sandbox.registry().ecrHost();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    var keys =
        sandbox
            .aws()
            .createUser("cron-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      kube.resource(
              new NamespaceBuilder().withNewMetadata().withName("my-app").endMetadata().build())
          .create();
      TestCluster.awaitDefaultServiceAccount(kube, "my-app");
      kube.resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("builder")
                  .withNamespace("my-app")
                  .endMetadata()
                  .build())
          .create();
      // the guide's order: the keys first, then the manifest, which carries no Secret to overwrite
      // them
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("ecr-creds")
                  .withNamespace("my-app")
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "AWS_ACCESS_KEY_ID",
                          keys.accessKeyId(),
                          "AWS_SECRET_ACCESS_KEY",
                          keys.secretAccessKey()))
                  .build())
          .create();
      List<HasMetadata> items = apply(kube, "single-namespace.yaml");
      assertThat(items).extracting(HasMetadata::getKind).doesNotContain("Secret");
      int before = sandbox.aws().requestCountByAccessKey(keys.accessKeyId());

      var run = runAsCronJob(sandbox, items, Map.of("ECR_REGISTRY", registry));

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(sandbox.aws().requestCountByAccessKey(keys.accessKeyId())).isEqualTo(before + 1);
      var secret = kube.secrets().inNamespace("my-app").withName("ecr-secret").get();
      assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
      var builder = kube.serviceAccounts().inNamespace("my-app").withName("builder").get();
      assertThat(builder.getImagePullSecrets())
          .extracting(LocalObjectReference::getName)
          .containsExactly("ecr-secret");
      assertThat(builder.getSecrets()).extracting(r -> r.getName()).containsExactly("ecr-secret");

      kube.resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("someone-else")
                  .endMetadata()
                  .build())
          .create();
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("theirs")
                  .withNamespace("someone-else")
                  .endMetadata()
                  .withStringData(Map.of("k", "v"))
                  .build())
          .create();
    }
    try (KubernetesClient asCronJob =
        sandbox
            .kubernetes()
            .clientImpersonating(
                "system:serviceaccount:my-app:ecr-refresh",
                "system:serviceaccounts",
                "system:serviceaccounts:my-app",
                "system:authenticated")) {
      assertThatThrownBy(
              () -> asCronJob.secrets().inNamespace("someone-else").withName("theirs").get())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> asCronJob.secrets().inNamespace("my-app").list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }
}
