package io.ecrsecret.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A label selector in the string form the API server takes ({@code team=a,env in (dev,test),!old}),
 * evaluated here against labels in memory, so that the operator can choose namespaces from its
 * informer cache instead of listing them from the API server on every reconcile.
 *
 * <p>Requirements are joined by commas, all of which must hold: {@code k=v}, {@code k==v}, {@code
 * k!=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k} (exists), {@code !k} (does not
 * exist). The empty selector matches everything, as in Kubernetes.
 */
public final class LabelSelectorText {

  private static final String KEY = "([A-Za-z0-9][-A-Za-z0-9_./]*)";
  private static final Pattern SET =
      Pattern.compile(KEY + "\\s+(in|notin)\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern EQUALITY = Pattern.compile(KEY + "\\s*(==|=|!=)\\s*(.*)");
  private static final Pattern EXISTS = Pattern.compile("(!?)\\s*" + KEY);

  private record Requirement(String key, String operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case "in" -> value != null && values.contains(value);
        case "notin" -> value == null || !values.contains(value);
        case "exists" -> value != null;
        case "!exists" -> value == null;
        default -> throw new IllegalStateException(operator);
      };
    }
  }

  private final String text;
  private final List<Requirement> requirements;

  private LabelSelectorText(String text, List<Requirement> requirements) {
    this.text = text;
    this.requirements = requirements;
  }

  /**
   * @throws IllegalArgumentException naming the part that is not a requirement
   */
  public static LabelSelectorText parse(String text) {
    var requirements = new ArrayList<Requirement>();
    for (String part : splitTopLevel(text)) {
      String term = part.trim();
      if (term.isEmpty()) {
        continue;
      }
      requirements.add(requirement(term, text));
    }
    return new LabelSelectorText(text, List.copyOf(requirements));
  }

  private static Requirement requirement(String term, String whole) {
    Matcher m = SET.matcher(term);
    if (m.matches()) {
      var values = new java.util.TreeSet<String>();
      for (String v : m.group(3).split(",")) {
        if (!v.isBlank()) {
          values.add(v.trim());
        }
      }
      return new Requirement(
          m.group(1), m.group(2).toLowerCase(java.util.Locale.ROOT), Set.copyOf(values));
    }
    m = EQUALITY.matcher(term);
    if (m.matches()) {
      String value = m.group(3).trim();
      return new Requirement(m.group(1), m.group(2).equals("!=") ? "notin" : "in", Set.of(value));
    }
    m = EXISTS.matcher(term);
    if (m.matches()) {
      return new Requirement(m.group(2), m.group(1).isEmpty() ? "exists" : "!exists", Set.of());
    }
    throw new IllegalArgumentException(
        "label selector '"
            + whole
            + "': '"
            + term
            + "' is not a requirement (key=value, key!=value, key in (a,b), key notin (a,b), key,"
            + " !key)");
  }

  /** Splits at commas that are not inside parentheses. */
  private static List<String> splitTopLevel(String text) {
    var parts = new ArrayList<String>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> present = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(present));
  }

  @Override
  public String toString() {
    return text;
  }
}
