package io.ecrsecret.operator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Small HTTP servers: Prometheus {@code /metrics}, and {@code /healthz} with {@code /readyz}. */
final class HttpEndpoints implements AutoCloseable {

  private final HttpServer metrics;
  private final HttpServer health;

  private HttpEndpoints(HttpServer metrics, HttpServer health) {
    this.metrics = metrics;
    this.health = health;
  }

  static HttpEndpoints start(
      int metricsPort,
      int healthPort,
      Supplier<String> scrape,
      BooleanSupplier live,
      BooleanSupplier ready) {
    try {
      HttpServer metrics = HttpServer.create(new InetSocketAddress(metricsPort), 0);
      metrics.createContext(
          "/metrics",
          exchange ->
              respond(exchange, 200, scrape.get(), "text/plain; version=0.0.4; charset=utf-8"));
      HttpServer health = HttpServer.create(new InetSocketAddress(healthPort), 0);
      health.createContext(
          "/healthz",
          exchange ->
              respond(
                  exchange,
                  live.getAsBoolean() ? 200 : 503,
                  live.getAsBoolean() ? "ok\n" : "not started\n",
                  "text/plain"));
      health.createContext(
          "/readyz",
          exchange ->
              respond(
                  exchange,
                  ready.getAsBoolean() ? 200 : 503,
                  ready.getAsBoolean() ? "ok\n" : "not ready\n",
                  "text/plain"));
      metrics.start();
      health.start();
      return new HttpEndpoints(metrics, health);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the metrics or health port: " + e.getMessage(), e);
    }
  }

  private static void respond(
      com.sun.net.httpserver.HttpExchange exchange, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  int metricsPort() {
    return metrics.getAddress().getPort();
  }

  int healthPort() {
    return health.getAddress().getPort();
  }

  @Override
  public void close() {
    metrics.stop(0);
    health.stop(0);
  }
}
