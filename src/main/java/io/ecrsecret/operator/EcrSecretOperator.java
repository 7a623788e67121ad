package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.aws.AwsEcrTokenSource;
import io.ecrsecret.aws.TokenCache;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.operator.compat.ArgoHelmRepoSecret;
import io.ecrsecret.operator.compat.MobbSecret;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's composition root: wires the AWS token source and the shared token cache, the
 * refresher, the reconcilers, the framework (with leader election and metrics) and the HTTP
 * endpoints. Nothing else creates them.
 */
public final class EcrSecretOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EcrSecretOperator.class);
  static final int RECONCILE_THREADS = 8;

  private final Operator operator;
  private final HttpEndpoints endpoints;
  private final AwsEcrTokenSource aws;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean closing;

  private EcrSecretOperator(
      Operator operator,
      HttpEndpoints endpoints,
      AwsEcrTokenSource aws,
      PrometheusMeterRegistry registry,
      AtomicBoolean closing) {
    this.operator = operator;
    this.endpoints = endpoints;
    this.aws = aws;
    this.registry = registry;
    this.closing = closing;
  }

  /** Starts serving; returns once the informers are synced (or leadership is being sought). */
  public static EcrSecretOperator start(
      OperatorConfig config, KubernetesClient client, Clock clock, AwsClientSettings awsSettings) {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    var aws = new AwsEcrTokenSource(awsSettings, clock);
    var tokens = new TokenCache(aws, clock, RefreshPolicy.DEFAULT.minimumInterval());
    var services =
        new PullSecretReconciler.Services(
            new PullSecretRefresher(client, tokens, clock, RefreshPolicy.DEFAULT),
            new IdentityResolver(client, config),
            new ManagedSecretRemover(client),
            new EventRecorder(client, clock),
            new OperatorMetrics(registry, clock, aws::tokenRequests),
            clock,
            config);
    String leaseNamespace =
        config
            .leaseNamespace()
            .orElseGet(() -> client.getNamespace() == null ? "default" : client.getNamespace());
    String identity = config.identity().orElseGet(EcrSecretOperator::hostName);
    var closing = new AtomicBoolean();
    var operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // reconciles are short and share one token cache: a few threads keep up with
                  // thousands of resources, and each thread costs memory
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                  // per controller, not per resource: thousands of resources would each get
                  // their own series (and histograms in memory); our own per-secret expiry gauge
                  // is the one series per secret worth having
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        config.leaseName(),
                        leaseNamespace,
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        identity,
                        new LeaderCallbacks(
                            () -> log.info("Leading as {}: reconciling", identity),
                            () -> lostLeadership(closing, identity),
                            leader -> log.info("Leader is {}", leader)),
                        false));
              }
            });
    Consumer<ControllerConfigurationOverrider<?>> namespaced =
        c -> {
          if (!config.watchNamespaces().isEmpty()) {
            c.settingNamespaces(config.watchNamespaces().toArray(String[]::new));
          }
          c.withReconciliationMaxInterval(config.maxReconcileInterval());
        };
    operator.register(new EcrPullSecretReconciler(services), c -> namespaced.accept(c));
    var served = new ArrayList<>(List.of("EcrPullSecret"));
    if (config.watchNamespaces().isEmpty()) {
      // the cluster kind needs cluster-wide rights: served only by a cluster-wide install
      operator.register(
          new ClusterEcrPullSecretReconciler(services),
          c ->
              c.watchingAllNamespaces()
                  .withReconciliationMaxInterval(config.maxReconcileInterval()));
      served.add("ClusterEcrPullSecret");
    }
    if (config.compat()) {
      if (client.supports(MobbSecret.class)) {
        operator.register(new CompatReconcilers.Secrets(services), c -> namespaced.accept(c));
        served.add("Secret.ecr.mobb.redhat.com");
      }
      if (client.supports(ArgoHelmRepoSecret.class)) {
        operator.register(
            new CompatReconcilers.ArgoHelmRepoSecrets(services), c -> namespaced.accept(c));
        served.add("ArgoHelmRepoSecret.ecr.mobb.redhat.com");
      }
    }
    operator.start();
    var endpoints =
        HttpEndpoints.start(
            config.metricsPort(),
            config.healthPort(),
            registry::scrape,
            () -> operator.getRuntimeInfo().isStarted(),
            () ->
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    log.info(
        "Serving {} in {}; metrics on :{}/metrics, health on :{}/healthz{}",
        served,
        config.watchNamespaces().isEmpty() ? "all namespaces" : config.watchNamespaces(),
        endpoints.metricsPort(),
        endpoints.healthPort(),
        config.leaderElection()
            ? ", leader election as " + identity + " in " + leaseNamespace
            : "");
    return new EcrSecretOperator(operator, endpoints, aws, registry, closing);
  }

  /**
   * A replica that loses the lease while running must stop at once, so that two never write: it
   * exits, and Kubernetes restarts it as a standby. One that is being stopped just stops.
   */
  private static void lostLeadership(AtomicBoolean closing, String identity) {
    if (closing.get()) {
      log.info("Stopped leading as {}: shutting down", identity);
      return;
    }
    log.error("Lost leadership as {}; exiting so that no two replicas reconcile", identity);
    new Thread(() -> System.exit(1), "exit-on-lost-leadership").start();
  }

  public int metricsPort() {
    return endpoints.metricsPort();
  }

  public int healthPort() {
    return endpoints.healthPort();
  }

  /** What {@code /metrics} shows. */
  public String scrape() {
    return registry.scrape();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "ecr-secret-operator-" + ProcessHandle.current().pid();
    }
  }

  @Override
  public void close() {
    closing.set(true);
    operator.stop();
    endpoints.close();
    aws.close();
  }
}
