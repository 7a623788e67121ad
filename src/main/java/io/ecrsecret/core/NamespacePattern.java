package io.ecrsecret.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A namespace name or a glob ({@code *} any run of characters, {@code ?} one character), as in
 * {@code team-*}. A pattern without wildcards names exactly one namespace.
 */
public record NamespacePattern(String text, Glob glob) {

  private static final Pattern VALID = Pattern.compile("[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?");

  public NamespacePattern(String text) {
    this(text, null);
  }

  public NamespacePattern {
    if (text == null || !VALID.matcher(text).matches() || text.length() > 63) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a namespace name or pattern: lower-case letters, digits and '-', with"
              + " '*' and '?' as wildcards, at most 63 characters");
    }
    glob = Glob.of(text, "[-a-z0-9]", true, false);
  }

  public boolean isLiteral() {
    return text.indexOf('*') < 0 && text.indexOf('?') < 0;
  }

  public boolean matches(String namespace) {
    return glob.matches(namespace);
  }

  public static boolean anyMatches(List<NamespacePattern> patterns, String namespace) {
    return patterns.stream().anyMatch(p -> p.matches(namespace));
  }

  @Override
  public String toString() {
    return text;
  }
}
