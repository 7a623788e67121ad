package io.ecrsecret.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A registry user name and password, as ECR's authorization token carries them, and when they
 * expire. {@link #toString()} never shows the password.
 */
public record RegistryCredentials(String username, String password, Optional<Instant> expiresAt) {

  public RegistryCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Decodes ECR's {@code authorizationToken}: base64 of {@code user:password}. */
  public static RegistryCredentials fromAuthorizationToken(String token, Instant expiresAt) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(token.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ECR authorization token is not base64", null);
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "ECR authorization token is not of the form user:password");
    }
    return new RegistryCredentials(
        decoded.substring(0, colon), decoded.substring(colon + 1), Optional.ofNullable(expiresAt));
  }

  /** The {@code auth} field of a docker config entry: base64 of {@code user:password}. */
  public String basicAuth() {
    return Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RegistryCredentials[username="
        + username
        + ", password=<redacted>, expiresAt="
        + expiresAt.map(Instant::toString).orElse("unknown")
        + "]";
  }
}
