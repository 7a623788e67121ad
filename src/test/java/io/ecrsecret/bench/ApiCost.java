package io.ecrsecret.bench;

import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.RequestLog;
import io.ecrsecret.testing.TestCluster;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the cluster-wide kind costs the API server, from the API server's own {@code
 * apiserver_request_total}: the operator runs as the real jar over namespaces labelled {@code
 * bench=yes}; for each step the counters are read before and after, and the requests the benchmark
 * itself sent (its client records them) are taken off. Watches and lease renewals are left out.
 */
final class ApiCost implements AutoCloseable {

  static final String SECRET = "bench-cost";
  static final int PER_EVENT_GOAL = 5;

  private final Sandbox sandbox;
  private final Path root;
  private final int namespaces;
  private final RequestLog driverLog = new RequestLog();
  private final KubernetesClient driver;
  private final KubernetesClient admin;

  ApiCost(Sandbox sandbox, Path root, int namespaces) {
    this.sandbox = sandbox;
    this.root = root;
    this.namespaces = namespaces;
    this.driver = driverLog.client(sandbox.kubernetes().kubeconfigYaml());
    this.admin = sandbox.kubernetes().adminClient();
  }

  /** The operator's requests by "VERB resource" while the step ran. */
  record Cost(Map<String, Long> requests, double seconds) {
    long total() {
      return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    long of(String key) {
      return requests.getOrDefault(key, 0L);
    }

    @Override
    public String toString() {
      return requests.isEmpty() ? "none" : requests.toString();
    }
  }

  interface Step {
    void run() throws Exception;
  }

  /** Runs the step and returns what the operator sent meanwhile (and until 3 s of quiet). */
  Cost measure(Step step) throws Exception {
    var before = serverCounts();
    driverLog.clear();
    long t0 = System.nanoTime();
    step.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    quiet();
    var after = serverCounts();
    var ours = new TreeMap<String, Long>();
    driverLog.counts().forEach((k, v) -> ours.merge(serverKey(k), (long) v, Long::sum));
    var cost = new TreeMap<String, Long>();
    after.forEach(
        (k, v) -> {
          long delta = v - before.getOrDefault(k, 0L) - ours.getOrDefault(k, 0L);
          if (delta > 0) {
            cost.put(k, delta);
          }
        });
    return new Cost(cost, Math.round(seconds * 100) / 100.0);
  }

  /** Waits until the operator's counters stop moving for 3 s (at most a minute). */
  private void quiet() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    var last = serverCounts();
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      var now = serverCounts();
      if (!now.equals(last)) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > 3_000_000_000L) {
        return;
      }
    }
  }

  /** The resources the operator reads and writes (the API server's own loops touch others). */
  private static final java.util.Set<String> OPERATOR_RESOURCES =
      java.util.Set.of(
          "secrets",
          "serviceaccounts",
          "namespaces",
          "events",
          "ecrpullsecrets",
          "clusterecrpullsecrets",
          "argohelmreposecrets");

  /**
   * apiserver_request_total summed by verb and resource[/subresource], for the resources the
   * operator uses, less watches (opened once, long-running) and lease renewals.
   */
  Map<String, Long> serverCounts() {
    // read with the admin client: the benchmark's own log stays for what it sends during a step
    String metrics = admin.raw("/metrics");
    var counts = new TreeMap<String, Long>();
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      String labels = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
      String verb = label(labels, "verb");
      String resource = label(labels, "resource");
      String sub = label(labels, "subresource");
      if (verb.equals("WATCH") || !OPERATOR_RESOURCES.contains(resource)) {
        continue;
      }
      long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      counts.merge(verb + " " + resource + (sub.isEmpty() ? "" : "/" + sub), value, Long::sum);
    }
    return counts;
  }

  private static String label(String labels, String name) {
    int i = labels.indexOf(name + "=\"");
    if (i < 0) {
      return "";
    }
    int start = i + name.length() + 2;
    return labels.substring(start, labels.indexOf('"', start));
  }

  /** The benchmark client's request, as the API server's metrics name it. */
  private static String serverKey(String logged) {
    String[] parts = logged.split(" ", 2);
    String verb =
        switch (parts[0]) {
          case "get" -> "GET";
          case "list" -> "LIST";
          case "create" -> "POST";
          case "update" -> "PUT";
          case "patch" -> "PATCH";
          case "delete" -> "DELETE";
          default -> parts[0].toUpperCase(java.util.Locale.ROOT);
        };
    return verb + " " + parts[1];
  }

  /** The figures, as rows of the benchmark table. */
  void run(List<Benchmark.Row> rows, Map<String, Object> json, double bareLoopSeconds)
      throws Exception {
    String size = String.format("%,d ns", namespaces);
    TestCluster.namespace(admin, "bench-unrelated", Map.of());
    // first tokens valid for 10 h: raising the margin to 11 h later makes them due, so that one
    // full refresh (a real token renewal) can be asked for at a known moment
    sandbox.aws().tokenExpiresIn(Duration.ofHours(10));
    Benchmark.log("API cost at " + size + ": starting the operator process");
    var restarted = new OperatorProcess[1];
    var replicas = new OperatorProcess[2];
    try (var operator =
        OperatorProcess.start(
            root, sandbox, List.of("--no-leader-election", "--max-reconcile-interval", "20s"))) {
      Cost bringUp =
          measure(
              () -> {
                driver.resource(clusterResource()).create();
                Benchmark.await(Duration.ofMinutes(20), () -> count() == namespaces && linkedAll());
              });
      Benchmark.log("bring-up: " + bringUp.seconds() + " s, " + bringUp);

      Benchmark.log("idle: 60 s, a reconcile every 20 s");
      Cost idle = measure(() -> Thread.sleep(60_000));
      Benchmark.log("idle: " + idle);

      Cost newNamespace =
          measure(
              () -> {
                TestCluster.namespace(driver, "bench-new", Map.of("bench", "yes"));
                Benchmark.await(Duration.ofMinutes(2), () -> served("bench-new"));
              });
      Benchmark.log("new namespace: " + newNamespace.seconds() + " s, " + newNamespace);

      Cost label =
          measure(
              () -> {
                driver
                    .namespaces()
                    .withName("bench-unrelated")
                    .edit(
                        n -> {
                          n.getMetadata().setLabels(Map.of("unrelated", "change"));
                          return n;
                        });
                Thread.sleep(3_000);
              });
      Benchmark.log("label on an unrelated namespace: " + label);

      Cost deleted =
          measure(
              () -> {
                driver.secrets().inNamespace(Benchmark.ns(3)).withName(SECRET).delete();
                Benchmark.await(
                    Duration.ofMinutes(2),
                    () ->
                        driver.secrets().inNamespace(Benchmark.ns(3)).withName(SECRET).get()
                            != null);
              });
      Benchmark.log("deleted secret: " + deleted.seconds() + " s, " + deleted);

      int secrets = namespaces + 1;
      Instant renewedAfter = Instant.now().plus(Duration.ofHours(11));
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      Cost refresh =
          measure(
              () -> {
                long patchesBefore = serverCounts().getOrDefault("PATCH secrets", 0L);
                driver
                    .resources(ClusterEcrPullSecret.class)
                    .withName("bench-cost")
                    .edit(
                        r -> {
                          r.getSpec().setRefreshMargin("11h");
                          return r;
                        });
                // the end is seen at the API server's counter (a cheap read), not by listing
                // 10,000 secrets over and over, which would load the API server being measured
                Benchmark.await(
                    Duration.ofMinutes(20),
                    () ->
                        serverCounts().getOrDefault("PATCH secrets", 0L) - patchesBefore
                            >= secrets);
                Benchmark.await(Duration.ofMinutes(2), () -> renewed(renewedAfter) == secrets);
              });
      Benchmark.log("full refresh: " + refresh.seconds() + " s, " + refresh);
      long rss = operator.residentBytes();
      double heap = operator.metric("jvm_memory_used_bytes{area=\"heap\"");
      double heapMax = operator.metric("jvm_memory_max_bytes{area=\"heap\"");
      String histogram = operator.heapHistogram(25);
      java.nio.file.Files.writeString(
          root.resolve("target/bench/heap-histogram-" + namespaces + ".txt"), histogram);
      double heapAfterGc = operator.metric("jvm_memory_used_bytes{area=\"heap\"");

      double refreshRate = secrets / refresh.seconds();
      double bareRate = namespaces / bareLoopSeconds;
      rows.add(row("API requests: bring-up", size, bringUp, "N creates + N links", "-"));
      rows.add(row("API requests: idle 60 s (3 passes)", size, idle, "0", ok(idle.total() == 0)));
      rows.add(
          row(
              "API requests: one new namespace",
              size,
              newNamespace,
              "<= " + PER_EVENT_GOAL,
              ok(newNamespace.total() <= PER_EVENT_GOAL)));
      rows.add(
          row(
              "API requests: label on unrelated ns",
              size,
              label,
              "<= " + PER_EVENT_GOAL,
              ok(label.total() <= PER_EVENT_GOAL)));
      rows.add(
          row(
              "API requests: one deleted secret",
              size,
              deleted,
              "<= " + PER_EVENT_GOAL,
              ok(deleted.total() <= PER_EVENT_GOAL)));
      rows.add(
          row(
              "API requests: full refresh",
              secrets + " secrets",
              refresh,
              "N writes + a constant",
              ok(
                  refresh.of("PATCH secrets") == secrets
                      && refresh.total() <= secrets + PER_EVENT_GOAL)));
      rows.add(
          new Benchmark.Row(
              "Full refresh: write rate / bare loop",
              String.format(
                  "%.0f/s vs %.0f/s (%d secrets in %.1f s)",
                  refreshRate, bareRate, secrets, refresh.seconds()),
              String.format("%.2fx", refreshRate / bareRate),
              ">= 0.8x",
              ok(refreshRate >= 0.8 * bareRate)));
      rows.add(
          new Benchmark.Row(
              "Footprint: RSS",
              size + ", after a full refresh",
              Benchmark.mib(rss),
              "< 384 MiB limit",
              ok(rss < 384L * 1024 * 1024)));
      rows.add(
          new Benchmark.Row(
              "Footprint: heap used / after full GC / max",
              size,
              Benchmark.mib((long) heap)
                  + " / "
                  + Benchmark.mib((long) heapAfterGc)
                  + " / "
                  + Benchmark.mib((long) heapMax),
              "-",
              "-"));
      json.put(
          "apiCost" + namespaces,
          Map.of(
              "bringUp", bringUp.requests(),
              "idle60s", idle.requests(),
              "newNamespace", newNamespace.requests(),
              "unrelatedLabel", label.requests(),
              "deletedSecret", deleted.requests(),
              "fullRefresh", refresh.requests(),
              "fullRefreshSeconds", refresh.seconds(),
              "rssBytes", rss,
              "heapUsedBytes", (long) heap,
              "heapUsedAfterGcBytes", (long) heapAfterGc));
      // a restart (an upgrade, a new leader, an OOM kill) with every secret valid: the new
      // process reads what it watches, and writes nothing and asks AWS for nothing
      operator.close();
      int tokensBefore = sandbox.aws().requestCount("ecr:GetAuthorizationToken");
      Cost restart =
          measure(
              () -> {
                restarted[0] =
                    OperatorProcess.start(
                        root,
                        sandbox,
                        List.of("--no-leader-election", "--max-reconcile-interval", "20s"));
                Benchmark.await(Duration.ofMinutes(5), () -> reconciledOnce(restarted[0]));
              });
      int restartTokens = sandbox.aws().requestCount("ecr:GetAuthorizationToken") - tokensBefore;
      Benchmark.log(
          "restart: " + restart.seconds() + " s, " + restart + ", " + restartTokens + " tokens");
      long restartWrites = writes(restart);
      rows.add(
          row(
              "API requests: operator restart",
              size + ", all valid",
              restart,
              "0 writes, 0 tokens",
              ok(restartWrites == 0 && restartTokens == 0)));
      json.put(
          "restart" + namespaces,
          Map.of("requests", restart.requests(), "writes", restartWrites, "tokens", restartTokens));

      // a leader change (two replicas; the leader dies, SIGKILL): the standby waits out the lease,
      // then reads what it watches, and writes nothing and asks AWS for nothing
      restarted[0].close();
      restarted[0] = null;
      var elected =
          List.of(
              "--lease-name", "bench-leader",
              "--lease-namespace", "default",
              "--max-reconcile-interval", "20s");
      replicas[0] = OperatorProcess.start(root, sandbox, elected, Map.of("POD_NAME", "bench-a"));
      Benchmark.await(Duration.ofMinutes(5), () -> reconciledOnce(replicas[0]));
      replicas[1] = OperatorProcess.start(root, sandbox, elected, Map.of("POD_NAME", "bench-b"));
      Benchmark.await(Duration.ofMinutes(1), () -> serving(replicas[1]));
      int tokensBeforeChange = sandbox.aws().requestCount("ecr:GetAuthorizationToken");
      Cost change =
          measure(
              () -> {
                replicas[0].kill();
                Benchmark.await(Duration.ofMinutes(5), () -> reconciledOnce(replicas[1]));
              });
      int changeTokens =
          sandbox.aws().requestCount("ecr:GetAuthorizationToken") - tokensBeforeChange;
      long changeWrites = writes(change);
      Benchmark.log(
          "leader change: "
              + change.seconds()
              + " s (the lease included), "
              + change
              + ", "
              + changeTokens
              + " tokens");
      rows.add(
          row(
              "API requests: leader change (leader killed)",
              size + ", all valid",
              change,
              "0 writes, 0 tokens",
              ok(changeWrites == 0 && changeTokens == 0)));
      json.put(
          "leaderChange" + namespaces,
          Map.of("requests", change.requests(), "writes", changeWrites, "tokens", changeTokens));

      Benchmark.log("deleting the resource: the operator removes its " + secrets + " secrets");
      long d0 = System.nanoTime();
      driver.resources(ClusterEcrPullSecret.class).withName("bench-cost").delete();
      Benchmark.await(
          Duration.ofMinutes(10),
          () -> driver.resources(ClusterEcrPullSecret.class).withName("bench-cost").get() == null);
      double deletion = (System.nanoTime() - d0) / 1e9;
      rows.add(
          new Benchmark.Row(
              "Deletion: all secrets and links removed",
              secrets + " secrets",
              String.format("%.1f s", deletion),
              "-",
              "-"));
      json.put("deletionSeconds" + namespaces, deletion);
    } finally {
      for (var process : java.util.Arrays.asList(restarted[0], replicas[0], replicas[1])) {
        if (process != null) {
          process.close();
        }
      }
      sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
      close();
    }
  }

  /** Whether the process has finished a reconcile of the cluster-wide resource. */
  private static boolean reconciledOnce(OperatorProcess operator) {
    try {
      return operator.metric("ecr_secret_reconcile_seconds_count{kind=\"ClusterEcrPullSecret\"}")
          >= 1;
    } catch (java.io.IOException e) {
      return false; // not serving its metrics yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the process serves its metrics (a standby does, leading nothing). */
  private static boolean serving(OperatorProcess operator) {
    try {
      operator.metric("jvm_threads_live_threads");
      return true;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The requests of a cost that write: creates, updates, patches, deletes. */
  private static long writes(Cost cost) {
    return cost.requests().entrySet().stream()
        .filter(e -> e.getKey().matches("(POST|PUT|PATCH|DELETE) .*"))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  @Override
  public void close() {
    driver.close();
    admin.close();
  }

  private static Benchmark.Row row(
      String figure, String workload, Cost cost, String goal, String met) {
    return new Benchmark.Row(figure, workload, cost.total() + " (" + cost + ")", goal, met);
  }

  private static String ok(boolean met) {
    return met ? "yes" : "NO";
  }

  private ClusterEcrPullSecret clusterResource() {
    var cluster = new ClusterEcrPullSecret();
    cluster.getMetadata().setName("bench-cost");
    var spec = new ClusterPullSecretSpec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    spec.setSecretName(SECRET);
    spec.setRefreshMargin("1m");
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("bench", "yes").build());
    spec.setNamespaces(selector);
    cluster.setSpec(spec);
    return cluster;
  }

  private List<io.fabric8.kubernetes.api.model.Secret> secrets() {
    return driver.secrets().inAnyNamespace().withField("metadata.name", SECRET).list().getItems();
  }

  private long count() {
    return secrets().size();
  }

  private boolean linkedAll() {
    return driver
            .serviceAccounts()
            .inAnyNamespace()
            .withField("metadata.name", "default")
            .list()
            .getItems()
            .stream()
            .filter(
                sa ->
                    sa.getImagePullSecrets() != null
                        && sa.getImagePullSecrets().stream()
                            .anyMatch(r -> SECRET.equals(r.getName())))
            .count()
        == namespaces;
  }

  private boolean served(String ns) {
    var sa = driver.serviceAccounts().inNamespace(ns).withName("default").get();
    return driver.secrets().inNamespace(ns).withName(SECRET).get() != null
        && sa.getImagePullSecrets() != null
        && sa.getImagePullSecrets().stream().anyMatch(r -> SECRET.equals(r.getName()));
  }

  private long renewed(Instant after) {
    return secrets().stream()
        .filter(
            s ->
                Instant.parse(ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT))
                    .isAfter(after))
        .count();
  }
}
