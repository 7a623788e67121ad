package io.ecrsecret.kube;

import io.ecrsecret.core.NamespacePattern;
import io.ecrsecret.core.NamespaceSelection;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns a {@link NamespaceSelection} into the namespaces that exist, as the {@link ClusterState}
 * knows them; only creating a missing namespace is a request of its own.
 */
public final class NamespaceResolver {

  /** The namespaces to write into, and the named ones that do not exist. */
  public record Resolved(List<String> namespaces, List<String> missing, List<String> terminating) {}

  private final KubernetesClient client;

  public NamespaceResolver(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param createMissing create namespaces that are named exactly and do not exist
   */
  public Resolved resolve(
      NamespaceSelection selection, boolean createMissing, boolean dryRun, ClusterState state) {
    var chosen = new TreeSet<String>();
    var missing = new ArrayList<String>();
    var terminating = new TreeSet<String>();
    boolean globs = selection.include().stream().anyMatch(p -> !p.isLiteral());
    List<Namespace> all = globs ? state.namespaces(Optional.empty()) : List.of();
    for (NamespacePattern pattern : selection.include()) {
      if (pattern.isLiteral()) {
        Optional<Namespace> ns = state.namespace(pattern.text());
        if (ns == null) {
          // not allowed to read Namespace objects (a namespace-scoped Role cannot grant it):
          // go ahead; writing into a namespace that does not exist fails and says so
          chosen.add(pattern.text());
        } else if (ns.isPresent()) {
          add(ns.get(), chosen, terminating);
        } else if (createMissing) {
          if (!dryRun) {
            client
                .namespaces()
                .resource(
                    new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(pattern.text())
                        .endMetadata()
                        .build())
                .create();
          }
          chosen.add(pattern.text());
        } else {
          missing.add(pattern.text());
        }
      } else {
        all.stream()
            .filter(ns -> pattern.matches(ns.getMetadata().getName()))
            .forEach(ns -> add(ns, chosen, terminating));
      }
    }
    selection
        .labelSelector()
        .ifPresent(
            selector ->
                state
                    .namespaces(Optional.of(selector))
                    .forEach(ns -> add(ns, chosen, terminating)));
    chosen.removeIf(selection::excluded);
    terminating.removeIf(selection::excluded);
    return new Resolved(List.copyOf(chosen), List.copyOf(missing), List.copyOf(terminating));
  }

  private static void add(Namespace ns, TreeSet<String> chosen, TreeSet<String> terminating) {
    String name = ns.getMetadata().getName();
    if (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())) {
      terminating.add(name);
    } else {
      chosen.add(name);
    }
  }
}
