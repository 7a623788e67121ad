package io.ecrsecret.refresh;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one refresh: per namespace, and the token's validity.
 *
 * @param tokenExpiresAt the earliest expiry of the tokens written (empty if no token was obtained)
 * @param nextRefreshAt when the secrets should be refreshed next
 */
public record RefreshReport(
    String secretName,
    List<String> registries,
    boolean dryRun,
    Instant refreshedAt,
    Optional<Instant> tokenExpiresAt,
    Instant nextRefreshAt,
    List<NamespaceOutcome> namespaces) {

  public RefreshReport {
    registries = List.copyOf(registries);
    namespaces = List.copyOf(namespaces);
  }

  public boolean succeeded() {
    return !namespaces.isEmpty() && namespaces.stream().allMatch(NamespaceOutcome::succeeded);
  }

  public long count(String result) {
    return namespaces.stream().filter(n -> n.result().equals(result)).count();
  }
}
