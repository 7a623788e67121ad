package io.ecrsecret.testing;

import io.ecrsecret.sandbox.Sandbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as a real process (the jar), as a container runs it: for footprint figures and for
 * drills that kill it.
 */
public final class OperatorProcess implements AutoCloseable {

  /**
   * The image's JVM flags (declared once, in the pom's Jib configuration), with the container's
   * 384Mi emulated by -XX:MaxRAM.
   */
  public static final String JVM_FLAGS = "-XX:MaxRAM=384m " + imageJvmFlags();

  /** The {@code JAVA_TOOL_OPTIONS} the image sets, read from the pom. */
  public static String imageJvmFlags() {
    try {
      String pom = java.nio.file.Files.readString(Path.of("pom.xml"));
      var m =
          java.util.regex.Pattern.compile("<JAVA_TOOL_OPTIONS>([^<]+)</JAVA_TOOL_OPTIONS>")
              .matcher(pom);
      if (!m.find()) {
        throw new IllegalStateException("pom.xml sets no JAVA_TOOL_OPTIONS for the image");
      }
      return m.group(1).trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private final Process process;
  private final int metricsPort;
  private final Path log;

  private OperatorProcess(Process process, int metricsPort, Path log) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  public static OperatorProcess start(Path root, Sandbox sandbox, List<String> args)
      throws IOException {
    return start(root, sandbox, args, java.util.Map.of());
  }

  public static OperatorProcess start(
      Path root, Sandbox sandbox, List<String> args, java.util.Map<String, String> env)
      throws IOException {
    int metrics = freePort();
    int health = freePort();
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(JVM_FLAGS.split(" ")));
    command.addAll(
        List.of(
            "-jar",
            root.resolve("target/ecr-secret-operator.jar").toString(),
            "operator",
            "--metrics-port",
            "" + metrics,
            "--health-port",
            "" + health));
    command.addAll(args);
    Path log =
        Files.createDirectories(root.resolve("target/operator-logs"))
            .resolve("operator-" + metrics + ".log");
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(sandbox.environment());
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    builder.environment().put("ECR_LOG_LEVEL", "INFO");
    builder.environment().putAll(env);
    return new OperatorProcess(builder.start(), metrics, log);
  }

  public long pid() {
    return process.pid();
  }

  /**
   * The live objects of its heap by class (a full GC first), from the JDK's {@code jcmd}: the first
   * lines, largest first.
   */
  public String heapHistogram(int lines) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), "" + process.pid(), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out.lines().limit(lines).collect(java.util.stream.Collectors.joining("\n")) + "\n";
  }

  /** Its threads now, from /proc. */
  public int threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  public long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** The sum of the samples whose line starts with this prefix, from its /metrics. */
  public double metric(String prefix) throws IOException, InterruptedException {
    String scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return scrape
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no clean-up, like a node that dies. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
