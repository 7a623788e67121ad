package io.ecrsecret.refresh;

import io.ecrsecret.core.StatusReason;
import java.util.List;

/**
 * What a refresh did in one namespace.
 *
 * @param result {@code created}, {@code updated}, {@code unchanged} or {@code failed}
 * @param problems what went wrong (empty when the namespace succeeded); never a token or key
 * @param secretResult what happened to the secret itself ({@code created}, {@code updated}, {@code
 *     unchanged}), also when a later step (a link) failed; empty when the secret was not written
 * @param adopted whether this refresh took over a secret that nothing managed
 * @param awaitedServiceAccounts accounts to link that do not exist yet, linked when they appear
 *     (the operator sees them come; not a failure)
 */
public record NamespaceOutcome(
    String namespace,
    String result,
    String reason,
    List<String> problems,
    List<String> linkedServiceAccounts,
    List<String> restartedDeployments,
    List<String> healedPods,
    String secretResult,
    boolean adopted,
    List<String> awaitedServiceAccounts) {

  public static final String CREATED = "created";
  public static final String UPDATED = "updated";
  public static final String UNCHANGED = "unchanged";
  public static final String FAILED = "failed";

  public NamespaceOutcome {
    problems = List.copyOf(problems);
    linkedServiceAccounts = List.copyOf(linkedServiceAccounts);
    restartedDeployments = List.copyOf(restartedDeployments);
    healedPods = List.copyOf(healedPods);
    awaitedServiceAccounts = List.copyOf(awaitedServiceAccounts);
  }

  /** The reason of a namespace whose secret is in place but a link or a restart failed. */
  public static final String LINK_FAILED = StatusReason.LINK_FAILED.text();

  public static NamespaceOutcome failed(String namespace, String reason, String problem) {
    return new NamespaceOutcome(
        namespace,
        FAILED,
        reason,
        List.of(problem),
        List.of(),
        List.of(),
        List.of(),
        "",
        false,
        List.of());
  }

  /** What the RESULT column says: "created, link failed" where the secret was written. */
  public String describeResult() {
    return result.equals(FAILED) && !secretResult.isEmpty()
        ? secretResult + ", " + (reason.equals(LINK_FAILED) ? "link failed" : "then failed")
        : result;
  }

  public boolean succeeded() {
    return problems.isEmpty();
  }

  /** Whether the secret itself is in place, whatever became of the links. */
  public boolean secretInPlace() {
    return succeeded() || (reason.equals(LINK_FAILED) && !secretResult.isEmpty());
  }
}
