package io.ecrsecret.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image a pull is proven with: {@code [HOST/]REPOSITORY[:TAG|@DIGEST]}, as image references name
 * it (the tag {@code latest} when none is given).
 *
 * @param host the registry host, when the reference names one
 * @param reference the tag, or the digest ({@code sha256:...})
 */
public record ImageReference(Optional<String> host, String repository, String reference) {

  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  /** The schema's form of a reference (RE2 syntax), as the CRD checks it at admission. */
  public static final String PATTERN =
      "^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*"
          + "(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})?$";

  /**
   * @throws IllegalArgumentException saying what is wrong
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the image is empty; expected REPOSITORY:TAG");
    }
    String rest = text.trim();
    Optional<String> host = Optional.empty();
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":")) {
        host = Optional.of(first.toLowerCase(java.util.Locale.ROOT));
        rest = rest.substring(slash + 1);
      }
    }
    String reference = "latest";
    int at = rest.indexOf('@');
    int colon = rest.lastIndexOf(':');
    if (at >= 0) {
      reference = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(reference).matches()) {
        throw new IllegalArgumentException(
            "'" + DisplayText.clean(text, DisplayText.VALUE) + "': the digest is not sha256:HEX");
      }
    } else if (colon >= 0) {
      reference = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(reference).matches()) {
        throw new IllegalArgumentException(
            "'" + DisplayText.clean(text, DisplayText.VALUE) + "': the tag is not a valid tag");
      }
    }
    if (!REPOSITORY.matcher(rest).matches()) {
      throw new IllegalArgumentException(
          "'"
              + DisplayText.clean(text, DisplayText.VALUE)
              + "' is not an image reference; expected REPOSITORY:TAG (lower case, e.g."
              + " team/app:1.0), optionally after the registry host");
    }
    return new ImageReference(host, rest, reference);
  }

  @Override
  public String toString() {
    return host.map(h -> h + "/").orElse("")
        + repository
        + (reference.startsWith("sha256:") ? "@" : ":")
        + reference;
  }
}
