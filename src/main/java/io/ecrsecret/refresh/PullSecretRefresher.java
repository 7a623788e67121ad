package io.ecrsecret.refresh;

import io.ecrsecret.aws.AwsAccessException;
import io.ecrsecret.aws.EcrTokenSource;
import io.ecrsecret.core.ExpiredToken;
import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.RegistryRef;
import io.ecrsecret.core.SecretFreshness;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.core.TokenScope;
import io.ecrsecret.kube.ClusterState;
import io.ecrsecret.kube.ListedClusterState;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.kube.NamespaceResolver;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does one refresh: gets one token per region (through the shared token source), then writes the
 * secret into each namespace, links service accounts, and restarts or heals workloads if asked. A
 * failure in AWS writes nothing, so every existing secret keeps its still-valid token; a failure in
 * one namespace (an answer such as 403 or 409) does not stop the others, while losing the API
 * server (no answer at all) fails the refresh, to be tried again whole. Shared by the CLI and the
 * operator.
 *
 * <p>Namespaces are served {@value FanOut#THREADS} at a time ({@link FanOut}), each by {@link
 * NamespaceRefresh}.
 */
public final class PullSecretRefresher {

  private static final Logger log = LoggerFactory.getLogger(PullSecretRefresher.class);

  private final KubernetesClient client;
  private final EcrTokenSource tokens;
  private final Clock clock;
  private final RefreshPolicy policy;
  private final NamespaceResolver namespaces;
  private final FanOut fanOut = new FanOut();
  private final NamespaceRefresh namespaceRefresh;

  /**
   * @param policy the refresh policy; each refresh uses its own margin and jitter
   */
  public PullSecretRefresher(
      KubernetesClient client, EcrTokenSource tokens, Clock clock, RefreshPolicy policy) {
    this.client = client;
    this.tokens = tokens;
    this.clock = clock;
    this.policy = policy;
    this.namespaces = new NamespaceResolver(client);
    this.namespaceRefresh = new NamespaceRefresh(client, clock);
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
              missing,
              StatusReason.NAMESPACE_NOT_FOUND.text(),
              NamespaceRefresh.missingNamespace(spec, missing)));
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
    var accounts = RefreshSpec.linkedAccounts(spec.serviceAccounts(), spec.builderLink());
    Map<String, Instant> fresh = Map.of();
    if (spec.leaveFreshSecrets()) {
      state.prepare(resolved.namespaces(), accounts);
      fresh = freshSecrets(spec, resolved.namespaces(), hostSet, state, now);
    }
    Optional<Instant> freshUntil = fresh.values().stream().min(Instant::compareTo);
    if (!resolved.namespaces().isEmpty() && fresh.keySet().containsAll(resolved.namespaces())) {
      // every secret is fresh by its own markers: no token is needed, and nothing is written
      outcomes.addAll(
          fanOut.each(
              resolved.namespaces(),
              ns -> namespaceRefresh.serve(spec, ns, Optional.empty(), hostSet, state)));
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
    Optional<String> expired = ExpiredToken.problem(expiresAt, now);
    if (expired.isPresent()) {
      // a token that no registry accepts any more is not written over one that may still work
      log.warn("The token for {} had expired on arrival; nothing written", hosts);
      for (String ns : resolved.namespaces()) {
        outcomes.add(NamespaceOutcome.failed(ns, StatusReason.TOKEN_EXPIRED.text(), expired.get()));
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
        fanOut.each(
            resolved.namespaces(),
            ns ->
                namespaceRefresh.serve(
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
    return fanOut.each(
        secrets,
        s -> new Removed(s.getMetadata().getNamespace(), s.getMetadata().getName(), what.apply(s)));
  }

  /**
   * The credentials a refresh writes for a registry, from the shared token source: the token just
   * written, while it is valid for the refresh's margin (no AWS call then).
   */
  public RegistryCredentials credentials(RefreshSpec spec, RegistryRef registry) {
    return tokens.token(spec.identity(), TokenScope.of(registry), spec.refreshMargin());
  }

  /** One token per region (and one for ECR Public), in the order the registries were given. */
  private Map<String, RegistryCredentials> tokensFor(RefreshSpec spec) {
    var byScope = new LinkedHashMap<TokenScope, RegistryCredentials>();
    var byHost = new TreeMap<String, RegistryCredentials>();
    for (RegistryRef registry : spec.registries()) {
      RegistryCredentials token =
          byScope.computeIfAbsent(
              TokenScope.of(registry),
              scope -> tokens.token(spec.identity(), scope, spec.refreshMargin()));
      byHost.put(registry.host(), token);
    }
    return byHost;
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
