package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.refresh.RefreshReport;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every pull-secret kind does: map the resource to a refresh, run it through the shared
 * refresher (and so the shared token cache), and say how it went in status, events and metrics.
 * Known failures (AWS said no, a secret is not ours, a Secret is missing, an identity is not
 * allowed) go to status, an Event when they are new, and a retry with backoff; the last good secret
 * stays. Anything else is thrown for the framework to retry.
 *
 * @param <R> the resource kind
 * @param <S> its status
 */
abstract class PullSecretReconciler<R extends CustomResource<?, S>, S extends PullSecretStatus>
    implements Reconciler<R>, Cleaner<R> {

  private static final Logger log = LoggerFactory.getLogger(PullSecretReconciler.class);
  private static final Duration LONGEST_RETRY = Duration.ofMinutes(10);

  /** What the reconcilers share: built once by the composition root. */
  record Services(
      PullSecretRefresher refresher,
      IdentityResolver identities,
      ManagedSecretRemover remover,
      EventRecorder events,
      OperatorMetrics metrics,
      Clock clock,
      OperatorConfig config) {}

  protected final Services services;
  private final Map<String, Integer> consecutiveFailures = new ConcurrentHashMap<>();

  /**
   * The Ready state last announced per resource: a status patch refused as stale (409) or a cache
   * that lags behind the API server must not announce the same change twice.
   */
  private final Map<String, String> announced = new ConcurrentHashMap<>();

  PullSecretReconciler(Services services) {
    this.services = services;
  }

  /** The resource class, for the event sources. */
  abstract Class<R> resourceClass();

  /** Whether the resource is cluster-scoped (secrets in many namespaces). */
  abstract boolean clusterScoped();

  /** The refresh the resource asks for, as the given identity. */
  abstract RefreshSpec refreshSpec(R resource, AwsIdentity identity, String owner, double jitter);

  /** The identity the resource asks for. */
  abstract AwsIdentity identity(R resource);

  /**
   * The service accounts the resource links its secret to (OpenShift's builder included where it
   * may): the ones whose events matter, and the only links removed with the secret.
   */
  abstract List<String> linkedAccounts(R resource);

  private boolean linksServiceAccount(R resource, String serviceAccount) {
    return linkedAccounts(resource).contains(serviceAccount);
  }

  /** Whether the kind links service accounts at all (if not, it watches none). */
  boolean linksServiceAccounts() {
    return true;
  }

  /** A new, empty status. */
  abstract S newStatus();

  /** A kind may ask to be reconciled at least this often (seed 003's frequency). */
  Optional<Duration> refreshAtLeastEvery(R resource) {
    return Optional.empty();
  }

  /** Kind-specific status fields (the seed-003 kinds' phase), after the common ones are built. */
  void finishStatus(S status, SyncResult result) {}

  static String ownerOf(CustomResource<?, ?> resource) {
    String ns = resource.getMetadata().getNamespace();
    return resource.getKind()
        + "/"
        + (ns == null ? "" : ns + "/")
        + resource.getMetadata().getName();
  }

  @Override
  public UpdateControl<R> reconcile(R resource, Context<R> context) {
    String kind = resource.getKind();
    long started = System.nanoTime();
    try {
      Instant now = services.clock().instant();
      String owner = ownerOf(resource);
      String uid = resource.getMetadata().getUid();
      SyncResult result;
      RefreshReport report = null;
      AwsIdentity identity = null;
      RefusedKeys refused = null;
      try {
        identity = identity(resource);
        refused = refusedKeys.get(uid);
        if (refused != null
            && refused.identityKey().equals(identity.cacheKey())
            && now.isBefore(refused.askAgainAt())) {
          // the keys AWS refused are still the ones in the Secret: AWS is not asked again before
          // the backoff is over, but a change to the Secret is seen within KEYS_RECHECK
          result = refused.result();
        } else {
          refused = null;
          double jitter = Math.floorMod(uid.hashCode(), 1000) / 1000.0;
          var state =
              InformerClusterState.of(resource, context, linksServiceAccounts(), clusterScoped());
          RefreshSpec spec = refreshSpec(resource, identity, owner, jitter);
          report = services.refresher().refresh(spec, state);
          removeLeftBehind(owner, spec.secretName(), report, state, linkedAccounts(resource));
          result = SyncResult.from(report, secretName(resource), clusterScoped());
        }
      } catch (IdentityResolver.IdentityNotAllowedException e) {
        result = SyncResult.failed("IdentityNotAllowed", e.getMessage(), clusterScoped());
      } catch (AwsKeysSecretReader.UnusableKeysException e) {
        result = SyncResult.failed("CredentialsSecretUnusable", e.getMessage(), clusterScoped());
      } catch (IllegalArgumentException e) {
        result = SyncResult.failed("InvalidSpec", e.getMessage(), clusterScoped());
      }
      if (report != null) {
        record(kind, report);
      }
      services.metrics().readiness(kind, uid, result.ready());
      S previous = resource.getStatus();
      S status =
          StatusBuilder.build(
              previous, newStatus(), resource.getMetadata().getGeneration(), now, result);
      finishStatus(status, result);
      announce(resource, previous, result);
      Duration next = reschedule(resource, result, identity, refused, now);
      if (status.equals(previous)) {
        log.debug("Nothing changed; next reconcile in {}", next);
        return UpdateControl.<R>noUpdate().rescheduleAfter(next);
      }
      resource.setStatus(status);
      // the patch carries the resource version it was computed from: a status built from a stale
      // view is refused (409) and recomputed, never written over a newer one
      return UpdateControl.patchStatus(resource).rescheduleAfter(next);
    } finally {
      services.metrics().reconcileTimer(kind).record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  abstract String secretName(R resource);

  /** How soon a change to the credentials Secret of a failing resource is seen. */
  static final Duration KEYS_RECHECK = Duration.ofSeconds(30);

  private static final Set<String> AWS_REFUSED_KEYS = Set.of("InvalidCredentials", "AccessDenied");

  /** Keys from a Secret that AWS refused, and when AWS may be asked with them again. */
  private record RefusedKeys(String identityKey, SyncResult result, Instant askAgainAt) {}

  /** Per resource (uid), removed on success and on deletion: bounded by the resources. */
  private final Map<String, RefusedKeys> refusedKeys = new ConcurrentHashMap<>();

  /**
   * The next reconcile: the refresh plan or the backoff; but a resource whose keys come from a
   * Secret is looked at again within {@link #KEYS_RECHECK} (a read of the Secret, no AWS call), so
   * that fixed keys take effect at once rather than after a backoff of up to 10 minutes.
   */
  private Duration reschedule(
      R resource, SyncResult result, AwsIdentity identity, RefusedKeys refused, Instant now) {
    String uid = resource.getMetadata().getUid();
    if (refused != null) {
      Duration left = Duration.between(now, refused.askAgainAt());
      return bounded(left.compareTo(KEYS_RECHECK) < 0 ? left : KEYS_RECHECK);
    }
    Duration next = next(resource, result, now);
    boolean keysFromSecret = identity != null && identity.base() instanceof AwsIdentity.StaticKeys;
    if (result.ready()) {
      refusedKeys.remove(uid);
    } else if (keysFromSecret && AWS_REFUSED_KEYS.contains(result.reason())) {
      refusedKeys.put(uid, new RefusedKeys(identity.cacheKey(), result, now.plus(next)));
      return next.compareTo(KEYS_RECHECK) < 0 ? next : KEYS_RECHECK;
    } else if ("CredentialsSecretUnusable".equals(result.reason())) {
      // nothing was sent to AWS: reading the Secret again is all a retry costs
      return next.compareTo(KEYS_RECHECK) < 0 ? next : KEYS_RECHECK;
    }
    return next;
  }

  /**
   * Removes the secrets this resource made that it no longer asks for: in a namespace that left its
   * selection, or under a secret name it no longer uses. Decided from the cache; costs requests
   * only where there is something to remove.
   */
  private void removeLeftBehind(
      String owner,
      String secretName,
      RefreshReport report,
      InformerClusterState state,
      List<String> accounts) {
    Set<String> served =
        report.namespaces().stream()
            .map(NamespaceOutcome::namespace)
            .collect(java.util.stream.Collectors.toSet());
    var leftBehind =
        state.managedSecretsOf(owner).stream()
            .filter(
                s ->
                    !served.contains(s.getMetadata().getNamespace())
                        || !s.getMetadata().getName().equals(secretName))
            .toList();
    for (var removed :
        services.refresher().remove(leftBehind, services.remover(), state, accounts)) {
      services.metrics().forget(removed.namespace(), removed.name());
      log.info(
          "Removed secret {}/{}: {} no longer {} it ({})",
          removed.namespace(),
          removed.name(),
          owner,
          served.contains(removed.namespace())
              ? "names"
              : "selects namespace " + removed.namespace() + " for",
          removed.what());
    }
  }

  private void record(String kind, RefreshReport report) {
    for (NamespaceOutcome n : report.namespaces()) {
      if (n.namespace().isEmpty()) {
        continue;
      }
      services.metrics().refreshed(kind, n.result());
      if (n.succeeded() && report.tokenExpiresAt().isPresent()) {
        services
            .metrics()
            .tokenExpiry(n.namespace(), report.secretName(), report.tokenExpiresAt().get());
      }
    }
  }

  /** One Event per distinct change of the Ready condition: not one per retry. */
  private void announce(R resource, S previous, SyncResult result) {
    var before = StatusBuilder.readyCondition(previous);
    boolean changed =
        before.isEmpty()
            || !before.get().getStatus().equals(result.ready() ? "True" : "False")
            || !before.get().getReason().equals(result.reason())
            || (!result.ready() && !before.get().getMessage().equals(result.message()));
    String state =
        result.ready()
            ? "True/" + result.reason()
            : "False/" + result.reason() + "/" + result.message();
    String last = announced.put(resource.getMetadata().getUid(), state);
    if (!changed || state.equals(last)) {
      return;
    }
    if (result.ready()) {
      log.info("Ready: {}", result.message());
      services.events().normal(resource, result.reason(), result.message());
    } else {
      log.warn("Not ready ({}): {}", result.reason(), result.message());
      services.events().warning(resource, result.reason(), result.message());
    }
  }

  private Duration next(R resource, SyncResult result, Instant now) {
    String uid = resource.getMetadata().getUid();
    if (result.ready()) {
      consecutiveFailures.remove(uid);
      Duration untilRefresh =
          result.nextRefreshAt().map(t -> Duration.between(now, t)).orElse(Duration.ofMinutes(1));
      Optional<Duration> cap = refreshAtLeastEvery(resource);
      if (cap.isPresent() && cap.get().compareTo(untilRefresh) < 0) {
        untilRefresh = cap.get();
      }
      return bounded(untilRefresh);
    }
    int failures = consecutiveFailures.merge(uid, 1, Integer::sum);
    Duration backoff =
        services.config().retryBackoff().multipliedBy(1L << Math.min(failures - 1, 10));
    return bounded(backoff.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : backoff);
  }

  /**
   * At least a second; at most the maximum reconcile interval, because a planned reschedule
   * replaces the framework's own periodic one.
   */
  private Duration bounded(Duration delay) {
    Duration max = services.config().maxReconcileInterval();
    if (delay.compareTo(max) > 0) {
      return max;
    }
    return delay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : delay;
  }

  @Override
  public ErrorStatusUpdateControl<R> updateErrorStatus(
      R resource, Context<R> context, Exception e) {
    var kubernetes = kubernetesFailure(e);
    if (kubernetes.isPresent() && kubernetes.get().getCode() == 409) {
      log.info("Conflict writing {} (changed meanwhile); trying again", ownerOf(resource));
    } else if (interrupted(e)) {
      log.debug("Reconcile interrupted: the operator is stopping");
    } else if (kubernetes.isPresent() && kubernetes.get().getCode() <= 0) {
      log.warn(
          "Lost the Kubernetes API server ({}); the framework retries",
          kubernetes.get().getMessage());
    } else if (kubernetes.isPresent() && kubernetes.get().getCode() == 503) {
      // an API server still starting ("the request has been made before all known HTTP paths
      // have been installed") or shedding load: it answers, just not yet
      log.warn(
          "The Kubernetes API server is not ready (HTTP 503: {}); the framework retries",
          DisplayText.clean(
              kubernetes.get().getStatus() == null
                  ? kubernetes.get().getMessage()
                  : kubernetes.get().getStatus().getMessage(),
              DisplayText.VALUE * 2));
    } else {
      log.error("Reconcile failed; the framework retries", e);
    }
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  private static Optional<KubernetesClientException> kubernetesFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  private static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public DeleteControl cleanup(R resource, Context<R> context) {
    String owner = ownerOf(resource);
    var state = InformerClusterState.of(resource, context, linksServiceAccounts(), clusterScoped());
    var secrets = state.managedSecretsOf(owner);
    for (var removed :
        services.refresher().remove(secrets, services.remover(), state, linkedAccounts(resource))) {
      services.metrics().forget(removed.namespace(), removed.name());
      log.info(
          "Removed secret {}/{} of deleted {}: {}",
          removed.namespace(),
          removed.name(),
          owner,
          removed.what());
    }
    consecutiveFailures.remove(resource.getMetadata().getUid());
    announced.remove(resource.getMetadata().getUid());
    refusedKeys.remove(resource.getMetadata().getUid());
    services.metrics().forgetResource(resource.getMetadata().getUid());
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
    var sources = new ArrayList<EventSource<?, R>>();
    String kind = io.fabric8.kubernetes.api.model.HasMetadata.getKind(resourceClass());
    // namespaced kinds watch their own namespaces (a Role-only install works); the cluster kind all
    var secrets =
        InformerEventSourceConfiguration.from(Secret.class, resourceClass())
            .withName(InformerClusterState.SECRETS)
            // only this kind's secrets: each controller caches its own, not every controller all
            .withLabelSelector(
                ManagedMarkers.MANAGED_BY_LABEL
                    + "="
                    + ManagedMarkers.MANAGED_BY
                    + ","
                    + ManagedMarkers.OWNER_KIND_LABEL
                    + "="
                    + kind)
            .withSecondaryToPrimaryMapper(s -> ownerIds(s, kind));
    var serviceAccounts =
        InformerEventSourceConfiguration.from(ServiceAccount.class, resourceClass())
            .withName(InformerClusterState.SERVICE_ACCOUNTS)
            // an account that has our link already needs nothing: a tenant annotating or
            // relabelling its service accounts wakes no one
            .withSecondaryToPrimaryMapper(
                sa ->
                    primariesFor(context, sa.getMetadata().getNamespace()).stream()
                        .filter(r -> linksServiceAccount(r, sa.getMetadata().getName()))
                        .filter(
                            r ->
                                !ServiceAccountLinker.isLinked(
                                    sa,
                                    secretName(r),
                                    ServiceAccountLinker.BUILDER.equals(
                                        sa.getMetadata().getName())))
                        .map(ResourceID::fromResource)
                        .collect(java.util.stream.Collectors.toSet()));
    var watched = services.config().watchNamespaces();
    if (clusterScoped() || watched.isEmpty()) {
      secrets.withWatchAllNamespaces().withItemStore(TrimmedCache.secrets());
      serviceAccounts.withWatchAllNamespaces().withItemStore(TrimmedCache.serviceAccounts());
    } else {
      // one informer per namespace here, and an item store would be shared by all of them (each
      // one's relist would drop the others' objects): these caches hold whole objects, trimmed
      // when read (InformerClusterState); a namespace list is small
      // named, not inherited: the controller's namespaces are set by an overrider after the
      // event sources are configured, and the caches are what reconciles decide from
      secrets.withNamespaces(Set.copyOf(watched));
      serviceAccounts.withNamespaces(Set.copyOf(watched));
    }
    sources.add(new InformerEventSource<>(secrets.build(), context));
    if (linksServiceAccounts()) {
      sources.add(new InformerEventSource<>(serviceAccounts.build(), context));
    }
    sources.addAll(moreEventSources(context));
    return sources;
  }

  /** The resources that may care about a namespace's service accounts. */
  List<R> primariesFor(EventSourceContext<R> context, String namespace) {
    return context.getPrimaryCache().list(namespace).toList();
  }

  List<EventSource<?, R>> moreEventSources(EventSourceContext<R> context) {
    return List.of();
  }

  /** The resource (of this kind) a managed secret belongs to, from its owner annotation. */
  static Set<ResourceID> ownerIds(Secret secret, String kind) {
    String owner = ManagedMarkers.annotation(secret, ManagedMarkers.OWNER);
    if (owner == null || !owner.startsWith(kind + "/")) {
      return Set.of();
    }
    String[] parts = owner.split("/");
    return parts.length == 3
        ? Set.of(new ResourceID(parts[2], parts[1]))
        : parts.length == 2 ? Set.of(new ResourceID(parts[1])) : Set.of();
  }
}
