package io.ecrsecret.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ecrsecret.core.RegistryCredentials;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A registry that points its bearer challenge elsewhere gets no credentials sent there. */
class RegistryLoginCheckTest {

  private static final RegistryCredentials CREDENTIALS =
      new RegistryCredentials("AWS", "not-a-real-token", Optional.empty());

  @Test
  void credentialsAreNotSentToARealmOnAnotherHost() throws Exception {
    var elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    var asked = new AtomicInteger();
    elsewhere.createContext(
        "/token",
        exchange -> {
          asked.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    elsewhere.start();
    var registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String realm = "http://127.0.0.2:" + elsewhere.getAddress().getPort() + "/token";
    registry.createContext(
        "/v2/",
        exchange -> {
          exchange
              .getResponseHeaders()
              .add("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"x\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    registry.start();
    try {
      var result =
          new RegistryLoginCheck(Duration.ofSeconds(5))
              .check(
                  "registry.test",
                  URI.create("http://127.0.0.1:" + registry.getAddress().getPort()),
                  CREDENTIALS);
      assertThat(result.authenticated()).isFalse();
      assertThat(result.message())
          .contains("neither the registry's host nor AWS")
          .doesNotContain(CREDENTIALS.password());
      assertThat(asked).as("requests to the other host").hasValue(0);
    } finally {
      registry.stop(0);
      elsewhere.stop(0);
    }
  }

  @Test
  void aRealmMustBeHttpsUnlessOnLoopbackAndOnTheRegistryOrAws() {
    URI registry = URI.create("https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/");
    assertThat(
            RegistryLoginCheck.refusedRealm(
                URI.create("https://api.ecr.amazonaws.com/t"), registry))
        .isEmpty();
    assertThat(
            RegistryLoginCheck.refusedRealm(
                URI.create("http://123456789012.dkr.ecr.us-east-1.amazonaws.com/t"), registry))
        .get()
        .asString()
        .contains("not HTTPS");
    assertThat(RegistryLoginCheck.refusedRealm(URI.create("https://evil.test/t"), registry))
        .isPresent();
  }
}
