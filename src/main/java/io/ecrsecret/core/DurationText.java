package io.ecrsecret.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people and Kubernetes write them: Go's form ({@code 10h}, {@code 1h30m}, {@code
 * 90s}, {@code 500ms}, {@code 10h0m0s}) or ISO-8601 ({@code PT10H}).
 */
public final class DurationText {

  private static final Pattern GO =
      Pattern.compile("((\\d+)h)?((\\d+)m(?!s))?((\\d+)s)?((\\d+)ms)?");

  private DurationText() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("duration is empty; write it like 10h, 30m, 1h30m or 90s");
    }
    String value = text.trim();
    if (value.startsWith("P") || value.startsWith("p")) {
      try {
        return Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    Matcher m = GO.matcher(value);
    if (!m.matches() || value.isEmpty()) {
      throw invalid(text);
    }
    try {
      return sum(m);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + DisplayText.clean(text, DisplayText.VALUE) + "' is too long a duration");
    }
  }

  private static Duration sum(Matcher m) {
    Duration d = Duration.ZERO;
    if (m.group(2) != null) {
      d = d.plusHours(Long.parseLong(m.group(2)));
    }
    if (m.group(4) != null) {
      d = d.plusMinutes(Long.parseLong(m.group(4)));
    }
    if (m.group(6) != null) {
      d = d.plusSeconds(Long.parseLong(m.group(6)));
    }
    if (m.group(8) != null) {
      d = d.plusMillis(Long.parseLong(m.group(8)));
    }
    return d;
  }

  /** Short form for people: {@code 11h 59m}, {@code 42s}, {@code -3m} for the past. */
  public static String format(Duration duration) {
    boolean negative = duration.isNegative();
    Duration d = duration.abs();
    String text;
    if (d.toHours() > 0) {
      text = d.toHours() + "h " + d.toMinutesPart() + "m";
    } else if (d.toMinutes() > 0) {
      text = d.toMinutes() + "m " + d.toSecondsPart() + "s";
    } else {
      text = d.toSeconds() + "s";
    }
    return negative ? "-" + text : text;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'"
            + DisplayText.clean(text, DisplayText.VALUE)
            + "' is not a duration; write it like 10h, 30m, 1h30m, 90s or PT10H");
  }
}
