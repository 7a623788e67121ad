package io.ecrsecret.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code .dockerconfigjson} of a {@code kubernetes.io/dockerconfigjson} secret: one entry per
 * registry host, each with {@code username}, {@code password} and {@code auth}.
 */
public final class DockerConfigJson {

  /** The key of the data item in a {@code kubernetes.io/dockerconfigjson} secret. */
  public static final String KEY = ".dockerconfigjson";

  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerConfigJson() {}

  /** A config with exactly these entries, hosts in sorted order. */
  public static String render(Map<String, RegistryCredentials> byHost) {
    return merge(Optional.empty(), byHost, java.util.Set.of());
  }

  /**
   * Writes our entries into an existing config, keeping everything else in it: entries for other
   * registries, and any other top-level fields. Entries for hosts in {@code previouslyOurs} that we
   * no longer want are removed; entries we never wrote are never removed.
   *
   * @throws InvalidDockerConfigException if the existing config is not a docker config JSON
   */
  public static String merge(
      Optional<String> existing,
      Map<String, RegistryCredentials> ours,
      Collection<String> previouslyOurs) {
    ObjectNode root = existing.map(DockerConfigJson::parseRoot).orElseGet(JSON::createObjectNode);
    JsonNode authsNode = root.get("auths");
    ObjectNode auths;
    if (authsNode == null || authsNode.isNull()) {
      auths = root.putObject("auths");
    } else if (authsNode instanceof ObjectNode object) {
      auths = object;
    } else {
      throw new InvalidDockerConfigException("its \"auths\" field is not an object");
    }
    for (String host : previouslyOurs) {
      if (!ours.containsKey(host)) {
        auths.remove(host);
      }
    }
    for (var entry : new TreeMap<>(ours).entrySet()) {
      RegistryCredentials credentials = entry.getValue();
      ObjectNode item = JSON.createObjectNode();
      item.put("username", credentials.username());
      item.put("password", credentials.password());
      item.put("auth", credentials.basicAuth());
      auths.set(entry.getKey(), item);
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write docker config JSON", null);
    }
  }

  /** The credentials per registry host in a config (entries without usable credentials skipped). */
  public static Map<String, RegistryCredentials> parse(String json) {
    var result = new LinkedHashMap<String, RegistryCredentials>();
    JsonNode auths = parseRoot(json).path("auths");
    auths
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode item = e.getValue();
              String user = item.path("username").asText("");
              String password = item.path("password").asText("");
              if ((user.isEmpty() || password.isEmpty()) && item.hasNonNull("auth")) {
                String decoded = decodeAuth(item.get("auth").asText());
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                  user = decoded.substring(0, colon);
                  password = decoded.substring(colon + 1);
                }
              }
              if (!user.isEmpty() && !password.isEmpty()) {
                result.put(e.getKey(), new RegistryCredentials(user, password, Optional.empty()));
              }
            });
    return result;
  }

  /**
   * The registry hosts of a config that holds nothing but {@code auths}; empty when it holds more
   * (other top-level fields) or is not a docker config, so that whoever asks reads it whole.
   */
  public static Optional<java.util.Set<String>> onlyAuthsHosts(String json) {
    ObjectNode root;
    try {
      root = parseRoot(json);
    } catch (InvalidDockerConfigException e) {
      return Optional.empty();
    }
    var hosts = new java.util.TreeSet<String>();
    var fields = root.fieldNames();
    while (fields.hasNext()) {
      if (!"auths".equals(fields.next())) {
        return Optional.empty();
      }
    }
    JsonNode auths = root.path("auths");
    if (!auths.isMissingNode() && !auths.isObject()) {
      return Optional.empty();
    }
    auths.fieldNames().forEachRemaining(hosts::add);
    return Optional.of(hosts);
  }

  private static String decodeAuth(String auth) {
    try {
      return new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static ObjectNode parseRoot(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // the message of a parse error quotes the input, which holds passwords: never pass it on
      throw new InvalidDockerConfigException("it is not valid JSON");
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new InvalidDockerConfigException("it is not a JSON object");
  }

  /** An existing {@code .dockerconfigjson} that cannot be read; the message never quotes it. */
  public static final class InvalidDockerConfigException extends IllegalArgumentException {
    public InvalidDockerConfigException(String why) {
      super("the existing " + KEY + " cannot be merged into: " + why);
    }
  }
}
