package io.ecrsecret.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrsecret.core.RegistryCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves credentials work against a registry the way a container runtime logs in: {@code GET /v2/}
 * with basic authentication, or, where the registry answers with a bearer challenge, a token from
 * its realm first. Never puts a credential in a result.
 */
public final class RegistryLoginCheck {

  /** The outcome for one registry. */
  public record Result(String registry, boolean authenticated, int httpStatus, String message) {}

  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final HttpClient http;
  private final Duration timeout;

  public RegistryLoginCheck(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            // a credentialed request is never sent on to wherever a redirect points
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * @param registry the host as the secret names it
   * @param endpoint where to reach it ({@code https://HOST} unless overridden)
   */
  public Result check(String registry, URI endpoint, RegistryCredentials credentials) {
    URI v2 = endpoint.resolve("/v2/");
    try {
      HttpResponse<String> basic =
          send(
              HttpRequest.newBuilder(v2)
                  .header("Authorization", "Basic " + credentials.basicAuth()));
      if (basic.statusCode() == 200) {
        return new Result(registry, true, 200, "authenticated");
      }
      Optional<String> challenge = basic.headers().firstValue("WWW-Authenticate");
      if (basic.statusCode() == 401
          && challenge.isPresent()
          && challenge.get().regionMatches(true, 0, "Bearer", 0, 6)) {
        return bearer(registry, v2, challenge.get(), credentials);
      }
      return new Result(registry, false, basic.statusCode(), rejection(basic.statusCode()));
    } catch (IOException e) {
      return new Result(
          registry,
          false,
          0,
          "cannot reach " + v2 + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(registry, false, 0, "interrupted");
    }
  }

  private Result bearer(String registry, URI v2, String challenge, RegistryCredentials credentials)
      throws IOException, InterruptedException {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    String realm = params.remove("realm");
    if (realm == null) {
      return new Result(registry, false, 401, "the registry's bearer challenge names no realm");
    }
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      return new Result(
          registry, false, 401, "the registry's bearer challenge names no valid realm");
    }
    Optional<String> refused = refusedRealm(realmUri, v2);
    if (refused.isPresent()) {
      return new Result(registry, false, 401, refused.get());
    }
    var query = new StringBuilder();
    params.forEach(
        (k, v) ->
            query
                .append(query.length() == 0 ? "?" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpResponse<String> token =
        send(
            HttpRequest.newBuilder(URI.create(realm + query))
                .header("Authorization", "Basic " + credentials.basicAuth()));
    if (token.statusCode() != 200) {
      return new Result(
          registry, false, token.statusCode(), rejection(token.statusCode()) + " (token service)");
    }
    String bearer = bearerToken(token.body());
    if (bearer.isEmpty()) {
      return new Result(
          registry, false, token.statusCode(), "the token service answered without a token");
    }
    HttpResponse<String> authed =
        send(HttpRequest.newBuilder(v2).header("Authorization", "Bearer " + bearer));
    return authed.statusCode() == 200
        ? new Result(registry, true, 200, "authenticated")
        : new Result(registry, false, authed.statusCode(), rejection(authed.statusCode()));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The token of a token service's answer ({@code token}, or OAuth2's {@code access_token}). */
  private static String bearerToken(String body) {
    try {
      JsonNode answer = JSON.readTree(body);
      String token = answer.path("token").asText("");
      return token.isEmpty() ? answer.path("access_token").asText("") : token;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "";
    }
  }

  /**
   * Credentials go to a bearer realm only over HTTPS (plain HTTP on loopback, for local registries)
   * and only on the registry's own host or an AWS host: a registry, or whoever answers in its
   * place, cannot make us send the token elsewhere.
   */
  static Optional<String> refusedRealm(URI realm, URI registry) {
    String host = realm.getHost() == null ? "" : realm.getHost().toLowerCase(java.util.Locale.ROOT);
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    boolean secure = "https".equalsIgnoreCase(realm.getScheme());
    boolean sameHost = host.equalsIgnoreCase(String.valueOf(registry.getHost()));
    boolean aws = host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn");
    if (!(secure || (loopback && "http".equalsIgnoreCase(realm.getScheme())))) {
      return Optional.of(
          "the registry's bearer challenge points at "
              + realm.getScheme()
              + "://"
              + host
              + ", not HTTPS; the credentials were not sent there");
    }
    if (!sameHost && !aws) {
      return Optional.of(
          "the registry's bearer challenge points at "
              + host
              + ", which is neither the registry's host nor AWS; the credentials were not sent"
              + " there");
    }
    return Optional.empty();
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String rejection(int status) {
    return switch (status) {
      case 401 ->
          "rejected: the registry does not accept these credentials (expired token, or another account's)";
      case 403 -> "forbidden: the credentials are valid but not allowed here";
      default -> "unexpected answer HTTP " + status;
    };
  }
}
