package io.ecrsecret.core;

import java.util.regex.Pattern;

/**
 * A glob, compiled once: {@code *} stands for any run of the characters one part may hold, {@code
 * ?} (where allowed) for one of them, {@code **} (where allowed) for any run of anything; every
 * other character for itself. Namespace patterns ({@code team-*}) and role ARN patterns ({@code
 * arn:aws:iam::*:role/ecr-*}) are both this.
 */
public final class Glob {

  private final String text;
  private final Pattern pattern;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /**
   * @param part what one {@code *} or {@code ?} may stand for, as a regex character class
   * @param questionMark whether {@code ?} is a wildcard
   * @param doubleStar whether {@code **} stands for anything at all
   */
  public static Glob of(String text, String part, boolean questionMark, boolean doubleStar) {
    var regex = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' && doubleStar && i + 1 < text.length() && text.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append(part).append('*');
      } else if (c == '?' && questionMark) {
        regex.append(part);
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Glob(text, Pattern.compile(regex.toString()));
  }

  public boolean matches(String value) {
    return pattern.matcher(value).matches();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob other && pattern.pattern().equals(other.pattern.pattern());
  }

  @Override
  public int hashCode() {
    return pattern.pattern().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
