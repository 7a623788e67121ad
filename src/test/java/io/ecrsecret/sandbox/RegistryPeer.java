package io.ecrsecret.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real registry (Debian's {@code docker-registry}) on loopback that demands the credentials the
 * AWS peer's ECR hands out for {@link AwsPeer#ACCOUNT}, holding one small image, and {@code skopeo}
 * as the client that proves a generated secret authenticates.
 *
 * <p>The registry cannot answer at the ECR host name (no DNS here), so {@link #inspect} reads the
 * secret's entry for {@link #ecrHost()} and presents those same credentials to {@link #address()}.
 */
public final class RegistryPeer implements AutoCloseable {

  public static final String IMAGE = "sandbox/hello:latest";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalProcess registry;
  private volatile String address;
  private volatile String publicAddress;
  private final String ecrHost;
  private final Path workDir;

  private final String account;

  /** The registry itself, for pushes; {@link #address()} is where clients pull. */
  private final String directAddress;

  private RegistryPeer(
      LocalProcess registry, String address, String ecrHost, Path workDir, String account) {
    this.account = account;
    this.directAddress = address;
    this.registry = registry;
    this.address = address;
    this.ecrHost = ecrHost;
    this.workDir = workDir;
  }

  static RegistryPeer start(Path stateDir, String account, String region) {
    Path dir = stateDir.resolve("registry");
    String user = "AWS";
    String password = AwsPeer.ecrPassword(account);
    try {
      Files.createDirectories(dir.resolve("storage"));
      run(
          List.of("htpasswd", "-Bbc", dir.resolve("htpasswd").toString(), user, password),
          dir,
          "htpasswd (Debian package apache2-utils)");
      int port = LocalProcess.freePort();
      Files.writeString(
          dir.resolve("config.yml"),
          String.join(
              "\n",
              "version: 0.1",
              "log:",
              "  level: warn",
              "storage:",
              "  filesystem:",
              "    rootdirectory: " + dir.resolve("storage"),
              "http:",
              "  addr: 127.0.0.1:" + port,
              "  secret: sandbox-" + port,
              "auth:",
              "  htpasswd:",
              "    realm: sandbox",
              "    path: " + dir.resolve("htpasswd"),
              ""));
      LocalProcess process =
          LocalProcess.start(
              "docker-registry",
              List.of("docker-registry", "serve", dir.resolve("config.yml").toString()),
              Map.of(),
              stateDir.resolve("registry.log"));
      String address = "127.0.0.1:" + port;
      process.awaitReady(() -> answers401(address), Duration.ofSeconds(30));
      var peer =
          new RegistryPeer(
              process, address, account + ".dkr.ecr." + region + ".amazonaws.com", dir, account);
      peer.pushSeedImage(user, password);
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * From now on clients pull through this front (the AWS peer's, checking token expiry), and as
   * {@code public.ecr.aws} through the public one.
   */
  void frontedBy(String frontAddress, String publicFrontAddress) {
    this.address = frontAddress;
    this.publicAddress = publicFrontAddress;
  }

  /**
   * host:port on loopback where the registry answers as {@code public.ecr.aws}, accepting only ECR
   * Public's tokens ({@code SANDBOX_PUBLIC_REGISTRY}); the node maps {@code public.ecr.aws} here.
   */
  public String publicAddress() {
    return publicAddress;
  }

  String directAddress() {
    return directAddress;
  }

  /**
   * Where a publisher pushes ({@code SANDBOX_PUSH_REGISTRY}: the registry itself, plain HTTP on
   * loopback), with {@link #pushUsername()} and {@link #pushPassword()}.
   */
  public String pushAddress() {
    return directAddress;
  }

  public String pushUsername() {
    return "AWS";
  }

  public String pushPassword() {
    return AwsPeer.ecrPassword(account);
  }

  /** host:port of the registry on loopback, as clients pull from it ({@code SANDBOX_REGISTRY}). */
  public String address() {
    return address;
  }

  /** The ECR host whose token the registry accepts ({@code SANDBOX_ECR_REGISTRY}). */
  public String ecrHost() {
    return ecrHost;
  }

  /**
   * The registry's dual-stack (IPv4 and IPv6) name, {@code ACCOUNT.dkr-ecr.REGION.on.aws}: the same
   * registry, the same token; mapped to the loopback registry on the node as the ECR host is.
   */
  public String dualStackHost() {
    return ecrHost.replace(".dkr.ecr.", ".dkr-ecr.").replace(".amazonaws.com", ".on.aws");
  }

  /** What skopeo said, and whether it succeeded. */
  public record Inspection(boolean succeeded, String output) {}

  /**
   * Runs {@code skopeo inspect} on the sandbox image with the credentials a {@code
   * .dockerconfigjson} holds for the ECR host, the way a container runtime would use the secret.
   */
  public Inspection inspect(String dockerConfigJson) {
    return inspect(dockerConfigJson, ecrHost, address);
  }

  /**
   * {@code skopeo inspect} of the sandbox image as {@code public.ecr.aws}, with the credentials the
   * secret holds for that host, presented to the public front.
   */
  public Inspection inspectPublic(String dockerConfigJson) {
    return inspect(dockerConfigJson, "public.ecr.aws", publicAddress);
  }

  /**
   * {@code skopeo inspect} at {@code at}, with the credentials the secret holds for {@code host}.
   */
  public Inspection inspect(String dockerConfigJson, String host, String at) {
    try {
      var config = (ObjectNode) JSON.readTree(dockerConfigJson);
      var auths = JSON.createObjectNode();
      var entry = config.path("auths").get(host);
      if (entry != null) {
        auths.set(at, entry);
      }
      Path authfile = Files.createTempFile(workDir, "authfile", ".json");
      try {
        Files.writeString(authfile, JSON.createObjectNode().set("auths", auths).toString());
        return skopeo(
            "inspect",
            "--tls-verify=false",
            "--authfile",
            authfile.toString(),
            "docker://" + at + "/" + IMAGE);
      } finally {
        Files.deleteIfExists(authfile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code skopeo inspect} with no credentials at all. */
  public Inspection inspectWithoutCredentials() {
    return skopeo("inspect", "--tls-verify=false", "--no-creds", image());
  }

  private String image() {
    return "docker://" + address + "/" + IMAGE;
  }

  private static boolean answers401(String address) {
    try {
      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + address + "/v2/"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 401;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Pushes an empty one-layer image with skopeo, as the account's user. */
  private void pushSeedImage(String user, String password) throws IOException {
    push(
        SandboxImages.empty(workDir.resolve("seed-image")),
        "latest",
        "docker://" + directAddress + "/" + IMAGE,
        user,
        password);
  }

  /**
   * Pushes busybox, whose default command sleeps, as {@code ECR_HOST/sandbox/busybox:1}: the image
   * pods of the node cluster run ({@code SANDBOX_IMAGE}). Returns that name.
   */
  public String pushBusybox() {
    try {
      Path layout =
          SandboxImages.busybox(
              workDir.resolve("busybox-image"), List.of("/bin/sleep", "3600"), "1");
      push(
          layout,
          "1",
          "docker://" + directAddress + "/" + SandboxImages.BUSYBOX_REPOSITORY,
          "AWS",
          AwsPeer.ecrPassword(account));
      return ecrHost + "/" + SandboxImages.BUSYBOX_REPOSITORY;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void push(Path layout, String tag, String destination, String user, String password) {
    var pushed =
        skopeo(
            "copy",
            "--insecure-policy",
            "--dest-tls-verify=false",
            "--dest-creds",
            user + ":" + password,
            "oci:" + layout + ":" + tag,
            destination);
    if (!pushed.succeeded()) {
      throw new IllegalStateException("Cannot push " + destination + ":\n" + pushed.output());
    }
  }

  private Inspection skopeo(String... args) {
    var command = new ArrayList<String>();
    command.add("skopeo");
    command.addAll(List.of(args));
    return run(command, workDir, "skopeo (Debian package skopeo)");
  }

  private static Inspection run(List<String> command, Path dir, String what) {
    try {
      Path output = Files.createTempFile(dir, "out", ".txt");
      try {
        Process process =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return new Inspection(false, what + " timed out");
        }
        return new Inspection(process.exitValue() == 0, Files.readString(output));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot run " + what + ": " + e.getMessage() + ". Run scripts/setup to install it.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  long pid() {
    return registry.pid();
  }

  @Override
  public void close() {
    registry.close();
  }
}
