package io.ecrsecret.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.TokenScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.endpoint.AwsClientEndpointProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * ECR Public's {@code GetAuthorizationToken} ({@code public.ecr.aws}), in us-east-1 only, the token
 * valid 12 hours and good for ECR Public in every region.
 *
 * <p>The AWS SDK's {@code ecrpublic} module is the natural client, but it is not in the Maven
 * repositories this project builds from; the call is one JSON request, so it is made here with the
 * SDK's own parts: its SigV4 signer, its endpoint rules ({@code AWS_ENDPOINT_URL_ECR_PUBLIC}, then
 * {@code AWS_ENDPOINT_URL}, the profile's {@code endpoint_url}, else {@code
 * api.ecr-public.us-east-1.amazonaws.com}), its standard retry strategy (throttling, 5xx and I/O
 * failures, with backoff and jitter) and its HTTP client. Failures are thrown as the SDK would
 * throw them, so {@link AwsFailures} explains them alike. Callers need {@code
 * ecr-public:GetAuthorizationToken} and {@code sts:GetServiceBearerToken}.
 */
final class EcrPublicTokens {

  static final String SIGNING_NAME = "ecr-public";
  static final String TARGET = "SpencerFrontendService.GetAuthorizationToken";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SdkHttpClient http;
  private final boolean dualStack;

  /** Where the call goes, resolved on the first call (it loads the SDK's endpoint metadata). */
  private volatile URI endpoint;

  private final RetryStrategy retries;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  EcrPublicTokens(SdkHttpClient http, AwsClientSettings settings) {
    this.http = http;
    this.dualStack = settings.dualStack();
    this.retries =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(settings.maxAttempts())
            .build();
  }

  /** Where the call goes: the SDK's endpoint settings for ECR Public, as its client would read. */
  static URI endpoint(boolean dualStack) {
    return AwsClientEndpointProvider.builder()
        .serviceEndpointOverrideEnvironmentVariable("AWS_ENDPOINT_URL_ECR_PUBLIC")
        .serviceEndpointOverrideSystemProperty("aws.endpointUrlEcrPublic")
        .serviceProfileProperty("ecr_public")
        .profileFile(ProfileFile::defaultProfileFile)
        .profileName(ProfileFileSystemSetting.AWS_PROFILE.getStringValueOrThrow())
        .serviceEndpointPrefix("api.ecr-public")
        .defaultProtocol("https")
        .region(Region.of(TokenScope.ECR_PUBLIC_REGION))
        .dualstackEnabled(dualStack ? Boolean.TRUE : null)
        .build()
        .clientEndpoint();
  }

  RegistryCredentials token(AwsCredentialsProvider credentials) {
    RetryToken attempt =
        retries.acquireInitialToken(AcquireInitialTokenRequest.create(SIGNING_NAME)).token();
    while (true) {
      try {
        RegistryCredentials token = call(credentials);
        retries.recordSuccess(RecordSuccessRequest.create(attempt));
        return token;
      } catch (AwsServiceException | SdkClientException failure) {
        try {
          var next =
              retries.refreshRetryToken(
                  RefreshRetryTokenRequest.builder().token(attempt).failure(failure).build());
          attempt = next.token();
          Thread.sleep(next.delay().toMillis());
        } catch (TokenAcquisitionFailedException noMore) {
          throw failure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw failure;
        }
      }
    }
  }

  private RegistryCredentials call(AwsCredentialsProvider credentials) {
    URI endpoint = this.endpoint;
    if (endpoint == null) {
      endpoint = endpoint(dualStack);
      this.endpoint = endpoint;
    }
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint)
            .encodedPath(endpoint.getRawPath() == null ? "/" : endpoint.getRawPath())
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", TARGET)
            .putHeader("Content-Length", Integer.toString(body.length))
            .build();
    var signed =
        signer.sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, TokenScope.ECR_PUBLIC_REGION));
    HttpExecuteResponse response;
    byte[] answer;
    try {
      response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      try (InputStream in = response.responseBody().map(InputStream.class::cast).orElse(null)) {
        answer = in == null ? new byte[0] : in.readAllBytes();
      }
    } catch (IOException e) {
      throw SdkClientException.builder()
          .message("Unable to execute HTTP request: " + e.getMessage())
          .cause(e)
          .build();
    }
    int status = response.httpResponse().statusCode();
    if (status / 100 != 2) {
      throw failure(
          status, response.httpResponse().firstMatchingHeader("x-amzn-ErrorType"), answer);
    }
    return parse(answer);
  }

  /** The token in an answer: {@code {"authorizationData": {"authorizationToken", "expiresAt"}}}. */
  static RegistryCredentials parse(byte[] answer) {
    JsonNode data;
    try {
      data = JSON.readTree(answer).path("authorizationData");
    } catch (IOException e) {
      throw SdkClientException.create("ECR Public answered with something that is not JSON", e);
    }
    JsonNode token = data.path("authorizationToken");
    if (!token.isTextual()) {
      throw SdkClientException.create("ECR Public's answer holds no authorization token");
    }
    JsonNode expiresAt = data.path("expiresAt");
    Optional<Instant> expiry =
        expiresAt.isNumber()
            ? Optional.of(Instant.ofEpochMilli(Math.round(expiresAt.asDouble() * 1000)))
            : Optional.empty();
    return RegistryCredentials.fromAuthorizationToken(token.asText(), expiry.orElse(null));
  }

  /** An error answer, as the SDK's JSON protocol reads one: code from the body or the header. */
  static AwsServiceException failure(int status, Optional<String> typeHeader, byte[] answer) {
    String code = typeHeader.orElse(null);
    String message = "";
    try {
      JsonNode error = JSON.readTree(answer);
      if (error != null) {
        code = error.path("__type").asText(code == null ? "" : code);
        message = error.path("message").asText(error.path("Message").asText(""));
      }
    } catch (IOException | UncheckedIOException e) {
      // not JSON: the status says what there is to say
    }
    if (code != null) {
      code = code.substring(code.lastIndexOf('#') + 1).split(":", 2)[0];
    }
    if (code == null || code.isEmpty()) {
      code = "HTTP" + status;
    }
    return (AwsServiceException)
        AwsServiceException.builder()
            .statusCode(status)
            .message(message)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .serviceName("ECR PUBLIC")
                    .build())
            .build();
  }
}
