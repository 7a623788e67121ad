package io.ecrsecret.refresh;

import io.ecrsecret.aws.AwsAccessException;
import io.ecrsecret.aws.EcrTokenSource;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.core.SecretFreshness;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.ClusterState;
import io.ecrsecret.kube.ListedClusterState;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.kube.NamespaceResolver;
import io.ecrsecret.kube.PullSecretWriter;
import io.ecrsecret.kube.SecretConflictException;
import io.ecrsecret.kube.SecretPolicy;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.kube.WorkloadRestarter;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Does one refresh: gets one token per region (through the shared token source), then writes the
 * secret into each namespace, links service accounts, and restarts or heals workloads if asked. A
 * failure in AWS writes nothing, so every existing secret keeps its still-valid token; a failure in
 * one namespace (an answer such as 403 or 409) does not stop the others, while losing the API
 * server (no answer at all) fails the refresh, to be tried again whole. Shared by the CLI and the
 * operator.
 *
 * <p>Namespaces are served {@value #FAN_OUT_THREADS} at a time, by one pool shared by every refresh
 * of this refresher: a cluster-wide resource over 1,000 namespaces is not served one request after
 * another, and however many refreshes run at once, the API server never sees more than that many of
 * our namespace writes in flight. The pool's threads exist only while there is work.
 */
public final class PullSecretRefresher {

  private static final Logger log = LoggerFactory.getLogger(PullSecretRefresher.class);
  static final int FAN_OUT_THREADS = 8;

  private final KubernetesClient client;
  private final EcrTokenSource tokens;
  private final Clock clock;
  private final RefreshPolicy policy;
  private final PullSecretWriter writer;
  private final NamespaceResolver namespaces;
  private final ServiceAccountLinker linker;
  private final WorkloadRestarter restarter;
  private final ExecutorService fanOut = fanOutPool();

  /**
   * @param policy the refresh policy; each refresh uses its own margin and jitter
   */
  public PullSecretRefresher(
      KubernetesClient client, EcrTokenSource tokens, Clock clock, RefreshPolicy policy) {
    this.client = client;
    this.tokens = tokens;
    this.clock = clock;
    this.policy = policy;
    this.writer = new PullSecretWriter(client);
    this.namespaces = new NamespaceResolver(client);
    this.linker = new ServiceAccountLinker(client);
    this.restarter = new WorkloadRestarter(client);
  }

  /** A refresh as a one-shot run does it: the state comes from a few listings. */
  public RefreshReport refresh(RefreshSpec spec) {
    return refresh(spec, new ListedClusterState(client));
  }

  /**
   * A refresh decided from this cluster state: a namespace whose secret and links are current costs
   * no request.
   */
  public RefreshReport refresh(RefreshSpec spec, ClusterState state) {
    Instant now = clock.instant();
    List<String> hosts = spec.registries().stream().map(RegistryRef::host).toList();
    var resolved =
        namespaces.resolve(spec.namespaces(), spec.createNamespaces(), spec.dryRun(), state);
    var outcomes = new ArrayList<NamespaceOutcome>();
    for (String missing : resolved.missing()) {
      outcomes.add(
          NamespaceOutcome.failed(
              missing, StatusReason.NAMESPACE_NOT_FOUND.text(), missingNamespace(spec, missing)));
    }
    for (String terminating : resolved.terminating()) {
      outcomes.add(
          NamespaceOutcome.failed(
              terminating,
              StatusReason.NAMESPACE_TERMINATING.text(),
              "namespace " + terminating + " is being deleted"));
    }
    if (resolved.namespaces().isEmpty() && outcomes.isEmpty()) {
      outcomes.add(
          NamespaceOutcome.failed(
              "",
              StatusReason.NO_NAMESPACE_MATCHED.text(),
              "no namespace matches " + describe(spec)));
    }

    Set<String> hostSet = Set.copyOf(hosts);
    var accounts = new ArrayList<>(spec.serviceAccounts());
    if (spec.builderLink() != RefreshSpec.BuilderLink.NEVER) {
      accounts.add(ServiceAccountLinker.BUILDER);
    }
    Map<String, Instant> fresh = Map.of();
    if (spec.leaveFreshSecrets()) {
      state.prepare(resolved.namespaces(), accounts);
      fresh = freshSecrets(spec, resolved.namespaces(), hostSet, state, now);
    }
    Optional<Instant> freshUntil = fresh.values().stream().min(Instant::compareTo);
    if (!resolved.namespaces().isEmpty() && fresh.keySet().containsAll(resolved.namespaces())) {
      // every secret is fresh by its own markers: no token is needed, and nothing is written
      outcomes.addAll(
          inParallel(
              resolved.namespaces(),
              ns -> refreshNamespace(spec, ns, Optional.empty(), hostSet, state)));
      outcomes.sort(java.util.Comparator.comparing(NamespaceOutcome::namespace));
      return report(spec, now, freshUntil, outcomes);
    }

    Map<String, RegistryCredentials> byHost;
    try {
      byHost = tokensFor(spec);
    } catch (AwsAccessException e) {
      log.warn("No token for {}: {}", hosts, e.getMessage());
      for (String ns : resolved.namespaces()) {
        outcomes.add(
            NamespaceOutcome.failed(
                ns, e.kind().reason(), e.getMessage() + "; the existing secret was left as it is"));
      }
      return report(spec, now, Optional.empty(), outcomes);
    }
    Optional<Instant> expiresAt =
        byHost.values().stream()
            .map(RegistryCredentials::expiresAt)
            .flatMap(Optional::stream)
            .min(Instant::compareTo);
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      // a token that no registry accepts any more is not written over one that may still work
      log.warn(
          "The token for {} expired at {} on arrival; nothing written", hosts, expiresAt.get());
      for (String ns : resolved.namespaces()) {
        outcomes.add(
            NamespaceOutcome.failed(
                ns,
                StatusReason.TOKEN_EXPIRED.text(),
                "AWS handed out a token that expired at "
                    + expiresAt.get()
                    + " (this machine's clock says "
                    + now
                    + "); the existing secret was left as it is. Check the clock, and the AWS"
                    + " endpoint that answered"));
      }
      return report(spec, now, expiresAt, outcomes);
    }
    String argoUrl = spec.argoUrl().orElse(hosts.get(0));
    var content =
        new PullSecretContent(
            spec.format(), byHost, spec.secretName(), argoUrl, expiresAt, spec.owningResource());
    if (!spec.leaveFreshSecrets()) {
      state.prepare(resolved.namespaces(), accounts); // prepared above otherwise
    }
    Set<String> left = fresh.keySet();
    outcomes.addAll(
        inParallel(
            resolved.namespaces(),
            ns ->
                refreshNamespace(
                    spec,
                    ns,
                    left.contains(ns) ? Optional.empty() : Optional.of(content),
                    hostSet,
                    state)));
    outcomes.sort(java.util.Comparator.comparing(NamespaceOutcome::namespace));
    // the next refresh is due for the first token to expire: the new one, or one left in place
    Optional<Instant> firstExpiry =
        java.util.stream.Stream.of(expiresAt, freshUntil)
            .flatMap(Optional::stream)
            .min(Instant::compareTo);
    return report(spec, now, firstExpiry, outcomes);
  }

  /**
   * The namespaces whose secret is fresh by its own markers ({@link SecretFreshness}), with when
   * its token expires.
   */
  private Map<String, Instant> freshSecrets(
      RefreshSpec spec,
      List<String> namespaces,
      Set<String> hosts,
      ClusterState state,
      Instant now) {
    var wanted =
        new SecretFreshness.Wanted(
            spec.format().secretType(),
            hosts,
            ManagedMarkers.ownLabels(spec.format().labels(), spec.owner()));
    RefreshPolicy due = policy.withMargin(spec.refreshMargin());
    var fresh = new java.util.HashMap<String, Instant>();
    for (String ns : namespaces) {
      var verdict =
          SecretFreshness.decide(
              wanted,
              state
                  .managedSecret(ns, spec.secretName())
                  .map(s -> ManagedMarkers.seen(s, spec.owner())),
              now,
              due,
              spec::jitter);
      if (verdict.leave()) {
        fresh.put(ns, verdict.expiresAt().orElseThrow());
      } else {
        log.debug(
            "Secret {}/{} to be written: {}", ns, spec.secretName(), verdict.reason().message());
      }
    }
    return fresh;
  }

  /**
   * Serves each namespace on the fan-out pool, with the caller's logging context (the resource
   * being reconciled), and waits for all of them.
   */
  private <T, R> List<R> inParallel(List<T> namespaces, Function<T, R> serve) {
    if (namespaces.size() < 2) {
      return namespaces.stream().map(serve).toList();
    }
    Map<String, String> context = MDC.getCopyOfContextMap();
    var futures = new ArrayList<Future<R>>(namespaces.size());
    for (T ns : namespaces) {
      futures.add(
          fanOut.submit(
              () -> {
                if (context != null) {
                  MDC.setContextMap(context);
                }
                try {
                  return serve.apply(ns);
                } finally {
                  MDC.clear();
                }
              }));
    }
    var outcomes = new ArrayList<R>(namespaces.size());
    try {
      for (var future : futures) {
        outcomes.add(future.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while serving namespaces", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return outcomes;
  }

  /** What {@link #remove} did to one secret. */
  public record Removed(String namespace, String name, String what) {}

  /**
   * Removes secrets of ours and our links to them (the owner is gone, or no longer asks for them),
   * on the same bounded pool as the writes, deciding from the cluster state.
   */
  public List<Removed> remove(
      List<Secret> secrets,
      ManagedSecretRemover remover,
      ClusterState state,
      List<String> linkedAccounts) {
    return eachOnThePool(secrets, s -> remover.remove(s, state, linkedAccounts));
  }

  /**
   * Lets secrets of ours go, kept with their data and links (their owner's {@code Retain} policy),
   * on the same bounded pool.
   */
  public List<Removed> retain(List<Secret> secrets, ManagedSecretRemover remover, String ownerUid) {
    return eachOnThePool(secrets, s -> remover.retain(s, ownerUid));
  }

  private List<Removed> eachOnThePool(List<Secret> secrets, Function<Secret, String> what) {
    return inParallel(
        secrets,
        s -> new Removed(s.getMetadata().getNamespace(), s.getMetadata().getName(), what.apply(s)));
  }

  private static ExecutorService fanOutPool() {
    var threads = new AtomicInteger();
    var pool =
        new ThreadPoolExecutor(
            FAN_OUT_THREADS,
            FAN_OUT_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              var thread = new Thread(task, "fan-out-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** One token per region, in the order the registries were given. */
  private Map<String, RegistryCredentials> tokensFor(RefreshSpec spec) {
    var byRegion = new LinkedHashMap<String, RegistryCredentials>();
    var byHost = new TreeMap<String, RegistryCredentials>();
    for (RegistryRef registry : spec.registries()) {
      RegistryCredentials token =
          byRegion.computeIfAbsent(
              registry.region(),
              region -> tokens.token(spec.identity(), region, spec.refreshMargin()));
      byHost.put(registry.host(), token);
    }
    return byHost;
  }

  /**
   * @param content what to write; empty: the secret is fresh and left as it is (its links are still
   *     seen to)
   */
  private NamespaceOutcome refreshNamespace(
      RefreshSpec spec,
      String ns,
      Optional<PullSecretContent> content,
      Set<String> hosts,
      ClusterState state) {
    String result;
    boolean adopted;
    if (content.isEmpty()) {
      log.debug("Secret {}/{} fresh; left as it is", ns, spec.secretName());
      result = NamespaceOutcome.UNCHANGED;
      adopted = false;
    } else {
      try {
        var written =
            writer.apply(
                new SecretPolicy.Wanted(
                    ns, spec.secretName(), content.get(), spec.owner(), spec.adoption()),
                spec.dryRun(),
                state);
        result = written.result().name().toLowerCase(java.util.Locale.ROOT);
        adopted = written.adopted();
        if (written.result() != PullSecretWriter.Result.UNCHANGED) {
          log.info(
              "{} secret {}/{} for {}{}",
              written.adopted()
                  ? "Took over"
                  : written.result() == PullSecretWriter.Result.CREATED ? "Created" : "Updated",
              ns,
              spec.secretName(),
              hosts.stream().sorted().collect(Collectors.joining(",")),
              spec.dryRun() ? " (dry run: nothing written)" : "");
        } else {
          log.debug("Secret {}/{} unchanged", ns, spec.secretName());
        }
      } catch (SecretConflictException e) {
        return NamespaceOutcome.failed(ns, e.reason().text(), e.getMessage());
      } catch (KubernetesClientException e) {
        if (e.getCode() <= 0) {
          // no answer: the API server is gone (restarting, unreachable). Not this namespace's
          // problem, and nothing to report on it: the whole refresh fails and is tried again
          throw e;
        }
        if (e.getCode() == 404) {
          return NamespaceOutcome.failed(
              ns, StatusReason.NAMESPACE_NOT_FOUND.text(), missingNamespace(spec, ns));
        }
        return NamespaceOutcome.failed(
            ns,
            StatusReason.KUBERNETES_ERROR.text(),
            kubernetesProblem("write secret " + spec.secretName(), ns, e));
      }
    }

    var problems = new ArrayList<String>();
    var linked = new ArrayList<String>();
    var awaited = new ArrayList<String>();
    var restarted = new ArrayList<String>();
    var healed = new ArrayList<String>();
    try {
      boolean builder =
          switch (spec.builderLink()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> state.serviceAccount(ns, ServiceAccountLinker.BUILDER).isPresent();
          };
      for (String sa : accountsToLink(spec, ns, state, builder)) {
        boolean forBuilds = builder && sa.equals(ServiceAccountLinker.BUILDER);
        var linkResult = linker.link(ns, sa, spec.secretName(), forBuilds, spec.dryRun(), state);
        if (linkResult == ServiceAccountLinker.Result.MISSING
            && state.seesServiceAccountsAppear()) {
          log.debug("Service account {}/{} not there yet; linked when it appears", ns, sa);
          if (!isNew(ns, state)) {
            // in a namespace just made, its accounts are still being made: not worth a word
            awaited.add(sa);
          }
        } else if (linkResult == ServiceAccountLinker.Result.MISSING) {
          problems.add(
              "service account "
                  + ns
                  + "/"
                  + sa
                  + (forBuilds
                      ? " does not exist; builds cannot use the secret"
                      : " does not exist; the secret was not linked to it"));
        } else if (linkResult == ServiceAccountLinker.Result.LINKED) {
          linked.add(sa);
        }
      }
      if (!spec.restartDeployments().isEmpty()) {
        var restart = restarter.restartDeployments(ns, spec.restartDeployments(), spec.dryRun());
        restarted.addAll(restart.done());
        restart
            .missing()
            .forEach(
                d -> problems.add("deployment " + ns + "/" + d + " does not exist; not restarted"));
      }
      boolean wrote = !result.equals(NamespaceOutcome.UNCHANGED) || !linked.isEmpty();
      if (spec.healing() == RefreshSpec.Healing.EVERY_REFRESH
          || (spec.healing() == RefreshSpec.Healing.AFTER_A_WRITE && wrote)) {
        healed.addAll(restarter.healPullFailures(ns, hosts, spec.dryRun()).done());
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() <= 0) {
        throw e;
      }
      problems.add(kubernetesProblem("link or restart", ns, e));
    }
    if (!linked.isEmpty() || !restarted.isEmpty() || !healed.isEmpty()) {
      log.info(
          "Namespace {}: linked {}, restarted {}, deleted stuck pods {}{}",
          ns,
          linked,
          restarted,
          healed,
          spec.dryRun() ? " (dry run)" : "");
    }
    return new NamespaceOutcome(
        ns,
        problems.isEmpty() ? result : NamespaceOutcome.FAILED,
        problems.isEmpty() ? "" : NamespaceOutcome.LINK_FAILED,
        problems,
        linked,
        restarted,
        healed,
        result,
        adopted,
        awaited);
  }

  /** The CLI's message names its option; a resource's status does not. */
  private static String missingNamespace(RefreshSpec spec, String ns) {
    return "namespace "
        + ns
        + " does not exist; create it"
        + (spec.owner().equals(PullSecretWriter.CLI_OWNER) ? ", or pass --create-namespace" : "");
  }

  /** How long a namespace counts as new: its controllers are still making its accounts. */
  static final java.time.Duration NEW_NAMESPACE = java.time.Duration.ofMinutes(1);

  private boolean isNew(String ns, ClusterState state) {
    var namespace = state.namespace(ns);
    if (namespace == null || namespace.isEmpty()) {
      return false;
    }
    String created = namespace.get().getMetadata().getCreationTimestamp();
    return created != null && Instant.parse(created).isAfter(clock.instant().minus(NEW_NAMESPACE));
  }

  /**
   * The accounts to link in a namespace: those named, every one the namespace has for {@value
   * RefreshSpec#ALL_SERVICE_ACCOUNTS}, and OpenShift's builder where it is to be linked for builds
   * (any other account named builder is linked for pulls only).
   */
  private static List<String> accountsToLink(
      RefreshSpec spec, String ns, ClusterState state, boolean builder) {
    var accounts = new java.util.LinkedHashSet<String>();
    for (String sa : spec.serviceAccounts()) {
      if (sa.equals(RefreshSpec.ALL_SERVICE_ACCOUNTS)) {
        accounts.addAll(state.serviceAccountNames(ns));
      } else {
        accounts.add(sa);
      }
    }
    if (builder) {
      accounts.add(ServiceAccountLinker.BUILDER);
    }
    return List.copyOf(accounts);
  }

  private static String kubernetesProblem(String what, String ns, KubernetesClientException e) {
    String status =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    if (e.getCode() == 403) {
      return "not allowed to "
          + what
          + " in namespace "
          + ns
          + ": "
          + status
          + ". Grant the RBAC permission";
    }
    return "cannot " + what + " in namespace " + ns + ": HTTP " + e.getCode() + " " + status;
  }

  private static String describe(RefreshSpec spec) {
    var parts = new ArrayList<String>();
    if (!spec.namespaces().include().isEmpty()) {
      parts.add(spec.namespaces().include().toString());
    }
    spec.namespaces().labelSelector().ifPresent(s -> parts.add("selector " + s));
    return String.join(" or ", parts);
  }

  private RefreshReport report(
      RefreshSpec spec, Instant now, Optional<Instant> expiresAt, List<NamespaceOutcome> outcomes) {
    Instant next =
        expiresAt.isPresent()
            ? policy.withMargin(spec.refreshMargin()).nextRefresh(now, expiresAt, spec::jitter)
            : now.plus(policy.minimumInterval());
    return new RefreshReport(
        spec.secretName(),
        spec.registries().stream().map(RegistryRef::host).toList(),
        spec.dryRun(),
        now,
        expiresAt,
        next,
        outcomes);
  }
}
