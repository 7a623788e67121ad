package io.ecrsecret.refresh;

import java.util.List;

/**
 * What a refresh did in one namespace.
 *
 * @param result {@code created}, {@code updated}, {@code unchanged} or {@code failed}
 * @param problems what went wrong (empty when the namespace succeeded); never a token or key
 */
public record NamespaceOutcome(
    String namespace,
    String result,
    String reason,
    List<String> problems,
    List<String> linkedServiceAccounts,
    List<String> restartedDeployments,
    List<String> healedPods) {

  public static final String CREATED = "created";
  public static final String UPDATED = "updated";
  public static final String UNCHANGED = "unchanged";
  public static final String FAILED = "failed";

  public NamespaceOutcome {
    problems = List.copyOf(problems);
    linkedServiceAccounts = List.copyOf(linkedServiceAccounts);
    restartedDeployments = List.copyOf(restartedDeployments);
    healedPods = List.copyOf(healedPods);
  }

  public static NamespaceOutcome failed(String namespace, String reason, String problem) {
    return new NamespaceOutcome(
        namespace, FAILED, reason, List.of(problem), List.of(), List.of(), List.of());
  }

  public boolean succeeded() {
    return problems.isEmpty();
  }
}
