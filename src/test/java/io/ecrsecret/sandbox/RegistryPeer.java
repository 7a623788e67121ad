package io.ecrsecret.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

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
  private final String address;
  private final String ecrHost;
  private final Path workDir;

  private RegistryPeer(LocalProcess registry, String address, String ecrHost, Path workDir) {
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
              process, address, account + ".dkr.ecr." + region + ".amazonaws.com", dir);
      peer.pushSeedImage(user, password);
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** host:port of the registry on loopback ({@code SANDBOX_REGISTRY}). */
  public String address() {
    return address;
  }

  /** The ECR host whose token the registry accepts ({@code SANDBOX_ECR_REGISTRY}). */
  public String ecrHost() {
    return ecrHost;
  }

  /** What skopeo said, and whether it succeeded. */
  public record Inspection(boolean succeeded, String output) {}

  /**
   * Runs {@code skopeo inspect} on the sandbox image with the credentials a {@code
   * .dockerconfigjson} holds for the ECR host, the way a container runtime would use the secret.
   */
  public Inspection inspect(String dockerConfigJson) {
    try {
      var config = (ObjectNode) JSON.readTree(dockerConfigJson);
      var auths = JSON.createObjectNode();
      var entry = config.path("auths").get(ecrHost);
      if (entry != null) {
        auths.set(address, entry);
      }
      Path authfile = Files.createTempFile(workDir, "authfile", ".json");
      try {
        Files.writeString(authfile, JSON.createObjectNode().set("auths", auths).toString());
        return skopeo("inspect", "--tls-verify=false", "--authfile", authfile.toString(), image());
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

  /** Builds a one-layer OCI image on disk and pushes it with skopeo, as the account's user. */
  private void pushSeedImage(String user, String password) throws IOException {
    Path layout = workDir.resolve("seed-image");
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    byte[] tar = new byte[10240]; // an empty tar archive: end-of-archive blocks only
    var gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    byte[] layer = gz.toByteArray();
    String layerDigest = writeBlob(blobs, layer);
    byte[] imageConfig =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + sha256(tar)
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = writeBlob(blobs, imageConfig);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"sha256:"
                + configDigest
                + "\",\"size\":"
                + imageConfig.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"sha256:"
                + layerDigest
                + "\",\"size\":"
                + layer.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    String manifestDigest = writeBlob(blobs, manifest);
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        layout.resolve("index.json"),
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\"sha256:"
            + manifestDigest
            + "\",\"size\":"
            + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
    var pushed =
        skopeo(
            "copy",
            "--insecure-policy",
            "--dest-tls-verify=false",
            "--dest-creds",
            user + ":" + password,
            "oci:" + layout + ":latest",
            image());
    if (!pushed.succeeded()) {
      throw new IllegalStateException("Cannot push the seed image:\n" + pushed.output());
    }
  }

  private static String writeBlob(Path blobs, byte[] content) throws IOException {
    String digest = sha256(content);
    Files.write(blobs.resolve(digest), content);
    return digest;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
