package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsClientSettings;
import io.ecrsecret.aws.AwsEcrTokenSource;
import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.aws.TokenCache;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's composition root: wires the AWS token source and the shared token cache, the
 * refresher, the reconcilers, the framework (with leader election and metrics) and the HTTP
 * endpoints. Nothing else creates them.
 *
 * <p>It serves the kinds whose CRDs are installed, says in one line which are missing and how to
 * install them, and looks for those every {@link #CRD_CHECK} (one discovery request): when one
 * appears, the framework is started again with it. With none installed it does not start.
 */
public final class EcrSecretOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EcrSecretOperator.class);
  static final int RECONCILE_THREADS = 8;

  /**
   * How a reconcile that failed unexpectedly (the API server gone or still starting, a status write
   * refused as stale while the caches catch up, a bug) is tried again: after 1 s, doubling up to 2
   * minutes, and never given up. The framework's default gives up after 5 tries (about 26 s), after
   * which a resource waits for its next event: an API server outage longer than that left its
   * status stale until something else changed.
   */
  static final GenericRetry RETRY =
      new GenericRetry()
          .setInitialInterval(Duration.ofSeconds(1))
          .setIntervalMultiplier(2)
          .setMaxInterval(Duration.ofMinutes(2).toMillis())
          .withoutMaxAttempts();

  /** How often the CRDs that were missing are looked for. */
  static final Duration CRD_CHECK = Duration.ofSeconds(20);

  /** No kind this operator serves has its CRD installed: there is nothing to do. */
  public static final class NoCrdInstalledException extends RuntimeException {
    NoCrdInstalledException(String message) {
      super(message);
    }
  }

  private final OperatorConfig config;
  private final KubernetesClient client;
  private final PullSecretReconciler.Services services;
  private final AwsEcrTokenSource aws;
  private final PrometheusMeterRegistry registry;
  private final String identity;
  private final String leaseNamespace;
  private final AtomicBoolean closing = new AtomicBoolean();

  /** Set while the framework is stopped to start it again with another kind. */
  private final AtomicBoolean restarting = new AtomicBoolean();

  private final ScheduledExecutorService crdCheck =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            var t = new Thread(r, "crd-check");
            t.setDaemon(true);
            return t;
          });
  private final Optional<OwnPullSecret> ownPullSecret;
  private final AtomicBoolean ownPullSecretStarted = new AtomicBoolean();
  private volatile Operator operator;
  private volatile List<KindReconcilers.Kind> served = List.of();
  private HttpEndpoints endpoints;

  private EcrSecretOperator(
      OperatorConfig config,
      KubernetesClient client,
      PullSecretReconciler.Services services,
      AwsEcrTokenSource aws,
      PrometheusMeterRegistry registry) {
    this.config = config;
    this.client = client;
    this.services = services;
    this.aws = aws;
    this.registry = registry;
    this.identity = config.identity().orElseGet(EcrSecretOperator::hostName);
    this.leaseNamespace =
        config
            .leaseNamespace()
            .orElseGet(() -> client.getNamespace() == null ? "default" : client.getNamespace());
    this.ownPullSecret =
        config.ownPullSecretRegistries().isEmpty()
            ? Optional.empty()
            : Optional.of(
                new OwnPullSecret(
                    services.refresher(),
                    services.clock(),
                    leaseNamespace,
                    config.ownPullSecretName(),
                    config.ownPullSecretRegistries()));
  }

  /** The leader (or the only replica) keeps the operator's own pull secret, once started. */
  private void keepOwnPullSecret() {
    if (ownPullSecretStarted.compareAndSet(false, true)) {
      ownPullSecret.ifPresent(OwnPullSecret::start);
    }
  }

  /**
   * Starts serving; returns once the informers are synced (or leadership is being sought).
   *
   * @throws NoCrdInstalledException if no kind it would serve has its CRD installed
   */
  public static EcrSecretOperator start(
      OperatorConfig config, KubernetesClient client, Clock clock, AwsClientSettings awsSettings) {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    var aws = new AwsEcrTokenSource(awsSettings, clock);
    var tokens = new TokenCache(aws, clock, RefreshPolicy.DEFAULT.minimumInterval());
    var refresher = new PullSecretRefresher(client, tokens, clock, RefreshPolicy.DEFAULT);
    var services =
        new PullSecretReconciler.Services(
            refresher,
            new IdentityResolver(client, config),
            new ManagedSecretRemover(client),
            new EventRecorder(client, clock),
            new OperatorMetrics(registry, clock, aws::tokenRequests),
            clock,
            config,
            NamespaceShare.of(RECONCILE_THREADS),
            new PullVerifier(refresher, config.registryEndpoints()));
    var self = new EcrSecretOperator(config, client, services, aws, registry);
    try {
      self.begin();
      return self;
    } catch (RuntimeException e) {
      self.close();
      throw e;
    }
  }

  private void begin() {
    List<KindReconcilers.Kind> wanted = KindReconcilers.wanted(config);
    List<KindReconcilers.Kind> installed = installed(wanted);
    List<KindReconcilers.Kind> missing =
        wanted.stream().filter(k -> !installed.contains(k)).toList();
    if (installed.isEmpty()) {
      throw new NoCrdInstalledException(
          "no CRD of a kind this operator serves is installed ("
              + KindReconcilers.labels(wanted)
              + "). Install them first: kubectl apply -f "
              + missing.stream()
                  .map(KindReconcilers.Kind::crdFile)
                  .distinct()
                  .collect(Collectors.joining(" -f "))
              + " (or the Helm chart, which installs them)");
    }
    serve(installed);
    if (!config.leaderElection()) {
      keepOwnPullSecret();
    }
    endpoints =
        HttpEndpoints.start(
            config.metricsPort(),
            config.healthPort(),
            registry::scrape,
            () -> restarting.get() || operator.getRuntimeInfo().isStarted(),
            () ->
                !restarting.get()
                    && operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    log.info(
        "Serving {} in {}; metrics on :{}/metrics, health on :{}/healthz{}",
        KindReconcilers.labels(installed),
        config.watchNamespaces().isEmpty() ? "all namespaces" : config.watchNamespaces(),
        endpoints.metricsPort(),
        endpoints.healthPort(),
        config.leaderElection()
            ? ", leader election as " + identity + " in " + leaseNamespace
            : "");
    if (!missing.isEmpty()) {
      log.warn(
          "Not serving {}: their CRDs are not installed (kubectl apply -f {}); served as soon as"
              + " they are",
          KindReconcilers.labels(missing),
          missing.stream()
              .map(KindReconcilers.Kind::crdFile)
              .distinct()
              .collect(Collectors.joining(" -f ")));
      crdCheck.scheduleWithFixedDelay(
          this::serveNewlyInstalled,
          CRD_CHECK.toMillis(),
          CRD_CHECK.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Those of these kinds whose CRD is installed: the API versions the API server serves (one
   * request), then the kinds of each one wanted that it serves (one request each). An API version
   * it does not serve, rh-mobb's where its CRDs are not installed, costs no request of its own.
   */
  private List<KindReconcilers.Kind> installed(List<KindReconcilers.Kind> kinds) {
    if (kinds.isEmpty()) {
      return List.of();
    }
    Set<String> servedVersions =
        client.getApiGroups().getGroups().stream()
            .flatMap(g -> g.getVersions().stream())
            .map(GroupVersionForDiscovery::getGroupVersion)
            .collect(Collectors.toSet());
    return KindReconcilers.installed(
        kinds,
        apiVersion -> {
          APIResourceList resources =
              servedVersions.contains(apiVersion) ? client.getApiResources(apiVersion) : null;
          return resources == null
              ? Set.of()
              : resources.getResources().stream()
                  .map(APIResource::getKind)
                  .collect(Collectors.toSet());
        });
  }

  /** Starts the framework with a reconciler for each of these kinds. */
  private void serve(List<KindReconcilers.Kind> kinds) {
    var started = framework();
    Consumer<ControllerConfigurationOverrider<?>> namespaced =
        c -> {
          if (!config.watchNamespaces().isEmpty()) {
            c.settingNamespaces(config.watchNamespaces().toArray(String[]::new));
          }
          c.withReconciliationMaxInterval(config.maxReconcileInterval()).withRetry(RETRY);
        };
    // rh-mobb's kinds: the operator's own identity, or rh-mobb's credentials Secret if told so,
    // under the same rule as namespaced resources without an identity
    var credentials = new AwsKeysSecretReader(client);
    Function<Optional<String>, AwsIdentity> compatIdentity =
        ns ->
            services
                .identities()
                .compat(
                    ns.orElseThrow(),
                    config.compatCredentialsSecret(),
                    () ->
                        new AwsIdentity(
                            credentials.readCredentialsFile(
                                leaseNamespace, config.compatCredentialsSecret().orElseThrow()),
                            List.of()));
    KindReconcilers.register(started, kinds, services, config, namespaced, compatIdentity);
    started.start();
    operator = started;
    served = List.copyOf(kinds);
  }

  /**
   * When a CRD that was missing is installed: the framework, which cannot take a controller once
   * started, is stopped and started again with that kind too.
   */
  private void serveNewlyInstalled() {
    try {
      List<KindReconcilers.Kind> wanted = KindReconcilers.wanted(config);
      // only the API versions of the kinds still missing are asked for
      var added = installed(wanted.stream().filter(k -> !served.contains(k)).toList());
      if (added.isEmpty() || closing.get()) {
        return;
      }
      var installed = wanted.stream().filter(k -> served.contains(k) || added.contains(k)).toList();
      log.info("The CRDs of {} are installed now: serving them too", KindReconcilers.labels(added));
      restarting.set(true);
      try {
        operator.stop();
        serve(installed);
      } finally {
        restarting.set(false);
      }
      if (installed.size() == wanted.size()) {
        crdCheck.shutdown();
      }
    } catch (RuntimeException e) {
      log.warn("Looking for the missing CRDs failed ({}); trying again", e.getMessage());
    }
  }

  private Operator framework() {
    return new Operator(
        o -> {
          o.withKubernetesClient(client)
              .withCloseClientOnStop(false)
              // reconciles are short and share one token cache: a few threads keep up with
              // thousands of resources, and each thread costs memory
              .withConcurrentReconciliationThreads(RECONCILE_THREADS)
              // per controller, not per resource: thousands of resources would each get their
              // own series (and histograms in memory); our own per-secret expiry gauge is the
              // one series per secret worth having
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
                        () -> {
                          log.info("Leading as {}: reconciling", identity);
                          keepOwnPullSecret();
                        },
                        this::lostLeadership,
                        leader -> log.info("Leader is {}", leader)),
                    false));
          }
        });
  }

  /**
   * A replica that loses the lease while running must stop at once, so that two never write: it
   * exits, and Kubernetes restarts it as a standby. One that is being stopped (or started again
   * with a new kind) just stops.
   */
  private void lostLeadership() {
    if (closing.get() || restarting.get()) {
      log.info("Stopped leading as {}", identity);
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
    crdCheck.shutdownNow();
    ownPullSecret.ifPresent(OwnPullSecret::close);
    if (operator != null) {
      operator.stop();
    }
    if (endpoints != null) {
      endpoints.close();
    }
    aws.close();
  }
}
