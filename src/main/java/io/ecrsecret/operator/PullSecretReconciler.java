package io.ecrsecret.operator;

import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.AwsKeysSecretReader;
import io.ecrsecret.kube.ManagedSecretRemover;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.NamespaceOutcome;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.refresh.RefreshReport;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every pull-secret kind does, parameterised by the {@link PullSecretKind}: read the resource
 * once ({@link DesiredState}), run its refresh through the shared refresher (and so the shared
 * token cache and the one {@link io.ecrsecret.kube.SecretPolicy}), and say how it went in status,
 * events and metrics. Known failures (a spec the schema could not rule out, AWS said no, a secret
 * is not ours, a Secret is missing, an identity is not allowed) go to status, an Event when they
 * are new, and a retry with backoff; the last good secret stays. Anything else is thrown for the
 * framework to retry, with its stack trace ({@link ReconcileFailures}).
 *
 * <p>Registered as a named subclass per kind ({@link KindReconcilers}): the framework reads the
 * resource class from the reconciler class's type arguments.
 *
 * @param <R> the resource kind
 * @param <S> its status
 */
abstract class PullSecretReconciler<R extends CustomResource<?, S>, S extends PullSecretStatus>
    implements Reconciler<R>, Cleaner<R> {

  private static final Logger log = LoggerFactory.getLogger(PullSecretReconciler.class);

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
      NamespaceShare share,
      PullVerifier pulls) {}

  private final PullSecretKind<R, S> kind;
  private final Services services;
  private final ReconcileSchedule schedule;
  private final ReconcileEvents events;
  private final RefusedKeys refusedKeys = new RefusedKeys();

  PullSecretReconciler(PullSecretKind<R, S> kind, Services services) {
    this.kind = kind;
    this.services = services;
    this.schedule =
        new ReconcileSchedule(
            services.config().retryBackoff(), services.config().maxReconcileInterval());
    this.events = new ReconcileEvents(services.events());
  }

  PullSecretKind<R, S> kind() {
    return kind;
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
      String uid = resource.getMetadata().getUid();
      Optional<DesiredState> desired = Optional.empty();
      Optional<RefusedKeys.Refusal> refused = Optional.empty();
      SyncResult result;
      try {
        var state =
            InformerClusterState.of(
                resource, context, kind.linksServiceAccounts(), kind.clusterScoped());
        desired =
            Optional.of(
                DesiredState.read(kind, resource, services.identities(), state::serviceAccount));
        refused = refusedKeys.held(uid, desired.get().identity(), now);
        // keys AWS refused, still the ones in the Secret: AWS is not asked again yet
        result =
            refused.isPresent() ? refused.get().result() : sync(desired.get(), resource, state);
      } catch (SpecException e) {
        result = failed(StatusReason.INVALID_SPEC, e);
      } catch (IdentityResolver.IdentityNotAllowedException e) {
        result = failed(StatusReason.IDENTITY_NOT_ALLOWED, e);
      } catch (AwsKeysSecretReader.UnusableKeysException e) {
        result = failed(StatusReason.CREDENTIALS_SECRET_UNUSABLE, e);
      }
      services.metrics().readiness(kindName, uid, result.ready());
      S previous = resource.getStatus();
      S status =
          StatusBuilder.build(
              previous, kind.newStatus(), resource.getMetadata().getGeneration(), now, result);
      SyncResult synced = result;
      var verification = desired.flatMap(d -> services.pulls().verify(d, synced, previous));
      StatusBuilder.pullVerified(
          status,
          previous,
          desired.flatMap(DesiredState::verify).isPresent(),
          verification,
          resource.getMetadata().getGeneration(),
          now);
      kind.finishStatus(status, result);
      events.announce(resource, previous, result);
      verification.ifPresent(v -> events.announcePull(resource, previous, v));
      Duration next =
          refusedKeys.next(
              uid,
              result,
              desired.map(DesiredState::identity),
              refused,
              now,
              next(uid, result, desired, now),
              schedule);
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

  /** The refresh, decided from the informer caches, and what it leaves behind removed. */
  private SyncResult sync(DesiredState desired, R resource, InformerClusterState state) {
    RefreshReport report = services.refresher().refresh(desired.refresh(), state);
    SecretsLetGo.leftBehind(desired, report, state, services);
    var footprint = desired.footprint();
    var result =
        SyncResult.from(
            report,
            footprint.secretName(),
            kind.clusterScoped(),
            !footprint.linkedAccounts().isEmpty());
    record(resource.getKind(), report);
    events.tellWhatWasDoneToOthers(resource, footprint.secretName(), result);
    return result;
  }

  private SyncResult failed(StatusReason reason, RuntimeException e) {
    return SyncResult.failed(reason.text(), e.getMessage(), kind.clusterScoped());
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

  /** The refresh plan after a success (at least as often as the kind asks), else the backoff. */
  private Duration next(
      String uid, SyncResult result, Optional<DesiredState> desired, Instant now) {
    return result.ready()
        ? schedule.afterSuccess(
            uid,
            result.nextRefreshAt().map(t -> Duration.between(now, t)),
            desired.flatMap(DesiredState::refreshAtLeastEvery))
        : schedule.afterFailure(uid);
  }

  @Override
  public ErrorStatusUpdateControl<R> updateErrorStatus(
      R resource, Context<R> context, Exception e) {
    ReconcileFailures.log(DesiredState.ownerOf(resource), e);
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /**
   * Deletion: the resource's secrets are removed with our links to them ({@code Delete}), or kept
   * with their links and no longer managed ({@code Retain}).
   */
  @Override
  public DeleteControl cleanup(R resource, Context<R> context) {
    var state =
        InformerClusterState.of(
            resource, context, kind.linksServiceAccounts(), kind.clusterScoped());
    boolean done =
        SecretsLetGo.ofADeletedResource(
            DesiredState.ownerOf(resource),
            resource.getMetadata().getUid(),
            kind.footprint(resource),
            state,
            services);
    if (!done) {
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(Duration.ofMillis(200 + RETRY_JITTER.nextInt(800)));
    }
    String uid = resource.getMetadata().getUid();
    schedule.forget(uid);
    events.forget(uid);
    refusedKeys.forget(uid);
    services.metrics().forgetResource(uid);
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
    return PullSecretEventSources.of(kind, services.config().watchNamespaces(), context);
  }
}
