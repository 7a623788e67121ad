package io.ecrsecret.refresh;

import java.util.List;

/**
 * What a refresh did in one namespace.
 *
 * @param result {@code created}, {@code updated}, {@code unchanged} or {@code failed}
 * @param problems what went wrong (empty when the namespace succeeded); never a token or key
 * @param secretResult what happened to the secret itself ({@code created}, {@code updated}, {@code
 *     unchanged}), also when a later step (a link) failed; empty when the secret was not written
 */
public record NamespaceOutcome(
    String namespace,
    String result,
    String reason,
    List<String> problems,
    List<String> linkedServiceAccounts,
    List<String> restartedDeployments,
    List<String> healedPods,
    String secretResult) {

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
        namespace, FAILED, reason, List.of(problem), List.of(), List.of(), List.of(), "");
  }

  /** What the RESULT column says: "created, link failed" where the secret was written. */
  public String describeResult() {
    return result.equals(FAILED) && !secretResult.isEmpty()
        ? secretResult + ", " + (reason.equals("LinkFailed") ? "link failed" : "then failed")
        : result;
  }

  public boolean succeeded() {
    return problems.isEmpty();
  }
}
