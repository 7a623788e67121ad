package io.ecrsecret.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ECR Public ({@code public.ecr.aws}) against the sandbox: its token comes from the emulator's ECR
 * Public (SigV4 checked against the keys IAM handed out), one per identity, and only the registry's
 * {@code public.ecr.aws} front accepts it.
 */
@ExtendWith(SandboxExtension.class)
class EcrPublicIT {

  private static final String PUBLIC = RegistryRef.PUBLIC_HOST;
  private static final String PUBLIC_TOKENS = "ecr-public:GetAuthorizationToken";
  private static final String PRIVATE_TOKENS = "ecr:GetAuthorizationToken";

  private Sandbox sandbox;
  private KubernetesClient kube;

  @BeforeEach
  void setUp(Sandbox sandbox) {
    this.sandbox = sandbox;
    this.kube = sandbox.kubernetes().adminClient();
    sandbox.aws().clearFaults();
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    sandbox.aws().resetRequestCounts();
  }

  @AfterEach
  void tearDown() {
    sandbox.aws().clearFaults();
    kube.close();
  }

  private String dockerConfig(String ns) {
    return SecretData.decoded(
            kube.secrets().inNamespace(ns).withName("ecr-pull-secret").get(), DockerConfigJson.KEY)
        .orElseThrow();
  }

  @Test
  void aPublicEntryHasItsOwnTokenWhichOnlyThePublicRegistryAccepts() {
    TestCluster.namespace(kube, "pub-one", Map.of());
    TestCluster.namespace(kube, "pub-two", Map.of());
    String ecr = sandbox.registry().ecrHost();

    var run = CliRun.run(sandbox, "refresh", "-n", "pub-*", "-r", ecr, "-r", PUBLIC);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    // one token of each kind for both namespaces: ECR Public's is an entry of its own
    assertThat(sandbox.aws().requestCount(PUBLIC_TOKENS)).isEqualTo(1);
    assertThat(sandbox.aws().requestCount(PRIVATE_TOKENS)).isEqualTo(1);
    for (String ns : new String[] {"pub-one", "pub-two"}) {
      String config = dockerConfig(ns);
      var entries = DockerConfigJson.parse(config);
      assertThat(entries).containsOnlyKeys(ecr, PUBLIC);
      assertThat(entries.get(PUBLIC)).isNotEqualTo(entries.get(ecr));
      var pulled = sandbox.registry().inspectPublic(config);
      assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
      assertThat(sandbox.registry().inspect(config).succeeded()).isTrue();
      // each registry refuses the other's token
      var publicAtPrivate =
          sandbox.registry().inspect(config, PUBLIC, sandbox.registry().address());
      assertThat(publicAtPrivate.succeeded()).isFalse();
      assertThat(publicAtPrivate.output()).contains("unauthorized");
      var privateAtPublic =
          sandbox.registry().inspect(config, ecr, sandbox.registry().publicAddress());
      assertThat(privateAtPublic.succeeded()).isFalse();
    }

    // a second run (the CLI refreshes whenever it runs) asks once more for each, no more
    var again = CliRun.run(sandbox, "refresh", "-n", "pub-*", "-r", ecr, "-r", PUBLIC);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(sandbox.aws().requestCount(PUBLIC_TOKENS)).isEqualTo(2);
    assertThat(sandbox.aws().requestCount(PRIVATE_TOKENS)).isEqualTo(2);
  }

  @Test
  void aWrongSecretKeyIsRefusedByEcrPublicAndSaidWithoutTheKey() {
    TestCluster.namespace(kube, "pub-bad-keys", Map.of());
    var user =
        sandbox
            .aws()
            .createUser(
                "pub-user",
                AwsPeer.policy(
                    "[\"ecr-public:GetAuthorizationToken\",\"sts:GetServiceBearerToken\"]",
                    "\"*\""));
    String wrongSecret = "wrong" + user.secretAccessKey().substring(5);
    keys("pub-bad-keys", "wrong", user.accessKeyId(), wrongSecret);
    keys("pub-bad-keys", "right", user.accessKeyId(), user.secretAccessKey());

    var refused = refreshWithKeys("pub-bad-keys/wrong");

    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.toString())
        .contains("AWS rejected the credentials for " + PUBLIC_TOKENS, "us-east-1")
        .doesNotContain(wrongSecret, user.secretAccessKey());
    assertThat(kube.secrets().inNamespace("pub-bad-keys").withName("ecr-pull-secret").get())
        .isNull();

    var accepted = refreshWithKeys("pub-bad-keys/right");
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    assertThat(sandbox.registry().inspectPublic(dockerConfig("pub-bad-keys")).succeeded()).isTrue();
    assertThat(sandbox.aws().requestCountByAccessKey(user.accessKeyId())).isEqualTo(2);
  }

  @Test
  void throttlingIsRetriedWithBackoffAndSucceeds() {
    TestCluster.namespace(kube, "pub-throttled", Map.of());
    sandbox
        .aws()
        .injectFaults(AwsPeer.Fault.of("ecr-public", "GetAuthorizationToken", "throttle").times(2));

    var run = CliRun.run(sandbox, "refresh", "-n", "pub-throttled", "-r", PUBLIC);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(sandbox.aws().requestCount(PUBLIC_TOKENS)).isEqualTo(3);
    assertThat(sandbox.registry().inspectPublic(dockerConfig("pub-throttled")).succeeded())
        .isTrue();
  }

  private CliRun refreshWithKeys(String keysSecret) {
    return CliRun.run(
        sandbox,
        "refresh",
        "-n",
        "pub-bad-keys",
        "-r",
        PUBLIC,
        "--aws-credentials-secret",
        keysSecret);
  }

  private void keys(String ns, String name, String id, String secret) {
    kube.resource(TestCluster.awsKeys(ns, name, id, secret)).create();
  }
}
