package io.ecrsecret.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A namespace name or a glob ({@code *} any run of characters, {@code ?} one character), as in
 * {@code team-*}. A pattern without wildcards names exactly one namespace.
 */
public record NamespacePattern(String text) {

  private static final Pattern VALID = Pattern.compile("[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?");

  public NamespacePattern {
    if (text == null || !VALID.matcher(text).matches() || text.length() > 63) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a namespace name or pattern: lower-case letters, digits and '-', with"
              + " '*' and '?' as wildcards, at most 63 characters");
    }
  }

  public boolean isLiteral() {
    return text.indexOf('*') < 0 && text.indexOf('?') < 0;
  }

  public boolean matches(String namespace) {
    return toRegex().matcher(namespace).matches();
  }

  private Pattern toRegex() {
    StringBuilder regex = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '*' -> regex.append("[-a-z0-9]*");
        case '?' -> regex.append("[-a-z0-9]");
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  public static boolean anyMatches(List<NamespacePattern> patterns, String namespace) {
    return patterns.stream().anyMatch(p -> p.matches(namespace));
  }

  @Override
  public String toString() {
    return text;
  }
}
