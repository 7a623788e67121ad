package io.ecrsecret.operator;

import static org.awaitility.Awaitility.await;

import io.ecrsecret.operator.api.AwsIdentitySpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.SecretReference;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.sandbox.SandboxExtension;
import io.ecrsecret.testing.OperatorIdentity;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant whose keys AWS refused fixes their Secret: the resource recovers within seconds, not
 * after the backoff (here 10 minutes), and while the keys stay wrong AWS is not asked again.
 */
@ExtendWith(SandboxExtension.class)
class CredentialsRotationIT {

  @Test
  void fixedKeysTakeEffectWithinTheRecheckAndWrongOnesAreNotRetriedAtAws(Sandbox sandbox)
      throws Exception {
    try (KubernetesClient kube = sandbox.kubernetes().adminClient()) {
      TestCluster.installCrds(kube, false);
      TestCluster.namespace(kube, "rotate", Map.of());
      var keys =
          sandbox
              .aws()
              .createUser(
                  "rotate-user", AwsPeer.policy("[\"ecr:GetAuthorizationToken\"]", "\"*\""));
      kube.resource(keysSecret(keys.accessKeyId(), "not-the-secret-key")).create();
      var config = TestOperatorConfig.named("rotate").retryBackoff(Duration.ofMinutes(10)).build();
      try (var client = OperatorIdentity.client(sandbox.kubernetes());
          var operator = OperatorFixture.start(sandbox, client, config, Clock.systemUTC())) {
        kube.resource(resource(sandbox.registry().ecrHost())).create();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> reason(kube).equals("InvalidCredentials"));
        int refusedCalls = sandbox.aws().requestCountByAccessKey(keys.accessKeyId());

        await("AWS not asked again with the keys it refused")
            .during(KEYS_RECHECK_AND_A_BIT)
            .atMost(KEYS_RECHECK_AND_A_BIT.plusSeconds(5))
            .until(() -> sandbox.aws().requestCountByAccessKey(keys.accessKeyId()) == refusedCalls);

        kube.resource(keysSecret(keys.accessKeyId(), keys.secretAccessKey())).update();
        long fixed = System.nanoTime();
        await()
            .atMost(RefusedKeys.KEYS_RECHECK.plusSeconds(15))
            .until(() -> reason(kube).equals("SecretReady"));
        System.out.println(
            "Ready "
                + Duration.ofNanos(System.nanoTime() - fixed).toSeconds()
                + " s after the fix");
        kube.resources(EcrPullSecret.class).inNamespace("rotate").delete();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    kube.resources(EcrPullSecret.class)
                        .inNamespace("rotate")
                        .list()
                        .getItems()
                        .isEmpty());
      }
    }
  }

  private static final Duration KEYS_RECHECK_AND_A_BIT = RefusedKeys.KEYS_RECHECK.plusSeconds(5);

  private static String reason(KubernetesClient kube) {
    var r = kube.resources(EcrPullSecret.class).inNamespace("rotate").withName("pull").get();
    return r == null || r.getStatus() == null
        ? ""
        : StatusBuilder.readyCondition(r.getStatus()).map(c -> c.getReason()).orElse("");
  }

  private static io.fabric8.kubernetes.api.model.Secret keysSecret(String id, String key) {
    return TestCluster.awsKeys("rotate", "keys", id, key);
  }

  private static EcrPullSecret resource(String registry) {
    var r = new EcrPullSecret();
    r.getMetadata().setName("pull");
    r.getMetadata().setNamespace("rotate");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(registry));
    spec.setServiceAccounts(List.of());
    var aws = new AwsIdentitySpec();
    var ref = new SecretReference();
    ref.setName("keys");
    aws.setCredentialsSecret(ref);
    spec.setAws(aws);
    r.setSpec(spec);
    return r;
  }
}
