package io.ecrsecret.operator;

import io.ecrsecret.aws.AwsIdentity;
import io.ecrsecret.core.DisplayText;
import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.ecrsecret.kube.ManagedMarkers;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.operator.api.PullSecretSpec.DeletionPolicy;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.refresh.RefreshReport;
import io.ecrsecret.refresh.RefreshSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
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
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every pull-secret kind does, parameterised by the {@link PullSecretKind}: map the resource
 * to a refresh, run it through the shared refresher (and so the shared token cache), and say how it
 * went in status, events and metrics. Known failures (a spec the schema could not rule out, AWS
 * said no, a secret is not ours, a Secret is missing, an identity is not allowed) go to status, an
 * Event when they are new, and a retry with backoff; the last good secret stays. Anything else is
 * thrown for the framework to retry, with its stack trace.
 *
 * <p>Registered as an empty anonymous subclass per kind ({@code new PullSecretReconciler<K,
 * S>(kind, services) {}}): the framework reads the resource class from the reconciler class's type
 * arguments.
 *
 * @param <R> the resource kind
 * @param <S> its status
 */
abstract class PullSecretReconciler<R extends CustomResource<?, S>, S extends PullSecretStatus>
    implements Reconciler<R>, Cleaner<R> {

  private static final Logger log = LoggerFactory.getLogger(PullSecretReconciler.class);

  /** At most this many pods are named in the Event that says which were deleted. */
  private static final int NAMED_PODS = 10;

  /** Spreads the retries of clean-ups that conflicted at once. */
  private static final java.util.Random RETRY_JITTER = new java.util.Random();

  /** What the reconcilers share: built once by the composition root. */
  record Services(
      PullSecretRefresher refresher,
      IdentityResolver identities,
      ManagedSecretRemover remover,
      EventRecorder events,
      OperatorMetrics metrics,
      Clock clock,
      OperatorConfig config,
      NamespaceShare share) {}

  private final PullSecretKind<R, S> kind;
  private final Services services;
  private final ReconcileSchedule schedule;
  private final Announcements announcements = new Announcements();

  PullSecretReconciler(PullSecretKind<R, S> kind, Services services) {
    this.kind = kind;
    this.services = services;
    this.schedule =
        new ReconcileSchedule(
            services.config().retryBackoff(), services.config().maxReconcileInterval());
  }

  PullSecretKind<R, S> kind() {
    return kind;
  }

  static String ownerOf(CustomResource<?, ?> resource) {
    String ns = resource.getMetadata().getNamespace();
    return resource.getKind()
        + "/"
        + (ns == null ? "" : ns + "/")
        + resource.getMetadata().getName();
  }

  @Override
  public UpdateControl<R> reconcile(R resource, Context<R> context) {
    String ns = resource.getMetadata().getNamespace();
    var slot = services.share().tryEnter(ns == null ? "" : ns);
    if (slot.isEmpty()) {
      // its namespace has its share of the threads already: behind the others, no request made
      log.debug("Namespace {} has its share of the reconcile threads; waiting", ns);
      return UpdateControl.<R>noUpdate()
          .rescheduleAfter(Duration.ofMillis(100 + RETRY_JITTER.nextInt(400)));
    }
    try (var held = slot.get()) {
      return reconcileNow(resource, context);
    }
  }

  private UpdateControl<R> reconcileNow(R resource, Context<R> context) {
    String kindName = resource.getKind();
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
        identity = kind.identity(resource, services.identities());
        refused = refusedKeys.get(uid);
        if (refused != null
            && refused.identityKey().equals(identity.cacheKey())
            && now.isBefore(refused.askAgainAt())) {
          // the keys AWS refused are still the ones in the Secret: AWS is not asked again before
          // the backoff is over, but a change to the Secret is seen within KEYS_RECHECK
          result = refused.result();
        } else {
          refused = null;
          var state =
              InformerClusterState.of(
                  resource, context, kind.linksServiceAccounts(), kind.clusterScoped());
          RefreshSpec spec = refreshSpec(resource, identity, owner);
          report = services.refresher().refresh(spec, state);
          removeLeftBehind(owner, spec.secretName(), report, state, kind.linkedAccounts(resource));
          result =
              SyncResult.from(
                  report,
                  kind.secretName(resource),
                  kind.clusterScoped(),
                  !kind.linkedAccounts(resource).isEmpty());
        }
      } catch (SpecException e) {
        result =
            SyncResult.failed(
                StatusReason.INVALID_SPEC.text(), e.getMessage(), kind.clusterScoped());
      } catch (IdentityResolver.IdentityNotAllowedException e) {
        result =
            SyncResult.failed(
                StatusReason.IDENTITY_NOT_ALLOWED.text(), e.getMessage(), kind.clusterScoped());
      } catch (AwsKeysSecretReader.UnusableKeysException e) {
        result =
            SyncResult.failed(
                StatusReason.CREDENTIALS_SECRET_UNUSABLE.text(),
                e.getMessage(),
                kind.clusterScoped());
      }
      if (report != null) {
        record(kindName, report);
        tellWhatWasDoneToOthers(resource, result);
      }
      services.metrics().readiness(kindName, uid, result.ready());
      S previous = resource.getStatus();
      S status =
          StatusBuilder.build(
              previous, kind.newStatus(), resource.getMetadata().getGeneration(), now, result);
      kind.finishStatus(status, result);
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
      services
          .metrics()
          .reconcileTimer(kindName)
          .record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * The kind's refresh, with what is the reconciler's to decide: the jitter (from the UID, so
   * stable), whether fresh secrets are left as they are, and the owner reference that lets the
   * garbage collector remove a namespaced resource's secret (not when its secrets are to be
   * retained).
   */
  private RefreshSpec refreshSpec(R resource, AwsIdentity identity, String owner) {
    var builder = kind.refresh(resource, identity, owner);
    builder.jitter(Math.floorMod(resource.getMetadata().getUid().hashCode(), 1000) / 1000.0);
    // a resource served before, unchanged since (a restart, a new leader, a scheduled check):
    // every secret that is fresh by its own markers is left, without a token. A changed resource
    // (registries, identity, format, policy) is served afresh.
    var served = resource.getStatus();
    builder.leaveFreshSecrets(
        served != null
            && served.getObservedGeneration() != null
            && served.getObservedGeneration().equals(resource.getMetadata().getGeneration()));
    if (!kind.clusterScoped() && kind.deletionPolicy(resource) == DeletionPolicy.DELETE) {
      builder.owningResource(Optional.of(SpecMapping.ownerReference(resource)));
    }
    return SpecException.reading("spec", builder::build);
  }

  /** How soon a change to the credentials Secret of a failing resource is seen. */
  static final Duration KEYS_RECHECK = Duration.ofSeconds(30);

  private static final Set<String> AWS_REFUSED_KEYS =
      Set.of(StatusReason.INVALID_CREDENTIALS.text(), StatusReason.ACCESS_DENIED.text());

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
      return schedule.bounded(left.compareTo(KEYS_RECHECK) < 0 ? left : KEYS_RECHECK);
    }
    Duration next = next(resource, result, now);
    boolean keysFromSecret = identity != null && identity.base() instanceof AwsIdentity.StaticKeys;
    if (result.ready()) {
      refusedKeys.remove(uid);
    } else if (keysFromSecret && AWS_REFUSED_KEYS.contains(result.reason())) {
      refusedKeys.put(uid, new RefusedKeys(identity.cacheKey(), result, now.plus(next)));
      return next.compareTo(KEYS_RECHECK) < 0 ? next : KEYS_RECHECK;
    } else if (StatusReason.CREDENTIALS_SECRET_UNUSABLE.text().equals(result.reason())) {
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
        report.namespaces().stream().map(NamespaceOutcome::namespace).collect(Collectors.toSet());
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

  private void record(String kindName, RefreshReport report) {
    for (NamespaceOutcome n : report.namespaces()) {
      if (n.namespace().isEmpty()) {
        continue;
      }
      services.metrics().refreshed(kindName, n.result());
      if (n.secretInPlace() && report.tokenExpiresAt().isPresent()) {
        services
            .metrics()
            .tokenExpiry(n.namespace(), report.secretName(), report.tokenExpiresAt().get());
      }
    }
  }

  /**
   * One Event for what this reconcile did beyond its own secrets, where it did it: secrets taken
   * over, pods deleted so that their controllers make them again.
   */
  private void tellWhatWasDoneToOthers(R resource, SyncResult result) {
    if (!result.adopted().isEmpty()) {
      String message =
          "took over secret "
              + kind.secretName(resource)
              + " in "
              + names(result.adopted())
              + ": it existed (made by hand, or by the operator this one replaces) and is updated"
              + " in place from now on, never deleted and made again";
      log.info("Adopted: {}", message);
      services.events().normal(resource, StatusReason.SECRET_ADOPTED.text(), message);
    }
    if (!result.healedPods().isEmpty()) {
      String message =
          "deleted "
              + result.healedPods().size()
              + " pods stuck pulling from these registries, so that their controllers make them"
              + " again with the secret: "
              + names(result.healedPods());
      log.info("Healed: {}", message);
      services.events().normal(resource, StatusReason.PODS_HEALED.text(), message);
    }
  }

  private static String names(List<String> names) {
    return names.stream().limit(NAMED_PODS).collect(Collectors.joining(", "))
        + (names.size() > NAMED_PODS ? " and " + (names.size() - NAMED_PODS) + " more" : "");
  }

  /** One Event per distinct change of a condition ({@link Announcements}). */
  private void announce(R resource, S previous, SyncResult result) {
    String uid = resource.getMetadata().getUid();
    if (announcements.isNew(
        uid,
        StatusBuilder.READY,
        StatusBuilder.readyCondition(previous),
        result.ready(),
        result.reason(),
        result.message())) {
      if (result.ready()) {
        log.info("Ready: {}", DisplayText.clean(result.message(), DisplayText.MESSAGE));
        services.events().normal(resource, result.reason(), result.message());
      } else {
        log.warn(
            "Not ready ({}): {}",
            result.reason(),
            DisplayText.clean(result.message(), DisplayText.MESSAGE));
        services.events().warning(resource, result.reason(), result.message());
      }
    }
    result
        .links()
        .filter(
            links ->
                announcements.isNew(
                    uid,
                    StatusBuilder.LINKED,
                    StatusBuilder.condition(previous, StatusBuilder.LINKED),
                    links.linked(),
                    links.reason(),
                    links.message()))
        .filter(links -> !links.linked())
        .ifPresent(
            links -> {
              log.warn(
                  "Service accounts not linked ({}): {}",
                  links.reason(),
                  DisplayText.clean(links.message(), DisplayText.MESSAGE));
              services.events().warning(resource, links.reason(), links.message());
            });
  }

  private Duration next(R resource, SyncResult result, Instant now) {
    String uid = resource.getMetadata().getUid();
    return result.ready()
        ? schedule.afterSuccess(
            uid,
            result.nextRefreshAt().map(t -> Duration.between(now, t)),
            kind.refreshAtLeastEvery(resource))
        : schedule.afterFailure(uid);
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

  /**
   * Deletion: the resource's secrets are removed with our links to them ({@code Delete}), or kept
   * with their links and no longer managed ({@code Retain}).
   */
  @Override
  public DeleteControl cleanup(R resource, Context<R> context) {
    String owner = ownerOf(resource);
    var state =
        InformerClusterState.of(
            resource, context, kind.linksServiceAccounts(), kind.clusterScoped());
    var secrets = state.managedSecretsOf(owner);
    boolean retain = kind.deletionPolicy(resource) == DeletionPolicy.RETAIN;
    List<PullSecretRefresher.Removed> done;
    try {
      done =
          retain
              ? services
                  .refresher()
                  .retain(secrets, services.remover(), resource.getMetadata().getUid())
              : services
                  .refresher()
                  .remove(secrets, services.remover(), state, kind.linkedAccounts(resource));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // others kept writing the same account or secret (many resources unlinking from one
      // account at once): a known, passing state, tried again shortly, without a stack trace
      log.info("Conflict removing what {} made (changed meanwhile); trying again", owner);
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(Duration.ofMillis(200 + RETRY_JITTER.nextInt(800)));
    }
    for (var removed : done) {
      services.metrics().forget(removed.namespace(), removed.name());
      log.info(
          "{} secret {}/{} of deleted {}: {}",
          retain ? "Kept" : "Removed",
          removed.namespace(),
          removed.name(),
          owner,
          removed.what());
    }
    String uid = resource.getMetadata().getUid();
    schedule.forget(uid);
    announcements.forget(uid);
    refusedKeys.remove(uid);
    services.metrics().forgetResource(uid);
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
    var sources = new ArrayList<EventSource<?, R>>();
    Class<R> resourceClass = kind.resourceClass();
    String kindName = HasMetadata.getKind(resourceClass);
    // namespaced kinds watch their own namespaces (a Role-only install works); the cluster kind all
    var secrets =
        InformerEventSourceConfiguration.from(Secret.class, resourceClass)
            .withName(InformerClusterState.SECRETS)
            // only this kind's secrets: each controller caches its own, not every controller all
            .withLabelSelector(
                ManagedMarkers.MANAGED_BY_LABEL
                    + "="
                    + ManagedMarkers.MANAGED_BY
                    + ","
                    + ManagedMarkers.OWNER_KIND_LABEL
                    + "="
                    + kindName)
            .withSecondaryToPrimaryMapper(s -> ownerIds(s, kindName));
    var serviceAccounts =
        InformerEventSourceConfiguration.from(ServiceAccount.class, resourceClass)
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
                                    kind.secretName(r),
                                    ServiceAccountLinker.BUILDER.equals(
                                        sa.getMetadata().getName())))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()));
    var watched = services.config().watchNamespaces();
    if (kind.clusterScoped() || watched.isEmpty()) {
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
    if (kind.linksServiceAccounts()) {
      sources.add(new InformerEventSource<>(serviceAccounts.build(), context));
    }
    if (kind.clusterScoped()) {
      var namespaces =
          InformerEventSourceConfiguration.from(Namespace.class, resourceClass)
              .withName(InformerClusterState.NAMESPACES)
              .withItemStore(TrimmedCache.namespaces())
              .withSecondaryToPrimaryMapper(
                  ns ->
                      context
                          .getPrimaryCache()
                          .list()
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet()))
              .build();
      sources.add(new InformerEventSource<>(namespaces, context));
    }
    return sources;
  }

  private boolean linksServiceAccount(R resource, String serviceAccount) {
    List<String> accounts = kind.linkedAccounts(resource);
    return accounts.contains(serviceAccount) || accounts.contains(RefreshSpec.ALL_SERVICE_ACCOUNTS);
  }

  /** The resources that may care about a namespace's service accounts. */
  private List<R> primariesFor(EventSourceContext<R> context, String namespace) {
    return kind.clusterScoped()
        ? context.getPrimaryCache().list().toList()
        : context.getPrimaryCache().list(namespace).toList();
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
