package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The refresh command against the real peers. */
@ExtendWith(SandboxExtension.class)
class RefreshCommandIT {

  private Sandbox sandbox;
  private KubernetesClient kube;
  private String registry;

  @BeforeEach
  void setUp(Sandbox sandbox) {
    this.sandbox = sandbox;
    this.kube = sandbox.kubernetes().adminClient();
    this.registry = sandbox.registry().ecrHost();
    sandbox.aws().clearFaults();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
  }

  @AfterEach
  void tearDown() {
    sandbox.aws().clearFaults();
    kube.close();
  }

  private Secret secret(String ns, String name) {
    return kube.secrets().inNamespace(ns).withName(name).get();
  }

  private String dockerConfig(String ns, String name) {
    return SecretData.decoded(secret(ns, name), DockerConfigJson.KEY).orElseThrow();
  }

  @Test
  void firstRefreshCreatesSecretsInNamespacesChosenByPatternAndLabelAndTheyAuthenticate() {
    TestCluster.namespace(kube, "pat-one", Map.of());
    TestCluster.namespace(kube, "pat-two", Map.of());
    TestCluster.namespace(kube, "labelled", Map.of("ecr-pull", "on"));
    TestCluster.namespace(kube, "untouched", Map.of());

    var run =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "pat-*",
            "-l",
            "ecr-pull=on",
            "-r",
            registry,
            "--secret-name",
            "pull");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("pat-one", "pat-two", "labelled", "created", "Next refresh needed");
    for (String ns : List.of("pat-one", "pat-two", "labelled")) {
      Secret s = secret(ns, "pull");
      assertThat(s.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
      assertThat(s.getMetadata().getLabels())
          .containsEntry(ManagedMarkers.MANAGED_BY_LABEL, ManagedMarkers.MANAGED_BY);
      assertThat(s.getMetadata().getAnnotations())
          .containsEntry(ManagedMarkers.REGISTRIES, registry);
      var pulled = sandbox.registry().inspect(dockerConfig(ns, "pull"));
      assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
      assertThat(
              kube.serviceAccounts()
                  .inNamespace(ns)
                  .withName("default")
                  .get()
                  .getImagePullSecrets())
          .extracting(LocalObjectReference::getName)
          .containsExactly("pull");
    }
    assertThat(secret("untouched", "pull")).isNull();
  }

  @Test
  void secondRefreshUpdatesInPlaceWithoutEverDeletingTheSecret() throws Exception {
    TestCluster.namespace(kube, "in-place", Map.of());
    assertThat(CliRun.run(sandbox, "refresh", "-n", "in-place", "-r", registry).exitCode())
        .isZero();
    Secret first = secret("in-place", "ecr-pull-secret");

    List<Watcher.Action> events = Collections.synchronizedList(new ArrayList<>());
    try (var watch =
        kube.secrets()
            .inNamespace("in-place")
            .withName("ecr-pull-secret")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Secret resource) {
                    events.add(action);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      // a new expiry: the secret must change
      sandbox
          .aws()
          .tokenExpiresAt(
              Instant.now()
                  .plus(Duration.ofHours(11))
                  .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      var run = CliRun.run(sandbox, "refresh", "-n", "in-place", "-r", registry);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("updated");
      // the watch has seen the write
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> events.contains(Watcher.Action.MODIFIED));
    }
    Secret second = secret("in-place", "ecr-pull-secret");
    assertThat(second.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
    assertThat(second.getMetadata().getResourceVersion())
        .isNotEqualTo(first.getMetadata().getResourceVersion());
    assertThat(events).contains(Watcher.Action.MODIFIED).doesNotContain(Watcher.Action.DELETED);

    // ECR hands out a new token on every call: a third run writes it, in the same secret again
    var third = CliRun.run(sandbox, "refresh", "-n", "in-place", "-r", registry, "-o", "json");
    assertThat(third.out()).contains("\"updated\" : 1");
    assertThat(secret("in-place", "ecr-pull-secret").getMetadata().getUid())
        .isEqualTo(first.getMetadata().getUid());
  }

  @Test
  void staticKeysFromAKubernetesSecretAreUsed() {
    TestCluster.namespace(kube, "static-keys", Map.of());
    var keys =
        sandbox
            .aws()
            .createUser("puller", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("aws-keys")
                .withNamespace("static-keys")
                .endMetadata()
                .withStringData(
                    Map.of(
                        "AWS_ACCESS_KEY_ID",
                        keys.accessKeyId(),
                        "AWS_SECRET_ACCESS_KEY",
                        keys.secretAccessKey()))
                .build())
        .create();
    int before = sandbox.aws().requestCountByAccessKey(keys.accessKeyId());

    var run =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "static-keys",
            "-r",
            registry,
            "--aws-credentials-secret",
            "static-keys/aws-keys");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(sandbox.aws().requestCountByAccessKey(keys.accessKeyId())).isEqualTo(before + 1);
    assertThat(run.out() + run.err()).doesNotContain(keys.secretAccessKey());
  }

  @Test
  void assumeRoleWithExternalIdIsChainedOnTheBaseIdentity() {
    TestCluster.namespace(kube, "assumed", Map.of());
    String roleArn =
        sandbox
            .aws()
            .createRole(
                "cross-account-pull",
                AwsPeer.adminArn(),
                "tenant-42",
                AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));

    // the AWS peer checks the trust policy's sts:ExternalId condition
    var wrongExternalId =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "assumed",
            "-r",
            registry,
            "--role-arn",
            roleArn,
            "--external-id",
            "tenant-41");
    assertThat(wrongExternalId.exitCode()).isEqualTo(1);
    assertThat(wrongExternalId.out())
        .contains("not authorized to perform: sts:AssumeRole")
        .as("the failing call is named, not the ECR call that never went out")
        .contains("AWS denied sts:AssumeRole", "iam-policy --assume-role")
        .doesNotContain("denied ecr:GetAuthorizationToken");
    sandbox.aws().resetRequestCounts();

    var run =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "assumed",
            "-r",
            registry,
            "--role-arn",
            roleArn,
            "--external-id",
            "tenant-42",
            "--role-session-name",
            "pull-test");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    var requests = sandbox.aws().recentRequests();
    var assume =
        requests.stream().filter(r -> r.path("action").asText().equals("sts:AssumeRole")).toList();
    assertThat(assume).hasSize(1);
    assertThat(assume.get(0).path("params").path("RoleArn").asText()).isEqualTo(roleArn);
    assertThat(assume.get(0).path("params").path("ExternalId").asText()).isEqualTo("tenant-42");
    assertThat(assume.get(0).path("params").path("RoleSessionName").asText())
        .isEqualTo("pull-test");
    var token =
        requests.stream()
            .filter(r -> r.path("action").asText().equals("ecr:GetAuthorizationToken"))
            .toList();
    assertThat(token).hasSize(1);
    assertThat(token.get(0).path("accessKey").asText())
        .as("the token is asked for with the role's session keys")
        .startsWith("ASIA");
    assertThat(secret("assumed", "ecr-pull-secret")).isNotNull();

    // a role's session is valid in every region: three regions cost one AssumeRole, three tokens
    sandbox.aws().resetRequestCounts();
    var regions =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "assumed",
            "-s",
            "three-regions",
            "-r",
            registry,
            "-r",
            AwsPeer.ACCOUNT + ".dkr.ecr.eu-west-1.amazonaws.com",
            "-r",
            AwsPeer.ACCOUNT + ".dkr.ecr.ap-south-1.amazonaws.com",
            "--role-arn",
            roleArn,
            "--external-id",
            "tenant-42",
            "--role-session-name",
            "pull-test");
    assertThat(regions.exitCode()).as(regions.toString()).isZero();
    var calls = sandbox.aws().recentRequests();
    assertThat(calls.stream().filter(r -> r.path("action").asText().equals("sts:AssumeRole")))
        .hasSize(1);
    assertThat(
            calls.stream()
                .filter(r -> r.path("action").asText().equals("ecr:GetAuthorizationToken")))
        .hasSize(3);
  }

  @Test
  void accessDeniedIsReportedClearlyAndTheOldSecretIsUntouched() {
    TestCluster.namespace(kube, "denied", Map.of());
    assertThat(CliRun.run(sandbox, "refresh", "-n", "denied", "-r", registry).exitCode()).isZero();
    Secret before = secret("denied", "ecr-pull-secret");
    var stranger = sandbox.aws().createUser("no-ecr", null);
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("stranger-keys")
                .withNamespace("denied")
                .endMetadata()
                .withStringData(
                    Map.of(
                        "aws_access_key_id",
                        stranger.accessKeyId(),
                        "aws_secret_access_key",
                        stranger.secretAccessKey()))
                .build())
        .create();

    var run =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "denied",
            "-r",
            registry,
            "--aws-credentials-secret",
            "denied/stranger-keys");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "failed",
            "AWS denied ecr:GetAuthorizationToken",
            "no-ecr",
            "existing secret was left as it is");
    Secret after = secret("denied", "ecr-pull-secret");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getData()).isEqualTo(before.getData());
  }

  @Test
  void throttlingIsRetriedWithBackoff() {
    TestCluster.namespace(kube, "throttled", Map.of());
    sandbox.aws().resetRequestCounts();
    sandbox
        .aws()
        .injectFaults(AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "throttle").times(2));

    var run = CliRun.run(sandbox, "refresh", "-n", "throttled", "-r", registry);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(sandbox.aws().requestCount("ecr:GetAuthorizationToken")).isEqualTo(3);
  }

  @Test
  void throttlingBeyondTheRetriesFailsClearly() {
    TestCluster.namespace(kube, "storm", Map.of());
    sandbox.aws().injectFaults(AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "throttle"));
    var run = CliRun.run(sandbox, "refresh", "-n", "storm", "-r", registry);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("AWS throttled ecr:GetAuthorizationToken");
    assertThat(secret("storm", "ecr-pull-secret")).isNull();
  }

  @Test
  void anAdoptedSecretKeepsItsForeignRegistryEntries() {
    TestCluster.namespace(kube, "merge", Map.of());
    String foreign = "{\"auths\":{\"quay.io\":{\"auth\":\"" + b64("robot:quay-pass") + "\"}}}";
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("shared")
                .withNamespace("merge")
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(DockerConfigJson.KEY, b64(foreign)))
                .build())
        .create();

    var refused = CliRun.run(sandbox, "refresh", "-n", "merge", "-r", registry, "-s", "shared");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).contains("not managed by ecr-secret-operator", "--adopt");
    assertThat(dockerConfig("merge", "shared")).isEqualTo(foreign);

    var adopted =
        CliRun.run(sandbox, "refresh", "-n", "merge", "-r", registry, "-s", "shared", "--adopt");
    assertThat(adopted.exitCode()).as(adopted.toString()).isZero();
    var entries = DockerConfigJson.parse(dockerConfig("merge", "shared"));
    assertThat(entries).containsKeys("quay.io", registry);
    assertThat(entries.get("quay.io").password()).isEqualTo("quay-pass");

    var again = CliRun.run(sandbox, "refresh", "-n", "merge", "-r", registry, "-s", "shared");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(DockerConfigJson.parse(dockerConfig("merge", "shared")))
        .containsKeys("quay.io", registry);
  }

  @Test
  void anUnmanagedSecretOfAnotherTypeIsRefusedAndLeftAlone() {
    TestCluster.namespace(kube, "unmanaged", Map.of());
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-config")
                .withNamespace("unmanaged")
                .endMetadata()
                .withStringData(Map.of("password", "hunter2"))
                .build())
        .create();
    Secret before = secret("unmanaged", "app-config");

    var run =
        CliRun.run(
            sandbox, "refresh", "-n", "unmanaged", "-r", registry, "-s", "app-config", "--adopt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("has type Opaque", "cannot change in place");
    assertThat(secret("unmanaged", "app-config").getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void adoptingAnOpaqueSecretThatHoldsOtherDataIsRefusedAndDestroysNothing() {
    TestCluster.namespace(kube, "argo-adopt", Map.of());
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-env")
                .withNamespace("argo-adopt")
                .endMetadata()
                .withStringData(Map.of("DATABASE_URL", "postgres://db", "API_KEY", "k-123"))
                .build())
        .create();
    Secret before = secret("argo-adopt", "app-env");

    var run =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "argo-adopt",
            "-r",
            registry,
            "-s",
            "app-env",
            "--format",
            "argocd-helm",
            "--adopt");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).contains("holds other data", "API_KEY", "DATABASE_URL");
    Secret after = secret("argo-adopt", "app-env");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getData()).containsOnlyKeys("DATABASE_URL", "API_KEY");
  }

  @Test
  void serviceAccountsAreLinkedWithoutLosingTheirLinksAndBuilderGetsPullAndMount() {
    kube.resource(new NamespaceBuilder().withNewMetadata().withName("links").endMetadata().build())
        .create();
    TestCluster.awaitDefaultServiceAccount(kube, "links");
    kube.serviceAccounts()
        .inNamespace("links")
        .withName("default")
        .edit(
            sa ->
                new ServiceAccountBuilder(sa)
                    .withImagePullSecrets(new LocalObjectReference("someone-elses"))
                    .build());
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("builder")
                .withNamespace("links")
                .endMetadata()
                .build())
        .create();
    kube.resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("app")
                .withNamespace("links")
                .endMetadata()
                .build())
        .create();

    var run =
        CliRun.run(
            sandbox, "refresh", "-n", "links", "-r", registry, "--service-account", "default,app");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(
            CliRun.run(
                    sandbox,
                    "refresh",
                    "-n",
                    "links",
                    "-r",
                    registry,
                    "--service-account",
                    "default,app")
                .exitCode())
        .isZero();

    var sa = kube.serviceAccounts().inNamespace("links");
    assertThat(sa.withName("default").get().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("someone-elses", "ecr-pull-secret");
    assertThat(sa.withName("app").get().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("ecr-pull-secret");
    var builder = sa.withName("builder").get();
    assertThat(builder.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("ecr-pull-secret");
    assertThat(builder.getSecrets())
        .extracting(r -> r.getName())
        .containsExactly("ecr-pull-secret");
  }

  @Test
  void aMissingServiceAccountIsAFailureButTheSecretIsWritten() {
    kube.resource(new NamespaceBuilder().withNewMetadata().withName("no-sa").endMetadata().build())
        .create();
    var run =
        CliRun.run(sandbox, "refresh", "-n", "no-sa", "-r", registry, "--service-account", "ghost");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("service account no-sa/ghost does not exist");
    assertThat(secret("no-sa", "ecr-pull-secret")).isNotNull();
  }

  @Test
  void oneTokenRequestServesAHundredNamespaces() {
    for (int i = 0; i < 100; i++) {
      TestCluster.namespace(kube, "fan-" + i, Map.of("fan-out", "yes"));
    }
    sandbox.aws().resetRequestCounts();

    var run = CliRun.run(sandbox, "refresh", "-l", "fan-out=yes", "-r", registry, "-o", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("\"created\" : 100");
    assertThat(sandbox.aws().requestCount("ecr:GetAuthorizationToken")).isEqualTo(1);
  }

  @Test
  void dryRunWritesNothing() {
    TestCluster.namespace(kube, "dry", Map.of());
    var run = CliRun.run(sandbox, "refresh", "-n", "dry", "-r", registry, "--dry-run");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("would be created", "dry run");
    assertThat(secret("dry", "ecr-pull-secret")).isNull();
    assertThat(
            kube.serviceAccounts()
                .inNamespace("dry")
                .withName("default")
                .get()
                .getImagePullSecrets())
        .isEmpty();
  }

  @Test
  void everyOptionComesFromTheEnvironmentToo() {
    TestCluster.namespace(kube, "from-env", Map.of());
    var run =
        CliRun.run(
            sandbox,
            Map.of(
                "ECR_NAMESPACE",
                "from-env",
                "ECR_REGISTRY",
                registry,
                "ECR_SECRET_NAME",
                "env-secret"),
            "refresh");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(secret("from-env", "env-secret")).isNotNull();
  }

  @Test
  void tokenValidityIsReportedFromTheTokenItself() {
    TestCluster.namespace(kube, "validity", Map.of());
    Instant expiry =
        Instant.now().plus(Duration.ofHours(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    sandbox.aws().tokenExpiresAt(expiry);
    var run =
        CliRun.run(
            sandbox,
            "refresh",
            "-n",
            "validity",
            "-r",
            registry,
            "--refresh-margin",
            "1h",
            "-o",
            "json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("\"tokenExpiresAt\" : \"" + expiry + "\"");
    assertThat(secret("validity", "ecr-pull-secret").getMetadata().getAnnotations())
        .containsEntry(ManagedMarkers.EXPIRES_AT, expiry.toString());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
