package io.ecrsecret.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The sandbox's images, made here from Debian's busybox-static (no registry on the internet is
 * asked for anything): OCI image layouts on disk, pushed to the sandbox registry with skopeo or
 * imported into containerd.
 */
public final class SandboxImages {

  /** The pod sandbox ("pause") image, imported into containerd; never pulled from anywhere. */
  static final String PAUSE = "registry.invalid/sandbox/pause:1";

  /** busybox, whose default command sleeps: {@code SANDBOX_IMAGE} is its ECR name. */
  public static final String BUSYBOX_REPOSITORY = "sandbox/busybox:1";

  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private SandboxImages() {}

  /** An empty image (one empty layer), as {@code oci:LAYOUT:latest}. */
  static Path empty(Path layout) throws IOException {
    byte[] tar = new byte[10240]; // an empty tar archive: end-of-archive blocks only
    return write(layout, tar, "{}", "latest");
  }

  /** busybox at /bin/busybox, running {@code command}, as {@code oci:LAYOUT:TAG}. */
  static Path busybox(Path layout, List<String> command, String tag) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IllegalStateException(
          "no " + BUSYBOX + ": install Debian's busybox-static (scripts/setup does)");
    }
    Path root = Files.createDirectories(layout.resolveSibling(layout.getFileName() + "-rootfs"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    for (String applet : List.of("sh", "sleep", "cat", "ls")) {
      Path link = bin.resolve(applet);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("busybox"));
    }
    Path tarFile = layout.resolveSibling(layout.getFileName() + "-layer.tar");
    run(
        List.of(
            "tar",
            "--numeric-owner",
            "--owner=0",
            "--group=0",
            "--mtime=@0",
            "-C",
            root.toString(),
            "-cf",
            tarFile.toString(),
            "bin"));
    String cmd =
        command.stream()
            .map(c -> "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    return write(
        layout,
        Files.readAllBytes(tarFile),
        "{\"Cmd\":[" + cmd + "],\"Env\":[\"PATH=/bin\"]}",
        tag);
  }

  /** Imports the pause image into containerd's CRI namespace (k8s.io). */
  static void importPause(Path containerdSocket, Path workDir) throws IOException {
    Path layout = busybox(workDir.resolve("pause"), List.of("/bin/sleep", "2147483647"), "1");
    Path archive = workDir.resolve("pause.tar");
    run(List.of("tar", "-C", layout.toString(), "-cf", archive.toString(), "."));
    ctrImport(containerdSocket, archive, PAUSE.substring(0, PAUSE.lastIndexOf(':')));
  }

  /**
   * {@code ctr images import} into containerd's CRI namespace (k8s.io): a docker or OCI archive,
   * named by its own tags, or by {@code baseName} and its OCI ref names where that is given.
   */
  static void ctrImport(Path containerdSocket, Path archive, String baseName) throws IOException {
    var command =
        new java.util.ArrayList<>(
            List.of(
                "ctr",
                "--address",
                containerdSocket.toString(),
                "--namespace",
                "k8s.io",
                "images",
                "import"));
    if (baseName != null) {
      command.addAll(List.of("--base-name", baseName));
    }
    command.add(archive.toAbsolutePath().toString());
    run(command);
  }

  private static Path write(Path layout, byte[] tar, String containerConfig, String tag)
      throws IOException {
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    var gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    byte[] layer = gz.toByteArray();
    String layerDigest = writeBlob(blobs, layer);
    byte[] imageConfig =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":"
                + containerConfig
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
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
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + tag
            + "\"}}]}");
    return layout;
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

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
