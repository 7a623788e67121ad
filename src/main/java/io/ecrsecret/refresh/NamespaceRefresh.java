package io.ecrsecret.refresh;

import io.ecrsecret.core.StatusReason;
import io.ecrsecret.kube.ClusterState;
import io.ecrsecret.kube.PullSecretWriter;
import io.ecrsecret.kube.SecretConflictException;
import io.ecrsecret.kube.SecretPolicy;
import io.ecrsecret.kube.ServiceAccountLinker;
import io.ecrsecret.kube.WorkloadRestarter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace of a refresh: the secret put in place (or left, when fresh), the service accounts
 * linked, deployments restarted and stuck pods deleted where asked. A failure here is this
 * namespace's (an answer such as 403 or 409); no answer at all is thrown, to fail the refresh.
 */
final class NamespaceRefresh {

  private static final Logger log = LoggerFactory.getLogger(PullSecretRefresher.class);

  private final Clock clock;
  private final PullSecretWriter writer;
  private final ServiceAccountLinker linker;
  private final WorkloadRestarter restarter;

  NamespaceRefresh(KubernetesClient client, Clock clock) {
    this.clock = clock;
    this.writer = new PullSecretWriter(client);
    this.linker = new ServiceAccountLinker(client);
    this.restarter = new WorkloadRestarter(client);
  }

  /**
   * @param content what to write; empty: the secret is fresh and left as it is (its links are still
   *     seen to)
   */
  NamespaceOutcome serve(
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
  static String missingNamespace(RefreshSpec spec, String ns) {
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
}
