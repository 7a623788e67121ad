package io.ecrsecret.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every request a Kubernetes client sends to the real API server, as verb and resource
 * ({@code get secrets}, {@code patch serviceaccounts}, {@code list namespaces}, {@code watch
 * secrets}): what the operator costs the API server, counted where it is sent.
 */
public final class RequestLog implements Interceptor {

  /** One request: the verb as the API server's metrics name it, and the resource. */
  public record Request(String verb, String resource, String path) {
    @Override
    public String toString() {
      return verb + " " + resource;
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile long lastAt = System.nanoTime();

  /** A client for this kubeconfig whose every request is recorded here. */
  public KubernetesClient client(String kubeconfigYaml) {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(kubeconfigYaml))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", this))
        .build();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    Request r = classify(request.method(), request.uri());
    requests.add(r);
    if (!r.verb().equals("watch")) {
      lastAt = System.nanoTime();
    }
  }

  static Request classify(String method, URI uri) {
    String[] parts = uri.getPath().replaceAll("^/+", "").split("/");
    // /api/v1/... or /apis/GROUP/VERSION/...
    int i = parts.length > 0 && parts[0].equals("api") ? 2 : 3;
    if (i < parts.length && parts[i].equals("namespaces") && parts.length > i + 2) {
      i += 2; // namespaced: skip namespaces/NAME
    }
    String resource = i < parts.length ? parts[i] : "";
    boolean named = parts.length > i + 1;
    if (parts.length > i + 2) {
      resource += "/" + parts[i + 2]; // a subresource: secrets/status
    }
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (method) {
          case "GET" ->
              query.contains("watch=true") || query.contains("watch=1")
                  ? "watch"
                  : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> "delete";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return new Request(verb, resource, uri.getPath());
  }

  public void clear() {
    requests.clear();
  }

  /**
   * The requests since {@link #clear}, by verb and resource, without watches (long-running, opened
   * once) and lease renewals (leader election), which the cost goals leave out.
   */
  public Map<String, Integer> counts() {
    var counts = new TreeMap<String, Integer>();
    for (Request r : requests) {
      if (!r.verb().equals("watch") && !r.resource().startsWith("leases")) {
        counts.merge(r.toString(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /**
   * The paths of the discovery requests since {@link #clear} ({@code /apis}, {@code
   * /apis/GROUP/VERSION}).
   */
  public List<String> discovery() {
    return requests.stream()
        .map(Request::path)
        .filter(p -> p.matches("/apis(/[^/]+/[^/]+)?/?"))
        .toList();
  }

  public int total() {
    return counts().values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Waits until no request has been sent for this long (at most a minute). */
  public void awaitQuiet(Duration quiet) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      if (System.nanoTime() - lastAt >= quiet.toNanos()) {
        return;
      }
      Thread.sleep(100);
    }
  }
}
