package io.ecrsecret.bench;

import static io.ecrsecret.bench.Benchmark.fmt;
import static io.ecrsecret.bench.Benchmark.log;
import static io.ecrsecret.bench.Benchmark.mib;
import static io.ecrsecret.bench.Benchmark.ok;

import io.ecrsecret.bench.Benchmark.Row;
import io.ecrsecret.install.OperatorPod;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * How lean the operator is (issue "A lean operator"): the time from its JVM's start to its first
 * secret (the median of five starts), the classes it has loaded and its resident memory at idle, as
 * a process (the jar, the image's JVM flags) and as the image on the node; and the pod's memory
 * with one ClusterEcrPullSecret over many namespaces. The start is the JVM process's own start time
 * (as the kernel has it), the first secret the moment a watch of this JVM sees it.
 */
final class Footprint {

  static final int STARTS = 5;
  static final String NS = "bench-start";

  /** What a process holds: resident memory (all, and anonymous only) and classes loaded. */
  record Held(long rssBytes, long rssAnonBytes, long classes, long sharedClasses) {}

  private final Sandbox sandbox;
  private final KubernetesClient kube;
  private final Path root;

  Footprint(Sandbox sandbox, KubernetesClient kube, Path root) {
    this.sandbox = sandbox;
    this.kube = kube;
    this.root = root;
  }

  void run(List<Row> rows, Map<String, Object> json, int namespaces) throws Exception {
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    TestCluster.namespace(kube, NS, Map.of());

    var process = new ArrayList<Double>();
    Held processHeld = null;
    for (int i = 1; i <= STARTS; i++) {
      resource();
      var first = firstSecret();
      try (var operator = OperatorProcess.start(root, sandbox, List.of("--no-leader-election"))) {
        Instant started =
            ProcessHandle.of(operator.pid()).orElseThrow().info().startInstant().get();
        process.add(seconds(started, first.get(2, TimeUnit.MINUTES)));
        if (i == STARTS) {
          Thread.sleep(20_000);
          processHeld = held(operator.pid());
        }
        removeResource();
      }
    }
    log("process: start to first secret " + process);
    add(rows, json, "process", "the jar, image flags", process, processHeld);

    if (!Files.exists(OperatorPod.IMAGE)) {
      log("no " + OperatorPod.IMAGE + " (scripts/image builds it): image rows skipped");
      return;
    }
    var pod = new ArrayList<Double>();
    Held podHeld = null;
    for (int i = 1; i <= STARTS; i++) {
      resource();
      // a first install's start: no Lease left by the last pod (it would wait out its 15 s)
      kube.leases().inNamespace(OperatorPod.NAMESPACE).delete();
      var first = firstSecret();
      try (var operator =
          OperatorPod.start(
              sandbox, kube, OperatorPod.Identity.staticKeys(sandbox.aws().adminCredentials()))) {
        var jvm = operator.process();
        pod.add(seconds(jvm.info().startInstant().get(), first.get(2, TimeUnit.MINUTES)));
        Files.writeString(root.resolve("target/bench/pod-start-" + i + ".log"), operator.log());
        if (i == STARTS) {
          Thread.sleep(20_000);
          podHeld = held(jvm.pid());
        }
      }
    }
    log("image: container start to first secret " + pod);
    add(rows, json, "pod", "the image on the node", pod, podHeld);

    atScale(rows, json, namespaces);
  }

  /** The image's pod with one ClusterEcrPullSecret over {@code namespaces} namespaces. */
  private void atScale(List<Row> rows, Map<String, Object> json, int namespaces) throws Exception {
    log(String.format("creating %,d namespaces", namespaces));
    Benchmark.createNamespaces(kube, namespaces);
    var cluster = new ClusterEcrPullSecret();
    cluster.getMetadata().setName("bench-footprint");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    spec.setSecretName("bench-footprint");
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("bench", "yes").build());
    spec.setNamespaces(selector);
    cluster.setSpec(spec);
    kube.resource(cluster).create();
    try (var operator =
        OperatorPod.start(
            sandbox, kube, OperatorPod.Identity.staticKeys(sandbox.aws().adminCredentials()))) {
      Benchmark.await(
          Duration.ofMinutes(10),
          () ->
              kube.secrets()
                      .inAnyNamespace()
                      .withField("metadata.name", "bench-footprint")
                      .list()
                      .getItems()
                      .size()
                  == namespaces);
      log("image: " + namespaces + " secrets written; 60 s idle before measuring");
      Thread.sleep(60_000);
      Held held = held(operator.process().pid());
      String workload = String.format("%,d ns, one ClusterEcrPullSecret", namespaces);
      long goal = 128L << 20;
      rows.add(
          new Row(
              "Image: RSS / RssAnon",
              workload,
              mib(held.rssBytes()) + " / " + mib(held.rssAnonBytes()),
              "RSS <= 128 MiB",
              ok(held.rssBytes() <= goal)));
      rows.add(new Row("Image: classes loaded (shared)", workload, classes(held), "-", "-"));
      json.put("imageAtScale" + namespaces, held);
      log(
          String.format(
              "image at %,d namespaces: RSS / RssAnon %s / %s, classes %s",
              namespaces, mib(held.rssBytes()), mib(held.rssAnonBytes()), classes(held)));
      // its finalizer cleans every namespace it served: at 10,000 longer than a test's pod waits
      kube.resource(cluster).delete();
      Benchmark.await(
          Duration.ofMinutes(10),
          () ->
              kube.resources(ClusterEcrPullSecret.class).withName("bench-footprint").get() == null);
    }
  }

  private void add(
      List<Row> rows,
      Map<String, Object> json,
      String key,
      String how,
      List<Double> starts,
      Held held) {
    double median = median(starts);
    String name = key.equals("pod") ? "Image" : "Process";
    rows.add(
        new Row(
            name + ": JVM start to first secret",
            how + ", median of " + STARTS,
            fmt(median) + " s",
            "<= 1.5 s (aim 1 s)",
            key.equals("pod") ? ok(median <= 1.5) : "-"));
    rows.add(
        new Row(
            name + ": RSS / RssAnon at idle",
            "1 resource",
            mib(held.rssBytes()) + " / " + mib(held.rssAnonBytes()),
            "RSS <= 110 MiB",
            key.equals("pod") ? ok(held.rssBytes() <= 110L << 20) : "-"));
    rows.add(
        new Row(
            name + ": classes loaded (shared)",
            "1 resource, idle",
            classes(held),
            "<= 7,000",
            held.classes() < 0 ? "-" : ok(held.classes() <= 7000)));
    json.put(key + "StartToFirstSecretSeconds", starts);
    json.put(key + "Idle", held);
  }

  private static String classes(Held held) {
    return String.format("%,d (%,d)", held.classes(), held.sharedClasses());
  }

  private void resource() {
    var r = new EcrPullSecret();
    r.getMetadata().setName("start");
    r.getMetadata().setNamespace(NS);
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    r.setSpec(spec);
    kube.resource(r).serverSideApply();
    kube.secrets().inNamespace(NS).withName("ecr-pull-secret").delete();
  }

  /** Deletes the resource while its operator runs, so that nothing is left with a finalizer. */
  private void removeResource() throws InterruptedException {
    kube.resources(EcrPullSecret.class).inNamespace(NS).withName("start").delete();
    Benchmark.await(
        Duration.ofMinutes(1),
        () -> kube.resources(EcrPullSecret.class).inNamespace(NS).withName("start").get() == null);
  }

  /** When this JVM sees the first secret appear, from a watch started now. */
  private CompletableFuture<Instant> firstSecret() {
    var seen = new CompletableFuture<Instant>();
    var watch =
        kube.secrets()
            .inNamespace(NS)
            .withName("ecr-pull-secret")
            .watch(
                new Watcher<Secret>() {
                  @Override
                  public void eventReceived(Action action, Secret secret) {
                    if (action == Action.ADDED) {
                      seen.complete(Instant.now());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    seen.completeExceptionally(cause);
                  }
                });
    return seen.whenComplete((at, e) -> watch.close());
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static double median(List<Double> values) {
    var sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static final Pattern CLASSES = Pattern.compile("(\\d+) classes(?: \\((\\d+) shared\\))?");

  /** Memory from /proc, classes from the JVM itself (jcmd VM.metaspace, which attaches to it). */
  static Held held(long pid) throws IOException, InterruptedException {
    long rss = 0;
    long anon = 0;
    for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      } else if (line.startsWith("RssAnon:")) {
        anon = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    var run =
        new ProcessBuilder(jcmd.toString(), "" + pid, "VM.metaspace").redirectErrorStream(true);
    var jcmdProcess = run.start();
    String out = new String(jcmdProcess.getInputStream().readAllBytes());
    jcmdProcess.waitFor(30, TimeUnit.SECONDS);
    var m = CLASSES.matcher(out);
    if (!m.find()) {
      log("jcmd VM.metaspace on " + pid + " said: " + out.lines().limit(3).toList());
      return new Held(rss, anon, -1, -1);
    }
    return new Held(
        rss, anon, Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
  }
}
