package io.ecrsecret.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.install.OperatorPod;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.operator.EcrSecretOperator;
import io.ecrsecret.operator.api.ClusterEcrPullSecret;
import io.ecrsecret.operator.api.ClusterPullSecretSpec;
import io.ecrsecret.operator.api.EcrPullSecret;
import io.ecrsecret.operator.api.NamespaceSelectorSpec;
import io.ecrsecret.sandbox.AwsPeer;
import io.ecrsecret.sandbox.Sandbox;
import io.ecrsecret.testing.MutableClock;
import io.ecrsecret.testing.OperatorProcess;
import io.ecrsecret.testing.TestCluster;
import io.ecrsecret.testing.TestOperatorConfig;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The benchmark behind {@code scripts/bench}: runs on the sandbox, prints one table, writes the
 * same as JSON to target/bench/results.json. Figures, not assertions: nothing here fails on a
 * number. The operator runs as a real process with the JVM flags of the install manifests
 * (container memory emulated with -XX:MaxRAM), except for the recovery row, which needs a simulated
 * clock and runs the operator in this JVM.
 */
public final class Benchmark {

  static final int NAMESPACES = 1000;
  static final int NAMESPACED_RESOURCES = 200;
  static final String JVM_FLAGS = OperatorProcess.JVM_FLAGS;

  record Row(String figure, String workload, String value, String goal, String met) {}

  private final Sandbox sandbox;
  private final KubernetesClient kube;
  private final Path root;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Object> json = new LinkedHashMap<>();

  private Benchmark(Sandbox sandbox, Path root) {
    this.sandbox = sandbox;
    this.root = root;
    this.kube = sandbox.kubernetes().adminClient();
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path out = Files.createDirectories(root.resolve("target/bench"));
    long started = System.nanoTime();
    try (Sandbox sandbox = Sandbox.start(root, out.resolve("sandbox"), Sandbox.nodeWanted())) {
      var env = sandbox.environment();
      System.setProperty("aws.endpointUrl", env.get("AWS_ENDPOINT_URL"));
      System.setProperty("aws.accessKeyId", env.get("AWS_ACCESS_KEY_ID"));
      System.setProperty("aws.disableEc2Metadata", "true");
      System.setProperty("aws.secretAccessKey", env.get("AWS_SECRET_ACCESS_KEY"));
      System.setProperty("aws.region", env.get("AWS_REGION"));
      var bench = new Benchmark(sandbox, root);
      int apiCostOnly = apiCostNamespaces(args);
      int footprint = countAfter(args, "--footprint", 1000);
      if (java.util.Arrays.asList(args).contains("--fairness")) {
        new Fairness(sandbox, bench.kube).run(bench.rows, bench.json);
      } else if (footprint > 0) {
        TestCluster.installCrds(bench.kube, false);
        new Footprint(sandbox, bench.kube, root).run(bench.rows, bench.json, footprint);
      } else if (apiCostOnly > 0) {
        bench.runApiCost(apiCostOnly);
      } else {
        bench.run();
      }
      bench.report(out, Duration.ofNanos(System.nanoTime() - started));
    }
    System.exit(0);
  }

  /** The number after {@code flag} ({@code otherwise} without one); 0 without the flag. */
  static int countAfter(String[] args, String flag, int otherwise) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(flag)) {
        return i + 1 < args.length && args[i + 1].matches("[0-9]+")
            ? Integer.parseInt(args[i + 1])
            : otherwise;
      }
    }
    return 0;
  }

  /** {@code --api-cost N}: only the API-cost figures, at N namespaces (0: the whole benchmark). */
  static int apiCostNamespaces(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--api-cost")) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return 0;
  }

  private void run() throws Exception {
    TestCluster.installCrds(kube, false);
    log("creating " + NAMESPACES + " namespaces with their default service accounts");
    createNamespaces(NAMESPACES);
    double bare = bareLoop(NAMESPACES);
    operatorAtScale(bare);
    if (Sandbox.nodeWanted()) {
      operatorPodAtScale();
    }
    startUpAndIdleFootprint();
    recovery();
    new Fairness(sandbox, kube).run(rows, json);
    new ApiCost(sandbox, root, NAMESPACES).run(rows, json, bare);
  }

  private void runApiCost(int namespaces) throws Exception {
    TestCluster.installCrds(kube, false);
    log(String.format("creating %,d namespaces with their default service accounts", namespaces));
    createNamespaces(namespaces);
    double bare = bareLoop(namespaces);
    rows.add(
        new Row(
            "Bare create loop, same client",
            namespaces + " secrets",
            fmt(bare) + " s",
            "ceiling",
            "-"));
    new ApiCost(sandbox, root, namespaces).run(rows, json, bare);
  }

  // ---- 1, 2, 3, 4: the operator process at scale ----

  private void operatorAtScale(double bareSeconds) throws Exception {
    var aws = sandbox.aws();
    // short-lived first tokens, so that one full refresh happens during the run
    Instant firstExpiry =
        Instant.now().plus(Duration.ofSeconds(150)).truncatedTo(ChronoUnit.SECONDS);
    aws.tokenExpiresAt(firstExpiry);
    createScaleWorkload("1m");
    aws.resetRequestCounts();

    log(
        "starting the operator process; it brings "
            + NAMESPACES
            + " namespaces and "
            + NAMESPACED_RESOURCES
            + " resources to Ready");
    long t0 = System.nanoTime();
    try (var operator =
        OperatorProcess.start(
            root, sandbox, List.of("--no-leader-election", "--max-reconcile-interval", "20s"))) {
      await(Duration.ofMinutes(5), () -> count("bench-fan-out") == NAMESPACES);
      double fanOut = seconds(t0);
      await(Duration.ofMinutes(5), () -> count("bench-own") == NAMESPACED_RESOURCES && allReady());
      double allReady = seconds(t0);
      int bringUpCalls = aws.requestCount("ecr:GetAuthorizationToken");
      log(
          "fan-out done in "
              + fanOut
              + " s; all Ready in "
              + allReady
              + " s; token requests "
              + bringUpCalls);

      // one full refresh: the first tokens become due (margin 1m); new ones last 12h
      aws.tokenExpiresIn(Duration.ofHours(12));
      aws.resetRequestCounts();
      log(
          "waiting for the full refresh of all "
              + (NAMESPACES + NAMESPACED_RESOURCES)
              + " secrets");
      long r0 = System.nanoTime();
      await(
          Duration.ofMinutes(5),
          () -> refreshedAfter(firstExpiry) == NAMESPACES + NAMESPACED_RESOURCES);
      double refreshSeconds = seconds(r0);
      int refreshCalls = aws.requestCount("ecr:GetAuthorizationToken");

      // steady state: nothing to do, reconciles every 20 s
      Thread.sleep(5_000);
      var before = versions("bench-fan-out", "bench-own");
      aws.resetRequestCounts();
      double reconcilesBefore = operator.metric("ecr_secret_reconcile_seconds_count");
      log("steady state: 120 s idle with a reconcile of everything every 20 s");
      Thread.sleep(120_000);
      var after = versions("bench-fan-out", "bench-own");
      double reconciles = operator.metric("ecr_secret_reconcile_seconds_count") - reconcilesBefore;
      long secretWrites = changed(before.secrets(), after.secrets());
      long statusWrites = changed(before.resources(), after.resources());
      int idleCalls = aws.requestCount("ecr:GetAuthorizationToken");
      long rss = operator.residentBytes();
      double heap = operator.metric("jvm_memory_used_bytes{area=\"heap\"");

      String workload = NAMESPACES + " ns (cluster kind) + " + NAMESPACED_RESOURCES + " namespaced";
      rows.add(
          new Row(
              "AWS token requests, bring-up",
              workload,
              "" + bringUpCalls,
              "1 per (identity, region) = 1",
              ok(bringUpCalls == 1)));
      rows.add(
          new Row(
              "AWS token requests, one full refresh",
              workload
                  + ", "
                  + (NAMESPACES + NAMESPACED_RESOURCES)
                  + " secrets, all new "
                  + fmt(refreshSeconds)
                  + " s after the wait for the due point began",
              "" + refreshCalls,
              "1",
              ok(refreshCalls == 1)));
      rows.add(
          new Row(
              "Fan-out: start to last secret", NAMESPACES + " ns", fmt(fanOut) + " s", "-", "-"));
      rows.add(
          new Row(
              "Fan-out: bare create loop, same client",
              NAMESPACES + " secrets",
              fmt(bareSeconds) + " s",
              "ceiling",
              "-"));
      rows.add(
          new Row(
              "Fan-out: operator / bare loop",
              "incl. JVM start and informer sync",
              fmt(fanOut / bareSeconds) + "x",
              "-",
              "-"));
      rows.add(
          new Row(
              "Steady state: secret writes",
              "120 s, " + (int) reconciles + " reconciles",
              "" + secretWrites,
              "0",
              ok(secretWrites == 0)));
      rows.add(
          new Row(
              "Steady state: status writes",
              "120 s",
              "" + statusWrites,
              "0",
              ok(statusWrites == 0)));
      rows.add(
          new Row("Steady state: AWS calls", "120 s", "" + idleCalls, "0", ok(idleCalls == 0)));
      rows.add(
          new Row("Footprint: RSS", workload, mib(rss), "< 128 MiB", ok(rss < 128L * 1024 * 1024)));
      rows.add(new Row("Footprint: heap used", workload, mib((long) heap), "-", "-"));
      json.put("bringUpTokenRequests", bringUpCalls);
      json.put("fullRefreshTokenRequests", refreshCalls);
      json.put("fullRefreshSeconds", refreshSeconds);
      json.put("fanOutSeconds", fanOut);
      json.put("allReadySeconds", allReady);
      json.put("bareLoopSeconds", bareSeconds);
      json.put("steadySecretWrites", secretWrites);
      json.put("steadyStatusWrites", statusWrites);
      json.put("steadyAwsCalls", idleCalls);
      json.put("steadyReconciles", reconciles);
      json.put("rssBytesAtScale", rss);
      json.put("heapUsedBytesAtScale", (long) heap);

      log("deleting the benchmark resources (the operator removes their secrets)");
      kube.resources(EcrPullSecret.class).inAnyNamespace().delete();
      kube.resources(ClusterEcrPullSecret.class).delete();
      await(
          Duration.ofMinutes(5),
          () ->
              kube.resources(EcrPullSecret.class).inAnyNamespace().list().getItems().isEmpty()
                  && kube.resources(ClusterEcrPullSecret.class).list().getItems().isEmpty());
    }
  }

  /**
   * The scale workload: one ClusterEcrPullSecret over every benchmark namespace (bench-fan-out) and
   * one EcrPullSecret in each of the first NAMESPACED_RESOURCES (bench-own).
   */
  private void createScaleWorkload(String refreshMargin) {
    for (int i = 0; i < NAMESPACED_RESOURCES; i++) {
      var r = new EcrPullSecret();
      r.getMetadata().setName("bench");
      r.getMetadata().setNamespace(ns(i));
      var spec = new EcrPullSecret.Spec();
      spec.setRegistries(List.of(sandbox.registry().ecrHost()));
      spec.setSecretName("bench-own");
      spec.setRefreshMargin(refreshMargin);
      r.setSpec(spec);
      kube.resource(r).create();
    }
    var cluster = new ClusterEcrPullSecret();
    cluster.getMetadata().setName("bench");
    var cspec = new ClusterPullSecretSpec();
    cspec.setRegistries(List.of(sandbox.registry().ecrHost()));
    cspec.setSecretName("bench-fan-out");
    cspec.setRefreshMargin(refreshMargin);
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("bench", "yes").build());
    cspec.setNamespaces(selector);
    cluster.setSpec(cspec);
    kube.resource(cluster).create();
  }

  // ---- the image we ship, as a pod on the node, at scale under its real memory limit ----

  private void operatorPodAtScale() throws Exception {
    if (!Files.exists(OperatorPod.IMAGE)) {
      log("no " + OperatorPod.IMAGE + " (scripts/image builds it): operator pod row skipped");
      return;
    }
    sandbox.aws().tokenExpiresIn(Duration.ofHours(12));
    createScaleWorkload("3h");
    log("starting the operator pod (deploy/operator/cluster-wide.yaml, its 384Mi limit enforced)");
    long t0 = System.nanoTime();
    try (var pod =
        OperatorPod.start(
            sandbox, kube, OperatorPod.Identity.staticKeys(sandbox.aws().adminCredentials()))) {
      await(
          Duration.ofMinutes(5),
          () ->
              count("bench-fan-out") == NAMESPACES
                  && count("bench-own") == NAMESPACED_RESOURCES
                  && allReady());
      double allReady = seconds(t0);
      log("operator pod: all Ready in " + fmt(allReady) + " s; 60 s idle before measuring");
      Thread.sleep(60_000);
      long rss = pod.residentBytes();
      long limit = pod.memoryLimitBytes();
      String workload =
          NAMESPACES
              + " ns (cluster kind) + "
              + NAMESPACED_RESOURCES
              + " namespaced, pod limit "
              + mib(limit);
      rows.add(
          new Row("Footprint: RSS, operator pod", workload, mib(rss), "< limit", ok(rss < limit)));
      rows.add(
          new Row(
              "Operator pod: pod start to all Ready",
              "incl. image start and informer sync",
              fmt(allReady) + " s",
              "-",
              "-"));
      json.put("podRssBytesAtScale", rss);
      json.put("podMemoryLimitBytes", limit);
      json.put("podAllReadySeconds", allReady);
    }
  }

  // ---- 5 and the idle footprint: a fresh process, one resource ----

  private void startUpAndIdleFootprint() throws Exception {
    TestCluster.namespace(kube, "bench-start", Map.of());
    var r = new EcrPullSecret();
    r.getMetadata().setName("start");
    r.getMetadata().setNamespace("bench-start");
    var spec = new EcrPullSecret.Spec();
    spec.setRegistries(List.of(sandbox.registry().ecrHost()));
    r.setSpec(spec);
    kube.resource(r).create();
    long t0 = System.nanoTime();
    try (var operator = OperatorProcess.start(root, sandbox, List.of("--no-leader-election"))) {
      await(
          Duration.ofMinutes(2),
          () ->
              kube.secrets().inNamespace("bench-start").withName("ecr-pull-secret").get() != null);
      double startUp = seconds(t0);
      Thread.sleep(30_000);
      long rss = operator.residentBytes();
      rows.add(
          new Row(
              "Start-up: process start to first secret",
              "1 resource",
              fmt(startUp) + " s",
              "-",
              "-"));
      rows.add(new Row("Footprint: RSS at idle", "1 resource", mib(rss), "-", "-"));
      json.put("startUpSeconds", startUp);
      json.put("rssBytesIdleOneResource", rss);
      kube.resource(r).delete();
      await(
          Duration.ofMinutes(1),
          () ->
              kube.resources(EcrPullSecret.class).inNamespace("bench-start").withName("start").get()
                  == null);
    }
  }

  // ---- 6: recovery after a simulated 30-minute AWS outage ----

  private void recovery() throws Exception {
    var aws = sandbox.aws();
    var clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Instant expiry = clock.instant().plus(Duration.ofHours(12));
    aws.tokenExpiresAt(expiry);
    var cluster = new ClusterEcrPullSecret();
    cluster.getMetadata().setName("bench-recovery");
    var cspec = new ClusterPullSecretSpec();
    cspec.setRegistries(List.of(sandbox.registry().ecrHost()));
    cspec.setSecretName("bench-recovery");
    var selector = new NamespaceSelectorSpec();
    selector.setSelector(new LabelSelectorBuilder().addToMatchLabels("bench", "yes").build());
    cspec.setNamespaces(selector);
    cluster.setSpec(cspec);
    var config =
        TestOperatorConfig.named("bench")
            .maxReconcileInterval(Duration.ofSeconds(5))
            .retryBackoff(Duration.ofSeconds(5))
            .build();
    try (var client = sandbox.kubernetes().adminClient();
        var operator =
            EcrSecretOperator.start(
                config,
                client,
                clock,
                new AwsClientSettings(3, Duration.ofSeconds(5), Duration.ofSeconds(20)))) {
      kube.resource(cluster).create();
      await(Duration.ofMinutes(5), () -> count("bench-recovery") == NAMESPACES);
      simulatedIdleHour(clock, operator);
      log("recovery: AWS down from the planned refresh time for a simulated 30 minutes");
      aws.injectFaults(AwsPeer.Fault.of("ecr", "GetAuthorizationToken", "unavailable"));
      clock.set(
          expiry.minus(Duration.ofHours(3)).plus(Duration.ofMinutes(20))); // past refresh + jitter
      for (int step = 0; step < 6; step++) { // 30 simulated minutes, 5 at a time
        Thread.sleep(5_000);
        clock.advance(Duration.ofMinutes(5));
      }
      long expiredDuringOutage =
          secrets("bench-recovery").stream()
              .filter(
                  s ->
                      !Instant.parse(ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT))
                          .isAfter(clock.instant()))
              .count();
      Instant newExpiry = clock.instant().plus(Duration.ofHours(12));
      aws.tokenExpiresAt(newExpiry);
      aws.clearFaults();
      // time passes: the identity's shared backoff (on the operator's clock) runs out
      clock.advance(io.ecrsecret.aws.TokenCache.MAX_BACKOFF);
      long t0 = System.nanoTime();
      await(Duration.ofMinutes(10), () -> refreshedTo("bench-recovery", newExpiry) == NAMESPACES);
      double recovery = seconds(t0);
      rows.add(
          new Row(
              "Recovery after a 30-min AWS outage",
              NAMESPACES + " ns, simulated clock, retry backoff 5 s doubling",
              fmt(recovery) + " s",
              "-",
              "-"));
      rows.add(
          new Row(
              "Secrets expired during the outage",
              NAMESPACES + " ns, margin 3h",
              "" + expiredDuringOutage,
              "0",
              ok(expiredDuringOutage == 0)));
      json.put("recoverySeconds", recovery);
      json.put("expiredDuringOutage", expiredDuringOutage);
      kube.resource(cluster).delete();
      await(
          Duration.ofMinutes(5),
          () ->
              kube.resources(ClusterEcrPullSecret.class).withName("bench-recovery").get() == null);
    }
  }

  /** 3 again, on the simulated clock: an hour in which nothing is due, reconciled all along. */
  private void simulatedIdleHour(MutableClock clock, EcrSecretOperator operator)
      throws InterruptedException {
    log("steady state: a simulated idle hour, 1000 namespaces reconciled every 5 s of real time");
    Thread.sleep(6_000);
    var before = versions("bench-recovery");
    sandbox.aws().resetRequestCounts();
    double reconcilesBefore = reconciles(operator);
    var apiCost = new ApiCost(sandbox, root, NAMESPACES);
    ApiCost.Cost requests;
    try {
      requests =
          apiCost.measure(
              () -> {
                for (int step = 0; step < 12; step++) { // 60 simulated minutes, 5 at a time
                  clock.advance(Duration.ofMinutes(5));
                  Thread.sleep(5_000);
                }
              });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      apiCost.close();
    }
    var after = versions("bench-recovery");
    double reconciles = reconciles(operator) - reconcilesBefore;
    long writes = changed(before.secrets(), after.secrets());
    long statusWrites = changed(before.resources(), after.resources());
    int calls = sandbox.aws().requestCount("ecr:GetAuthorizationToken");
    String workload = "simulated hour, " + NAMESPACES + " ns, " + (int) reconciles + " reconciles";
    rows.add(new Row("Steady state: secret writes", workload, "" + writes, "0", ok(writes == 0)));
    rows.add(
        new Row(
            "Steady state: status writes",
            "simulated hour",
            "" + statusWrites,
            "0",
            ok(statusWrites == 0)));
    rows.add(new Row("Steady state: AWS calls", "simulated hour", "" + calls, "0", ok(calls == 0)));
    rows.add(
        new Row(
            "API requests: simulated idle hour",
            "apiserver_request_total",
            requests.total() + " (" + requests + ")",
            "0",
            ok(requests.total() == 0)));
    json.put("simulatedHourApiRequests", requests.requests());
    json.put("simulatedHourSecretWrites", writes);
    json.put("simulatedHourStatusWrites", statusWrites);
    json.put("simulatedHourAwsCalls", calls);
    json.put("simulatedHourReconciles", reconciles);
  }

  private static double reconciles(EcrSecretOperator operator) {
    return operator
        .scrape()
        .lines()
        .filter(l -> l.startsWith("ecr_secret_reconcile_seconds_count"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  // ---- helpers ----

  private double bareLoop(int namespaces) {
    log("bare loop: creating " + namespaces + " secrets one after the other with the same client");
    long t0 = System.nanoTime();
    for (int i = 0; i < namespaces; i++) {
      kube.resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("bare")
                  .withNamespace(ns(i))
                  .endMetadata()
                  .withStringData(Map.of("k", "v"))
                  .build())
          .create();
    }
    return seconds(t0);
  }

  private void createNamespaces(int namespaces) throws Exception {
    createNamespaces(kube, namespaces);
  }

  /** Namespaces {@code bench-00000...}, labelled {@code bench=yes}, eight at a time. */
  static void createNamespaces(KubernetesClient kube, int namespaces) throws Exception {
    var pool = Executors.newFixedThreadPool(8);
    try {
      var futures =
          IntStream.range(0, namespaces)
              .mapToObj(
                  i ->
                      pool.submit(() -> TestCluster.namespace(kube, ns(i), Map.of("bench", "yes"))))
              .toList();
      for (var f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private List<Secret> secrets(String name) {
    return kube.secrets().inAnyNamespace().withField("metadata.name", name).list().getItems();
  }

  private long count(String name) {
    return secrets(name).size();
  }

  private boolean allReady() {
    return kube.resources(EcrPullSecret.class).inAnyNamespace().list().getItems().stream()
        .allMatch(
            r ->
                r.getStatus() != null
                    && r.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
  }

  private long refreshedAfter(Instant firstExpiry) {
    return Stream.concat(secrets("bench-fan-out").stream(), secrets("bench-own").stream())
        .filter(
            s ->
                Instant.parse(ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT))
                    .isAfter(firstExpiry))
        .count();
  }

  private long refreshedTo(String name, Instant expiry) {
    return secrets(name).stream()
        .filter(
            s -> expiry.toString().equals(ManagedMarkers.annotation(s, ManagedMarkers.EXPIRES_AT)))
        .count();
  }

  record Versions(Map<String, String> secrets, Map<String, String> resources) {}

  private Versions versions(String... secretNames) {
    var secrets = new LinkedHashMap<String, String>();
    Stream.of(secretNames)
        .flatMap(name -> secrets(name).stream())
        .forEach(
            s ->
                secrets.put(
                    s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(),
                    s.getMetadata().getResourceVersion()));
    var resources = new LinkedHashMap<String, String>();
    kube.resources(EcrPullSecret.class)
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(
            r ->
                resources.put(
                    r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
                    r.getMetadata().getResourceVersion()));
    kube.resources(ClusterEcrPullSecret.class)
        .list()
        .getItems()
        .forEach(
            r -> resources.put(r.getMetadata().getName(), r.getMetadata().getResourceVersion()));
    return new Versions(secrets, resources);
  }

  private static long changed(Map<String, String> before, Map<String, String> after) {
    return after.entrySet().stream()
        .filter(e -> !e.getValue().equals(before.get(e.getKey())))
        .count();
  }

  static String ns(int i) {
    return String.format("bench-%05d", i);
  }

  static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("benchmark step did not finish within " + timeout);
      }
      Thread.sleep(250);
    }
  }

  private static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
  }

  static String fmt(double d) {
    return String.format("%.2f", d);
  }

  static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  static String ok(boolean met) {
    return met ? "yes" : "NO";
  }

  static void log(String message) {
    System.err.println("bench: " + message);
  }

  private void report(Path out, Duration took) throws IOException {
    var table = new StringBuilder();
    String machine =
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + (((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize()
                >> 30)
            + " GiB, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", Java "
            + System.getProperty("java.version");
    table
        .append("ECR Secret Operator benchmark (")
        .append(machine)
        .append("; took ")
        .append(took.toSeconds())
        .append(" s)\n");
    table.append("Operator JVM flags: ").append(JVM_FLAGS).append(", MALLOC_ARENA_MAX=2\n\n");
    int[] w = {40, 52, 16, 30, 4};
    String[] head = {"figure", "workload", "value", "goal", "met"};
    table.append(line(head, w));
    table.append(
        line(
            new String[] {
              "-".repeat(w[0]),
              "-".repeat(w[1]),
              "-".repeat(w[2]),
              "-".repeat(w[3]),
              "-".repeat(w[4])
            },
            w));
    for (Row r : rows) {
      table.append(line(new String[] {r.figure(), r.workload(), r.value(), r.goal(), r.met()}, w));
    }
    System.out.print(table);
    Files.writeString(out.resolve("results.txt"), table);
    json.put("machine", machine);
    json.put("jvmFlags", JVM_FLAGS);
    json.put("rows", rows);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve("results.json").toFile(), json);
  }

  private static String line(String[] cells, int[] widths) {
    var sb = new StringBuilder("| ");
    for (int i = 0; i < cells.length; i++) {
      sb.append(String.format("%-" + widths[i] + "s", cells[i])).append(" | ");
    }
    return sb.toString().stripTrailing() + "\n";
  }

  static {
    // the in-process operator of the recovery row logs little
    System.setProperty("ECR_LOG_LEVEL", "WARN");
  }
}
