package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecrsecret.core.StatusReason;
import io.ecrsecret.registry.RegistryLoginCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PullVerified condition for each answer a registry may give. */
class PullVerifierTest {

  @ParameterizedTest(name = "HTTP {0} is {2}")
  @CsvSource({
    "200, true, IMAGE_PULLABLE, HTTP 200",
    "401, false, PULL_REFUSED, HTTP 401",
    "403, false, PULL_REFUSED, HTTP 403",
    "404, false, IMAGE_NOT_FOUND, HTTP 404",
    "500, false, REGISTRY_UNREACHABLE, HTTP 500",
    "0, false, REGISTRY_UNREACHABLE, no answer",
  })
  void eachAnswerHasItsReason(int status, boolean ok, StatusReason reason, String said) {
    var verification =
        PullVerifier.of(
            "team/app:1.0",
            new RegistryLoginCheck.Result("r.example", ok, status, "what the check said"));
    assertThat(verification.verified()).isEqualTo(ok);
    assertThat(verification.reason()).isEqualTo(reason);
    assertThat(verification.message())
        .startsWith("pulling team/app:1.0: ")
        .contains(said, "what the check said");
  }
}
