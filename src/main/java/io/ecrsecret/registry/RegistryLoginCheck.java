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
   * Logs in: {@code GET /v2/}.
   *
   * @param registry the host as the secret names it
   * @param endpoint where to reach it ({@code https://HOST} unless overridden)
   */
  public Result check(String registry, URI endpoint, RegistryCredentials credentials) {
    return request(registry, endpoint.resolve("/v2/"), "GET", credentials);
  }

  /**
   * Proves a pull of one image is allowed, as a container runtime starts one: {@code HEAD
   * /v2/REPOSITORY/manifests/REFERENCE} (no layers), with the manifest types runtimes accept. A
   * token for another account is refused (401), an identity without {@code ecr:BatchGetImage} on
   * the repository is forbidden (403), an image that is not there is not found (404).
   *
   * @param reference a tag or a digest ({@code sha256:...})
   */
  public Result checkImage(
      String registry,
      URI endpoint,
      RegistryCredentials credentials,
      String repository,
      String reference) {
    return request(
        registry,
        endpoint.resolve("/v2/" + repository + "/manifests/" + reference),
        "HEAD",
        credentials);
  }

  /** What runtimes accept for a manifest: an index or a single image, OCI or Docker. */
  private static final String MANIFEST_TYPES =
      String.join(
          ", ",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json");

  private Result request(String registry, URI url, String method, RegistryCredentials credentials) {
    try {
      HttpResponse<String> basic =
          send(
              HttpRequest.newBuilder(url)
                  .header("Authorization", "Basic " + credentials.basicAuth()),
              method);
      if (basic.statusCode() == 200) {
        return found(registry, basic);
      }
      Optional<String> challenge = basic.headers().firstValue("WWW-Authenticate");
      if (basic.statusCode() == 401
          && challenge.isPresent()
          && challenge.get().regionMatches(true, 0, "Bearer", 0, 6)) {
        return bearer(registry, url, method, challenge.get(), credentials);
      }
      return new Result(registry, false, basic.statusCode(), rejection(basic.statusCode()));
    } catch (IOException e) {
      return new Result(
          registry,
          false,
          0,
          "cannot reach " + url + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(registry, false, 0, "interrupted");
    }
  }

  /** Authenticated; for a manifest, with the digest the registry gave. */
  private static Result found(String registry, HttpResponse<String> answer) {
    return new Result(
        registry,
        true,
        200,
        answer
            .headers()
            .firstValue("Docker-Content-Digest")
            .map(d -> "found, digest " + d.replaceAll("[^A-Za-z0-9:]", ""))
            .orElse("authenticated"));
  }

  private Result bearer(
      String registry, URI url, String method, String challenge, RegistryCredentials credentials)
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
    Optional<String> refused = refusedRealm(realmUri, url);
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
                .header("Authorization", "Basic " + credentials.basicAuth()),
            "GET");
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
        send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + bearer), method);
    return authed.statusCode() == 200
        ? found(registry, authed)
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

  private HttpResponse<String> send(HttpRequest.Builder request, String method)
      throws IOException, InterruptedException {
    return http.send(
        request
            .timeout(timeout)
            .header("Accept", MANIFEST_TYPES)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String rejection(int status) {
    return switch (status) {
      case 401 ->
          "rejected: the registry does not accept these credentials (expired token, or another account's)";
      case 403 ->
          "forbidden: the credentials are valid but not allowed here (for an image: the identity"
              + " lacks ecr:BatchGetImage on its repository)";
      case 404 -> "not found: no such image (repository or tag), or the identity may not see it";
      default -> "unexpected answer HTTP " + status;
    };
  }
}
