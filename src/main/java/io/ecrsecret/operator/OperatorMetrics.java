package io.ecrsecret.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The operator's own metrics (besides the framework's):
 *
 * <ul>
 *   <li>{@code ecr_secret_token_expiry_seconds{namespace,secret}}: seconds until the token in each
 *       managed secret expires (negative once expired);
 *   <li>{@code ecr_secret_refreshes_total{kind,result}}: secrets created, updated, unchanged or
 *       failed, per reconcile and namespace;
 *   <li>{@code ecr_secret_aws_token_requests_total}: GetAuthorizationToken requests sent to AWS;
 *   <li>{@code ecr_secret_reconcile_seconds{kind}}: how long reconciles take;
 *   <li>{@code ecr_secret_resources_not_ready{kind}}: resources whose Ready condition is False (one
 *       series per kind, whatever the number of resources);
 *   <li>{@code process_resident_memory_bytes}: the process's resident memory.
 * </ul>
 */
public final class OperatorMetrics {

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();
  private final LongSupplier awsTokenRequests;

  /** Per resource (uid): its kind and whether it is Ready; removed on deletion. */
  private record Readiness(String kind, boolean ready) {}

  private final Map<String, Readiness> readiness = new ConcurrentHashMap<>();
  private final Map<String, Gauge> notReadyGauges = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry, Clock clock, LongSupplier awsTokenRequests) {
    this.registry = registry;
    this.clock = clock;
    this.awsTokenRequests = awsTokenRequests;
    // Micrometer holds a function counter's object weakly: the object is this (kept by the
    // composition root for the operator's life), which holds the supplier strongly. A method
    // reference passed as the object itself would be collected, and the counter stop counting
    FunctionCounter.builder(
            "ecr_secret_aws_token_requests", this, m -> m.awsTokenRequests.getAsLong())
        .description("GetAuthorizationToken requests sent to AWS")
        .register(registry);
    Gauge.builder("process_resident_memory_bytes", OperatorMetrics::residentMemory)
        .description("Resident memory of the process (Linux), for sizing the container")
        .register(registry);
  }

  /** VmRSS from /proc/self/status, in bytes; NaN where there is no such file. */
  static double residentMemory() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  void refreshed(String kind, String result) {
    Counter.builder("ecr_secret_refreshes")
        .description("Secrets refreshed, by result")
        .tag("kind", kind)
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /** The token in namespace/secret now expires at this instant. */
  void tokenExpiry(String namespace, String secret, Instant expiresAt) {
    String key = namespace + "/" + secret;
    expiries.put(key, expiresAt);
    gauges.computeIfAbsent(
        key,
        k ->
            Gauge.builder(
                    "ecr_secret_token_expiry_seconds",
                    expiries,
                    m -> {
                      Instant e = m.get(k);
                      return e == null
                          ? Double.NaN
                          : Duration.between(clock.instant(), e).toSeconds();
                    })
                .description("Seconds until the token in a managed secret expires")
                .tag("namespace", namespace)
                .tag("secret", secret)
                .register(registry));
  }

  /** The resource with this uid is (not) Ready now. */
  void readiness(String kind, String uid, boolean ready) {
    readiness.put(uid, new Readiness(kind, ready));
    notReadyGauges.computeIfAbsent(
        kind,
        k ->
            Gauge.builder(
                    "ecr_secret_resources_not_ready",
                    this,
                    m ->
                        m.readiness.values().stream()
                            .filter(r -> r.kind().equals(k) && !r.ready())
                            .count())
                .description("Resources whose Ready condition is False")
                .tag("kind", k)
                .register(registry));
  }

  void forgetResource(String uid) {
    readiness.remove(uid);
  }

  void forget(String namespace, String secret) {
    String key = namespace + "/" + secret;
    expiries.remove(key);
    Gauge gauge = gauges.remove(key);
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  Timer reconcileTimer(String kind) {
    return Timer.builder("ecr_secret_reconcile_seconds")
        .description("Reconcile durations")
        .tag("kind", kind)
        .register(registry);
  }
}
