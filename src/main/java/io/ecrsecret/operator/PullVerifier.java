package io.ecrsecret.operator;

import io.ecrsecret.core.StatusReason;
import io.ecrsecret.operator.api.PullSecretStatus;
import io.ecrsecret.refresh.PullSecretRefresher;
import io.ecrsecret.registry.RegistryLoginCheck;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Proves a pull where a resource asks ({@code spec.verify}): after a refresh that wrote a token,
 * the image's manifest is fetched with that token (a HEAD request, no layers), and the registry's
 * answer becomes the {@code PullVerified} condition. The token comes from the shared token cache,
 * where the refresh just put it: no AWS call. A reconcile that wrote nothing checks nothing (the
 * condition stays as it was), unless the condition is missing or names another image.
 */
final class PullVerifier {

  /** The {@code PullVerified} condition's state. */
  record Verification(boolean verified, StatusReason reason, String message) {}

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final PullSecretRefresher refresher;
  private final Map<String, URI> endpoints;
  private final RegistryLoginCheck check = new RegistryLoginCheck(TIMEOUT);

  PullVerifier(PullSecretRefresher refresher, Map<String, URI> endpoints) {
    this.refresher = refresher;
    this.endpoints = endpoints;
  }

  /** The verification this reconcile makes; empty where it makes none. */
  Optional<Verification> verify(DesiredState desired, SyncResult result, PullSecretStatus before) {
    if (desired.verify().isEmpty() || !result.ready()) {
      return Optional.empty();
    }
    var pull = desired.verify().get();
    boolean current =
        StatusBuilder.condition(before, StatusBuilder.PULL_VERIFIED)
            .filter(
                c -> c.getMessage() != null && c.getMessage().contains(" " + pull.image() + ":"))
            .isPresent();
    if (current && !result.tokenWritten()) {
      return Optional.empty();
    }
    String host = pull.registry().host();
    var answer =
        check.checkImage(
            host,
            endpoints.getOrDefault(host, URI.create("https://" + host)),
            refresher.credentials(desired.refresh(), pull.registry()),
            pull.image().repository(),
            pull.image().reference());
    return Optional.of(of(pull.image().toString(), answer));
  }

  /** The condition for a registry's answer. */
  static Verification of(String image, RegistryLoginCheck.Result answer) {
    StatusReason reason =
        answer.authenticated()
            ? StatusReason.IMAGE_PULLABLE
            : switch (answer.httpStatus()) {
              case 401, 403 -> StatusReason.PULL_REFUSED;
              case 404 -> StatusReason.IMAGE_NOT_FOUND;
              default -> StatusReason.REGISTRY_UNREACHABLE;
            };
    String said = answer.httpStatus() == 0 ? "no answer" : "HTTP " + answer.httpStatus();
    return new Verification(
        answer.authenticated(), reason, "pulling " + image + ": " + said + ", " + answer.message());
  }
}
