package io.ecrsecret.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The AWS peer: moto in server mode, with request signing enforced, behind the project's fault
 * proxy ({@code sandbox/aws_fault_proxy.py}). Everything reaches AWS through {@link #endpoint()}.
 */
public final class AwsPeer implements AutoCloseable {

  public static final String ACCOUNT = "123456789012";
  public static final String REGION = "us-east-1";

  /** moto's ECR password for an account: the registry peer accepts it for that account. */
  public static String ecrPassword(String account) {
    return account + "-auth-token";
  }

  /** Requests moto answers before it starts checking signatures: the bootstrap below, exactly. */
  private static final int BOOTSTRAP_REQUESTS = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalProcess moto;
  private final LocalProcess proxy;
  private final URI endpoint;
  private final AwsBasicCredentials admin;
  private final HttpClient http = HttpClient.newHttpClient();

  private final int registryFrontPort;
  private final int publicRegistryFrontPort;

  private AwsPeer(
      LocalProcess moto,
      LocalProcess proxy,
      URI endpoint,
      AwsBasicCredentials admin,
      int registryFrontPort,
      int publicRegistryFrontPort) {
    this.registryFrontPort = registryFrontPort;
    this.publicRegistryFrontPort = publicRegistryFrontPort;
    this.moto = moto;
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.admin = admin;
  }

  static AwsPeer start(Path projectRoot, Path stateDir) {
    Path python = python(projectRoot);
    int motoPort = LocalProcess.freePort();
    LocalProcess moto =
        LocalProcess.start(
            "moto",
            List.of(python.toString(), "-m", "moto.server", "-H", "127.0.0.1", "-p", "" + motoPort),
            Map.of("INITIAL_NO_AUTH_ACTION_COUNT", "" + BOOTSTRAP_REQUESTS),
            stateDir.resolve("moto.log"));
    LocalProcess proxy = null;
    try {
      moto.awaitReady(() -> LocalProcess.listening(motoPort), Duration.ofSeconds(60));
      int proxyPort = LocalProcess.freePort();
      int frontPort = LocalProcess.freePort();
      int publicFrontPort = LocalProcess.freePort();
      proxy =
          LocalProcess.start(
              "aws-fault-proxy",
              List.of(
                  python.toString(),
                  projectRoot.resolve("sandbox/aws_fault_proxy.py").toString(),
                  "--port",
                  "" + proxyPort,
                  "--upstream",
                  "http://127.0.0.1:" + motoPort,
                  "--registry-port",
                  "" + frontPort,
                  "--public-registry-port",
                  "" + publicFrontPort),
              Map.of(),
              stateDir.resolve("aws-fault-proxy.log"));
      proxy.awaitReady(() -> LocalProcess.listening(proxyPort), Duration.ofSeconds(30));
      URI endpoint = URI.create("http://127.0.0.1:" + proxyPort);
      proxy.awaitReady(() -> LocalProcess.listening(frontPort), Duration.ofSeconds(30));
      proxy.awaitReady(() -> LocalProcess.listening(publicFrontPort), Duration.ofSeconds(30));
      return new AwsPeer(
          moto, proxy, endpoint, bootstrapAdmin(endpoint), frontPort, publicFrontPort);
    } catch (RuntimeException e) {
      if (proxy != null) {
        proxy.close();
      }
      moto.close();
      throw e;
    }
  }

  private static Path python(Path projectRoot) {
    Path python =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "ECR_SANDBOX_PYTHON", projectRoot.resolve(".venv/bin/python").toString()));
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException(
          "No Python with moto at " + python + ". Run scripts/setup to create the virtualenv.");
    }
    return python;
  }

  /** The first (unauthenticated) requests create an administrator; after them, keys matter. */
  private static AwsBasicCredentials bootstrapAdmin(URI endpoint) {
    var anyone = AwsBasicCredentials.create("bootstrap-key-id", "bootstrap");
    try (IamClient iam = iam(endpoint, anyone)) {
      iam.createUser(b -> b.userName("sandbox-admin"));
      iam.putUserPolicy(
          b ->
              b.userName("sandbox-admin")
                  .policyName("everything")
                  .policyDocument(policy("\"*\"", "\"*\"")));
      var key = iam.createAccessKey(b -> b.userName("sandbox-admin")).accessKey();
      return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }
  }

  static IamClient iam(URI endpoint, AwsBasicCredentials credentials) {
    return IamClient.builder()
        .endpointOverride(endpoint)
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .build();
  }

  /** An IAM policy document allowing the given actions on the given resources (JSON fragments). */
  public static String policy(String actions, String resources) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
        + actions
        + ",\"Resource\":"
        + resources
        + "}]}";
  }

  /**
   * The registry as clients reach it (host:port on loopback): it accepts each token the emulator
   * handed out with a realistic expiry only until that expiry, as ECR does.
   */
  String registryFront() {
    return "127.0.0.1:" + registryFrontPort;
  }

  /**
   * The same registry as {@code public.ecr.aws} serves it: it accepts only the tokens the
   * emulator's ECR Public handed out, each until its expiry (and no private ECR token).
   */
  String publicRegistryFront() {
    return "127.0.0.1:" + publicRegistryFrontPort;
  }

  /** Points the registry front at the registry, which it reaches with the registry's password. */
  void serveRegistry(String upstreamAddress, String user, String password) {
    control(
        "PUT",
        "/__sandbox/registry",
        Map.of("upstream", "http://" + upstreamAddress, "user", user, "password", password));
  }

  /** The emulator's endpoint, as for {@code AWS_ENDPOINT_URL}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Keys of a user allowed everything. */
  public AwsBasicCredentials adminCredentials() {
    return admin;
  }

  /** An IAM client acting as the administrator. */
  public IamClient adminIam() {
    return iam(endpoint, admin);
  }

  /** Creates a user with the given inline policy (or none) and returns its keys. */
  public AwsBasicCredentials createUser(String name, String policyDocument) {
    try (IamClient iam = adminIam()) {
      iam.createUser(b -> b.userName(name));
      if (policyDocument != null) {
        iam.putUserPolicy(b -> b.userName(name).policyName(name).policyDocument(policyDocument));
      }
      var key = iam.createAccessKey(b -> b.userName(name)).accessKey();
      return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }
  }

  // ---- the fault proxy's control API ----

  /**
   * One fault rule: {@code fault} is throttle, server-error, unavailable, access-denied, slow,
   * drop.
   */
  public record Fault(
      String service, String action, String fault, Integer count, Double delaySeconds) {
    public static Fault of(String service, String action, String fault) {
      return new Fault(service, action, fault, null, null);
    }

    public Fault times(int n) {
      return new Fault(service, action, fault, n, delaySeconds);
    }

    public Fault delay(Duration delay) {
      return new Fault(service, action, fault, count, delay.toMillis() / 1000.0);
    }
  }

  /** Replaces the fault rules; an empty list clears them. */
  public void injectFaults(Fault... faults) {
    control("PUT", "/__sandbox/faults", Map.of("rules", List.of(faults)));
  }

  public void clearFaults() {
    control("DELETE", "/__sandbox/faults", null);
  }

  /** ECR tokens report an expiry of now + the given duration (moto's own is 2015). */
  public void tokenExpiresIn(Duration validity) {
    control("PUT", "/__sandbox/token-expiry", Map.of("expiresInSeconds", validity.toSeconds()));
  }

  /** ECR tokens report this expiry. */
  public void tokenExpiresAt(Instant expiresAt) {
    control("PUT", "/__sandbox/token-expiry", Map.of("expiresAt", expiresAt.getEpochSecond()));
  }

  /**
   * How many requests for {@code service:Action} (e.g. {@code ecr:GetAuthorizationToken}) arrived.
   */
  public int requestCount(String serviceAction) {
    return control("GET", "/__sandbox/requests", null)
        .path("byAction")
        .path(serviceAction)
        .asInt(0);
  }

  /** How many requests were signed with this access key id. */
  public int requestCountByAccessKey(String accessKeyId) {
    return control("GET", "/__sandbox/requests", null)
        .path("byAccessKey")
        .path(accessKeyId)
        .asInt(0);
  }

  /** The last requests: {@code action}, {@code accessKey}, and STS's non-secret {@code params}. */
  public List<JsonNode> recentRequests() {
    var recent = new java.util.ArrayList<JsonNode>();
    control("GET", "/__sandbox/requests", null).path("recent").forEach(recent::add);
    return recent;
  }

  /** The administrator's ARN, as trust policies name it. */
  public static String adminArn() {
    return "arn:aws:iam::" + ACCOUNT + ":user/sandbox-admin";
  }

  /**
   * Creates a role that the given principal may assume (only with the external ID, if one is given:
   * moto checks the trust policy's principal and its {@code sts:ExternalId} condition), allowed the
   * given policy; returns its ARN.
   */
  public String createRole(
      String name, String trustedPrincipalArn, String externalId, String policyDocument) {
    String condition =
        externalId == null
            ? ""
            : ",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"" + externalId + "\"}}";
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
            + trustedPrincipalArn
            + "\"},\"Action\":\"sts:AssumeRole\""
            + condition
            + "}]}";
    try (IamClient iam = adminIam()) {
      String arn =
          iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(trust)).role().arn();
      iam.putRolePolicy(b -> b.roleName(name).policyName(name).policyDocument(policyDocument));
      return arn;
    }
  }

  /**
   * Lets STS accept the cluster's service-account tokens (IRSA, ROSA STS): tokens signed with this
   * key by this issuer, for roles whose trust policy admits their subject and audience.
   */
  public void trustServiceAccountTokens(String issuer, Path signingKey) {
    control(
        "PUT",
        "/__sandbox/web-identity",
        Map.of(
            "issuer",
            issuer,
            "serviceAccountKeyFile",
            signingKey.toAbsolutePath().toString(),
            "accessKeyId",
            admin.accessKeyId(),
            "secretAccessKey",
            admin.secretAccessKey()));
  }

  /** A role with this trust policy (as {@code iam-policy} prints it) and permission policy. */
  public String createRoleWithTrust(String name, String trustPolicy, String policyDocument) {
    try (IamClient iam = adminIam()) {
      String arn =
          iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(trustPolicy)).role().arn();
      iam.putRolePolicy(b -> b.roleName(name).policyName(name).policyDocument(policyDocument));
      return arn;
    }
  }

  public void resetRequestCounts() {
    control("DELETE", "/__sandbox/requests", null);
  }

  private JsonNode control(String method, String path, Object body) {
    try {
      var request =
          HttpRequest.newBuilder(endpoint.resolve(path))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .timeout(Duration.ofSeconds(10))
              .build();
      var response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "fault proxy "
                + method
                + " "
                + path
                + ": "
                + response.statusCode()
                + " "
                + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("fault proxy unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  List<Long> pids() {
    return List.of(moto.pid(), proxy.pid());
  }

  @Override
  public void close() {
    proxy.close();
    moto.close();
  }
}
