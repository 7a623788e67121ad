package io.ecrsecret.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecrsecret.core.DockerConfigJson;
import io.ecrsecret.core.ImageReference;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.kube.SecretData;
import io.ecrsecret.refresh.RefreshSpec;
import io.ecrsecret.registry.RegistryLoginCheck;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {
      "Prove a pull secret works: log in to each registry it holds credentials for, the way a"
          + " container runtime does (GET /v2/ with those credentials), or with --image fetch"
          + " that image's manifest, and report per registry.",
      ""
    },
    footer = {
      "",
      "Example:  ecr-secret-operator verify -n team-a -s ecr-pull-secret --image team/app:1.0",
      "Exit status: 0 every registry accepted its credentials, 1 some did not (or the secret is"
          + " missing or unreadable), 2 usage error."
    })
final class VerifyCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec command;

  @ParentCommand Main main;

  @Option(
      names = {"-n", "--namespace"},
      required = true,
      paramLabel = "NAME",
      description = "Namespace of the secret.")
  String namespace;

  @Option(
      names = {"-s", "--secret-name"},
      paramLabel = "NAME",
      defaultValue = RefreshSpec.DEFAULT_SECRET_NAME,
      description = "The secret (default: ${DEFAULT-VALUE}).")
  String secretName;

  @Option(
      names = "--registry-endpoint",
      paramLabel = "HOST=URL",
      split = ",",
      description =
          "Reach registry HOST at URL instead of https://HOST (a mirror, a proxy, a test"
              + " registry). Repeatable.")
  Map<String, String> endpoints = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Per request (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--image",
      paramLabel = "REPOSITORY:TAG",
      description =
          "Prove a pull of this image, not just a login: its manifest is fetched (a HEAD request,"
              + " no layers) from the registry the reference names, or from each registry of the"
              + " secret. A token of another account is refused (401), an identity without"
              + " ecr:BatchGetImage on the repository forbidden (403), a missing image not found"
              + " (404).")
  String image;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    Secret secret;
    try (KubernetesClient client = main.runtime().kubernetes().get()) {
      secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    }
    if (secret == null) {
      main.err().printf("secret %s/%s does not exist%n", namespace, secretName);
      return 1;
    }
    Map<String, RegistryCredentials> credentials = credentials(secret);
    if (credentials.isEmpty()) {
      main.err().printf("secret %s/%s holds no registry credentials%n", namespace, secretName);
      return 1;
    }
    Optional<ImageReference> pull =
        image == null
            ? Optional.empty()
            : Optional.of(UserInput.read(command, () -> ImageReference.parse(image)));
    if (pull.flatMap(ImageReference::host).filter(h -> !credentials.containsKey(h)).isPresent()) {
      main.err()
          .printf(
              "secret %s/%s holds no credentials for %s, the registry --image names; it holds %s%n",
              namespace,
              secretName,
              pull.get().host().get(),
              String.join(", ", credentials.keySet()));
      return 1;
    }
    var check = new RegistryLoginCheck(timeout);
    List<RegistryLoginCheck.Result> results = new ArrayList<>();
    credentials.forEach(
        (host, creds) -> {
          if (pull.flatMap(ImageReference::host).filter(h -> !h.equals(host)).isPresent()) {
            return;
          }
          URI endpoint = URI.create(endpoints.getOrDefault(host, "https://" + host));
          results.add(
              pull.isEmpty()
                  ? check.check(host, endpoint, creds)
                  : check.checkImage(
                      host, endpoint, creds, pull.get().repository(), pull.get().reference()));
        });
    boolean ok = results.stream().allMatch(RegistryLoginCheck.Result::authenticated);
    if (output.json()) {
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      var root = json.createObjectNode();
      root.put("namespace", namespace);
      root.put("secret", secretName);
      root.put("succeeded", ok);
      var items = root.putArray("registries");
      results.forEach(items::addPOJO);
      main.out().println(json.writeValueAsString(root));
    } else {
      var table = new ArrayList<List<String>>();
      table.add(List.of("REGISTRY", "RESULT", "DETAIL"));
      results.forEach(
          r -> table.add(List.of(r.registry(), r.authenticated() ? "ok" : "FAILED", r.message())));
      main.out().print(Table.render(table));
    }
    main.out().flush();
    return ok ? 0 : 1;
  }

  private static Map<String, RegistryCredentials> credentials(Secret secret) {
    Optional<String> dockerConfig = SecretData.decoded(secret, DockerConfigJson.KEY);
    if (dockerConfig.isPresent()) {
      return DockerConfigJson.parse(dockerConfig.get());
    }
    Optional<String> url = SecretData.decoded(secret, "url");
    Optional<String> user = SecretData.decoded(secret, "username");
    Optional<String> password = SecretData.decoded(secret, "password");
    if (url.isPresent() && user.isPresent() && password.isPresent()) {
      String host = url.get().replaceFirst("^[a-z]+://", "").split("/")[0];
      return Map.of(host, new RegistryCredentials(user.get(), password.get(), Optional.empty()));
    }
    return Map.of();
  }
}
