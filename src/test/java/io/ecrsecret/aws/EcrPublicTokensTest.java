package io.ecrsecret.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ecrsecret.aws.AwsAccessException.Kind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class EcrPublicTokensTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theTokenAndItsExpiryAreRead() {
    String token = Base64.getEncoder().encodeToString(bytes("AWS:public-password"));
    var credentials =
        EcrPublicTokens.parse(
            bytes(
                "{\"authorizationData\":{\"authorizationToken\":\""
                    + token
                    + "\",\"expiresAt\":1.7652528E9}}"));
    assertThat(credentials.username()).isEqualTo("AWS");
    assertThat(credentials.password()).isEqualTo("public-password");
    assertThat(credentials.expiresAt()).contains(Instant.ofEpochSecond(1_765_252_800L));
  }

  @Test
  void anAnswerWithoutATokenIsAFailureThatQuotesNothing() {
    assertThatThrownBy(() -> EcrPublicTokens.parse(bytes("{\"authorizationData\":{}}")))
        .isInstanceOf(SdkClientException.class)
        .hasMessageContaining("no authorization token");
    assertThatThrownBy(() -> EcrPublicTokens.parse(bytes("<html>")))
        .isInstanceOf(SdkClientException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void errorsAreReadAsTheSdksJsonProtocolReadsThem() {
    var denied =
        EcrPublicTokens.failure(
            400,
            Optional.empty(),
            bytes(
                "{\"__type\":\"com.amazonaws.ecrpublic#AccessDeniedException\",\"message\":\"User"
                    + " is not authorized to perform: sts:GetServiceBearerToken\"}"));
    assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
    var explained =
        AwsFailures.explain(
            denied, AwsIdentity.defaultChain(), "us-east-1", "ecr-public:GetAuthorizationToken");
    assertThat(explained.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(explained.getMessage())
        .contains("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken", "iam-policy");

    var throttled =
        EcrPublicTokens.failure(
            400, Optional.of("ThrottlingException:http://internal"), bytes("{}"));
    assertThat(throttled.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
    assertThat(throttled.isThrottlingException()).isTrue();
    assertThat(EcrPublicTokens.failure(502, Optional.empty(), bytes("bad gateway")).statusCode())
        .isEqualTo(502);
  }

  @Test
  void theEndpointIsTheSdksForEcrPublic() {
    assumeTrue(
        System.getenv("AWS_ENDPOINT_URL") == null
            && System.getenv("AWS_ENDPOINT_URL_ECR_PUBLIC") == null
            && System.getProperty("aws.endpointUrl") == null,
        "an AWS endpoint is set for this process");
    assertThat(EcrPublicTokens.endpoint(false))
        .isEqualTo(URI.create("https://api.ecr-public.us-east-1.amazonaws.com"));
    System.setProperty("aws.endpointUrlEcrPublic", "http://127.0.0.1:4566");
    try {
      assertThat(EcrPublicTokens.endpoint(false)).isEqualTo(URI.create("http://127.0.0.1:4566"));
    } finally {
      System.clearProperty("aws.endpointUrlEcrPublic");
    }
  }
}
