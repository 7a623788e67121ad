package io.ecrsecret.core;

import java.util.Locale;

/**
 * Text from outside (a Secret's key id, a spec field, an AWS error message) made fit for a status,
 * an Event or a log line: no control characters (a line break in a key id could forge a log line),
 * a bounded length (a 1 MB key id must not make a 1 MB status), and nothing of a signed request
 * that AWS may echo back.
 */
public final class DisplayText {

  /** The longest message a status condition or Event carries. */
  public static final int MESSAGE = 1024;

  /** The longest value quoted inside a message (a key id, a name). */
  public static final int VALUE = 64;

  private static final String[] SIGNED_REQUEST_MARKERS = {
    "canonical string",
    "string-to-sign",
    "string to sign",
    "authorization:",
    "authorization=",
    "signature=",
    "credential=",
    "x-amz-security-token"
  };

  private DisplayText() {}

  /** {@code scheme://user:password@}: the user info of a URL, which may hold a password. */
  private static final java.util.regex.Pattern URL_USER_INFO =
      java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]{0,31}://)[^/?#@\\s]{0,512}@");

  /**
   * Control characters replaced by a space, the user info of URLs ({@code https://user:pw@host})
   * redacted, cut to {@code max} characters ("..." marks a cut).
   */
  public static String clean(String text, int max) {
    if (text == null) {
      return "";
    }
    // redacted before the cut, so that a cut never leaves part of a password; what is cut anyway
    // is not searched (a URL's user info is bounded), so a 1 MB value costs no more than its start
    String shown = text.length() > max + 544 ? text.substring(0, max + 544) : text;
    shown = URL_USER_INFO.matcher(shown).replaceAll("$1[redacted]@");
    var out = new StringBuilder(Math.min(shown.length(), max + 3));
    for (int i = 0; i < shown.length() && out.length() < max; i++) {
      char c = shown.charAt(i);
      out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    if (shown.length() > max) {
      out.append("...");
    }
    return out.toString();
  }

  /**
   * An AWS error message, cut before anything of the signed request it may quote (a signature
   * mismatch echoes the canonical request, headers and all), then cleaned.
   */
  public static String awsMessage(String message) {
    if (message == null) {
      return "";
    }
    String lower = message.toLowerCase(Locale.ROOT);
    int cut = message.length();
    for (String marker : SIGNED_REQUEST_MARKERS) {
      int at = lower.indexOf(marker);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    String kept = message.substring(0, cut).strip();
    return clean(kept, 300) + (cut < message.length() ? " [request details left out]" : "");
  }
}
