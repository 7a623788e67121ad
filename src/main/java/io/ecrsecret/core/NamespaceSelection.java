package io.ecrsecret.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which namespaces to write into: those named or matching a glob in {@code include}, together with
 * those matching the label selector; less those matching a pattern in {@code exclude}.
 */
public record NamespaceSelection(
    List<NamespacePattern> include,
    Optional<String> labelSelector,
    List<NamespacePattern> exclude) {

  public NamespaceSelection {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    Objects.requireNonNull(labelSelector, "labelSelector");
    if (include.isEmpty() && labelSelector.isEmpty()) {
      throw new IllegalArgumentException(
          "no namespace chosen: name at least one namespace or pattern, or a label selector");
    }
  }

  public static NamespaceSelection named(String... names) {
    return new NamespaceSelection(
        java.util.Arrays.stream(names).map(NamespacePattern::new).toList(),
        Optional.empty(),
        List.of());
  }

  /** Whether every namespace is named exactly (no listing of namespaces needed). */
  public boolean onlyLiterals() {
    return labelSelector.isEmpty() && include.stream().allMatch(NamespacePattern::isLiteral);
  }

  public boolean excluded(String namespace) {
    return NamespacePattern.anyMatches(exclude, namespace);
  }
}
