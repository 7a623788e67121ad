package io.ecrsecret.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** Proves each peer is the real thing: every check here would fail against a fake. */
@ExtendWith(SandboxExtension.class)
class SandboxPeersIT {

  private static final String WIDGET_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.sandbox.test
      spec:
        group: sandbox.test
        scope: Namespaced
        names: {plural: widgets, singular: widget, kind: Widget}
        versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [registry]
                    properties:
                      registry:
                        type: string
                        pattern: '^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com$'
      """;

  /**
   * etcd (no TLS, no auth), the API server, the AWS emulator and the registry listen on loopback
   * only: read from the kernel's socket tables for every process the sandbox started.
   */
  @Test
  void everyPeerListensOnLoopbackOnly(Sandbox sandbox) throws Exception {
    var listening = new java.util.HashMap<String, String>(); // socket inode -> local address
    for (String table : java.util.List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A")) {
          listening.put(f[9], f[1]);
        }
      }
    }
    var seen = new java.util.TreeMap<String, String>();
    ProcessHandle.current()
        .descendants()
        .forEach(
            p -> {
              String command = p.info().command().orElse("?");
              if (command.endsWith("/java")) {
                return; // operator processes a drill started: their metrics port is for Prometheus
              }
              var fds = java.nio.file.Path.of("/proc", String.valueOf(p.pid()), "fd");
              try (var links = java.nio.file.Files.list(fds)) {
                links.forEach(
                    fd -> {
                      try {
                        String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                          String inode = target.substring(8, target.length() - 1);
                          if (listening.containsKey(inode)) {
                            seen.put(
                                command.substring(command.lastIndexOf('/') + 1)
                                    + " "
                                    + p.pid()
                                    + " fd "
                                    + fd.getFileName(),
                                listening.get(inode));
                          }
                        }
                      } catch (java.io.IOException gone) {
                        // the descriptor closed meanwhile
                      }
                    });
              } catch (java.io.IOException gone) {
                // the process ended meanwhile
              }
            });
    assertThat(seen.keySet())
        .as("listening peers")
        .anyMatch(k -> k.startsWith("etcd"))
        .anyMatch(k -> k.startsWith("kube-apiserver"));
    assertThat(seen)
        .as("local addresses (hex, as /proc/net/tcp writes them)")
        .allSatisfy(
            (process, address) ->
                assertThat(loopback(address)).as(process + " listens on " + address).isTrue());
  }

  /** 127.0.0.0/8 (little-endian in /proc/net/tcp), ::1, or ::ffff:127.x.y.z. */
  private static boolean loopback(String address) {
    String host = address.substring(0, address.indexOf(':'));
    if (host.length() == 8) {
      return host.endsWith("7F");
    }
    return host.equals("00000000000000000000000001000000")
        || host.startsWith("0000000000000000FFFF0000") && host.endsWith("7F");
  }

  @Test
  void apiServerRejectsACustomResourceThatViolatesItsSchema(Sandbox sandbox) {
    try (KubernetesClient client = sandbox.kubernetes().adminClient()) {
      CustomResourceDefinition crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(new ByteArrayInputStream(WIDGET_CRD.getBytes(StandardCharsets.UTF_8)))
              .item();
      client.resource(crd).serverSideApply();
      TestCluster.awaitEstablished(client, "widgets.sandbox.test");

      var widgets =
          client.genericKubernetesResources("sandbox.test/v1", "Widget").inNamespace("default");
      widgets.resource(widget("good", "123456789012.dkr.ecr.us-east-1.amazonaws.com")).create();
      assertThat(widgets.withName("good").get()).isNotNull();

      assertThatThrownBy(() -> widgets.resource(widget("bad", "not a registry")).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains("spec.registry");
              });
      assertThat(widgets.withName("bad").get()).isNull();
    }
  }

  private static GenericKubernetesResource widget(String name, String registry) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("sandbox.test/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of("registry", registry)))
        .build();
  }

  @Test
  void rbacDeniesAnImpersonatedServiceAccountWhatItWasNotGranted(Sandbox sandbox) {
    try (KubernetesClient admin = sandbox.kubernetes().adminClient()) {
      for (String ns : new String[] {"rbac-team-a", "rbac-team-b"}) {
        admin
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
        admin
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("s")
                    .withNamespace(ns)
                    .endMetadata()
                    .withStringData(Map.of("k", "v"))
                    .build())
            .create();
      }
      admin
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("reader")
                  .withNamespace("rbac-team-a")
                  .endMetadata()
                  .build())
          .create();
      admin
          .resource(
              new RoleBuilder()
                  .withNewMetadata()
                  .withName("secret-reader")
                  .withNamespace("rbac-team-a")
                  .endMetadata()
                  .withRules(
                      new PolicyRuleBuilder()
                          .withApiGroups("")
                          .withResources("secrets")
                          .withVerbs("get", "list")
                          .build())
                  .build())
          .create();
      admin
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("reader-reads")
                  .withNamespace("rbac-team-a")
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "Role", "secret-reader")
                  .withSubjects(
                      new SubjectBuilder()
                          .withKind("ServiceAccount")
                          .withName("reader")
                          .withNamespace("rbac-team-a")
                          .build())
                  .build())
          .create();
    }

    try (KubernetesClient reader =
        sandbox
            .kubernetes()
            .clientImpersonating(
                "system:serviceaccount:rbac-team-a:reader",
                "system:serviceaccounts",
                "system:serviceaccounts:rbac-team-a",
                "system:authenticated")) {
      assertThat(reader.secrets().inNamespace("rbac-team-a").withName("s").get()).isNotNull();
      assertForbidden(() -> reader.secrets().inNamespace("rbac-team-b").withName("s").get());
      assertForbidden(() -> reader.secrets().inNamespace("rbac-team-a").withName("s").delete());
    }
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void awsPeerChecksSignaturesAndKeys(Sandbox sandbox) {
    AwsBasicCredentials admin = sandbox.aws().adminCredentials();
    try (EcrClient ecr = ecr(sandbox, admin)) {
      assertThat(ecr.getAuthorizationToken().authorizationData()).hasSize(1);
    }

    var wrongSecret = AwsBasicCredentials.create(admin.accessKeyId(), "not-the-secret-key");
    try (EcrClient ecr = ecr(sandbox, wrongSecret);
        StsClient sts = sts(sandbox, wrongSecret)) {
      assertThatThrownBy(ecr::getAuthorizationToken)
          .isInstanceOfSatisfying(
              EcrException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
      assertThatThrownBy(sts::getCallerIdentity)
          .isInstanceOfSatisfying(
              StsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
    }

    var unknownKey = AwsBasicCredentials.create("unknown-key-id", "whatever");
    try (EcrClient ecr = ecr(sandbox, unknownKey)) {
      assertThatThrownBy(ecr::getAuthorizationToken)
          .isInstanceOfSatisfying(
              EcrException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId"));
    }
  }

  @Test
  void awsPeerDeniesAUserWithoutEcrPermission(Sandbox sandbox) {
    var stranger = sandbox.aws().createUser("no-ecr-rights", null);
    try (EcrClient ecr = ecr(sandbox, stranger)) {
      assertThatThrownBy(ecr::getAuthorizationToken)
          .isInstanceOfSatisfying(
              EcrException.class,
              e -> {
                assertThat(e.statusCode()).isIn(400, 403);
                assertThat(e.awsErrorDetails().errorCode()).containsIgnoringCase("AccessDenied");
              });
    }
  }

  @Test
  void faultProxyInjectsFaultsSetsExpiryAndCounts(Sandbox sandbox) {
    var aws = sandbox.aws();
    try (EcrClient ecr = ecr(sandbox, aws.adminCredentials())) {
      aws.resetRequestCounts();
      aws.injectFaults(AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "throttle").times(1));
      assertThatThrownBy(ecr::getAuthorizationToken)
          .isInstanceOfSatisfying(
              EcrException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(e.isThrottlingException()).isTrue();
              });

      aws.tokenExpiresIn(Duration.ofHours(12));
      Instant before = Instant.now();
      AuthorizationData data = ecr.getAuthorizationToken().authorizationData().get(0);
      assertThat(data.expiresAt())
          .isBetween(
              before.plus(Duration.ofHours(12)).minusSeconds(5),
              before.plus(Duration.ofHours(12)).plusSeconds(5));
      assertThat(aws.requestCount("ecr:GetAuthorizationToken")).isEqualTo(2);

      aws.injectFaults(AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "server-error").times(1));
      assertThatThrownBy(ecr::getAuthorizationToken)
          .isInstanceOfSatisfying(
              EcrException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    } finally {
      aws.clearFaults();
    }
  }

  @Test
  void registryRefusesAPullWithoutTheEcrCredentials(Sandbox sandbox) {
    var registry = sandbox.registry();
    assertThat(registry.inspectWithoutCredentials().succeeded()).isFalse();
    assertThat(registry.inspectWithoutCredentials().output()).containsIgnoringCase("unauthorized");

    String wrong = dockerConfig(registry.ecrHost(), "AWS", "not-the-token");
    assertThat(registry.inspect(wrong).succeeded()).isFalse();

    String token;
    try (EcrClient ecr = ecr(sandbox, sandbox.aws().adminCredentials())) {
      token = ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken();
    }
    String[] userAndPassword =
        new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split(":", 2);
    var pulled =
        registry.inspect(dockerConfig(registry.ecrHost(), userAndPassword[0], userAndPassword[1]));
    assertThat(pulled.succeeded()).as(pulled.output()).isTrue();
    assertThat(pulled.output()).contains("\"Digest\"");
  }

  /** As ECR: each token has a password of its own, which opens the registry until it expires. */
  @Test
  void aTokenOpensTheRegistryOnlyUntilItsExpiry(Sandbox sandbox) throws Exception {
    var registry = sandbox.registry();
    sandbox.aws().tokenExpiresIn(Duration.ofSeconds(4));
    try (EcrClient ecr = ecr(sandbox, sandbox.aws().adminCredentials())) {
      AuthorizationData first = ecr.getAuthorizationToken().authorizationData().get(0);
      AuthorizationData second = ecr.getAuthorizationToken().authorizationData().get(0);
      assertThat(first.authorizationToken())
          .as("a distinct password per token")
          .isNotEqualTo(second.authorizationToken());
      String config =
          "{\"auths\":{\""
              + registry.ecrHost()
              + "\":{\"auth\":\""
              + first.authorizationToken()
              + "\"}}}";
      var before = registry.inspect(config);
      assertThat(before.succeeded()).as(before.output()).isTrue();
      Thread.sleep(
          Math.max(0, Duration.between(Instant.now(), first.expiresAt()).toMillis()) + 1000);
      var after = registry.inspect(config);
      assertThat(after.succeeded()).as("refused once expired").isFalse();
      assertThat(after.output()).containsIgnoringCase("unauthorized");
    } finally {
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    }
  }

  private static String dockerConfig(String host, String user, String password) {
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}";
  }

  static EcrClient ecr(Sandbox sandbox, AwsBasicCredentials credentials) {
    return EcrClient.builder()
        .endpointOverride(sandbox.aws().endpoint())
        .region(Region.of(AwsPeer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  static StsClient sts(Sandbox sandbox, AwsBasicCredentials credentials) {
    return StsClient.builder()
        .endpointOverride(sandbox.aws().endpoint())
        .region(Region.of(AwsPeer.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }
}
