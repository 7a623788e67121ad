package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DockerConfigJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "111111111111.dkr.ecr.us-east-1.amazonaws.com";
  private static final String B = "222222222222.dkr.ecr.eu-west-1.amazonaws.com";

  private static RegistryCredentials creds(String password) {
    return new RegistryCredentials("AWS", password, Optional.of(Instant.EPOCH));
  }

  @Test
  void rendersOneEntryPerRegistryWithUsernamePasswordAndAuth() throws Exception {
    JsonNode config =
        JSON.readTree(DockerConfigJson.render(Map.of(B, creds("pw-b"), A, creds("pw-a"))));
    JsonNode a = config.path("auths").path(A);
    assertThat(a.path("username").asText()).isEqualTo("AWS");
    assertThat(a.path("password").asText()).isEqualTo("pw-a");
    assertThat(new String(Base64.getDecoder().decode(a.path("auth").asText())))
        .isEqualTo("AWS:pw-a");
    assertThat(config.path("auths").path(B).path("password").asText()).isEqualTo("pw-b");
    assertThat(config.path("auths").fieldNames()).toIterable().containsExactly(A, B);
  }

  @Test
  void renderingIsDeterministicSoAnUnchangedTokenWritesNothing() {
    assertThat(DockerConfigJson.render(Map.of(A, creds("x"), B, creds("y"))))
        .isEqualTo(DockerConfigJson.render(Map.of(B, creds("y"), A, creds("x"))));
  }

  @Test
  void mergeKeepsForeignEntriesAndOtherFields() throws Exception {
    String existing =
        "{\"auths\":{\"quay.io\":{\"auth\":\"Zm9vOmJhcg==\"},\""
            + A
            + "\":{\"auth\":\"old\"}},"
            + "\"credHelpers\":{\"x\":\"y\"}}";
    JsonNode merged =
        JSON.readTree(
            DockerConfigJson.merge(Optional.of(existing), Map.of(A, creds("new")), List.of(A)));
    assertThat(merged.path("auths").path("quay.io").path("auth").asText())
        .isEqualTo("Zm9vOmJhcg==");
    assertThat(merged.path("auths").path(A).path("password").asText()).isEqualTo("new");
    assertThat(merged.path("credHelpers").path("x").asText()).isEqualTo("y");
  }

  @Test
  void mergeRemovesOnlyEntriesWeWroteBeforeAndNoLongerWant() throws Exception {
    String existing = DockerConfigJson.render(Map.of(A, creds("a"), B, creds("b")));
    JsonNode merged =
        JSON.readTree(
            DockerConfigJson.merge(Optional.of(existing), Map.of(A, creds("a2")), List.of(B)));
    assertThat(merged.path("auths").has(B)).isFalse();
    assertThat(merged.path("auths").has(A)).isTrue();
  }

  @Test
  void parseReadsUsernamePasswordOrAuth() {
    String config =
        "{\"auths\":{\"a\":{\"username\":\"AWS\",\"password\":\"p\"},\"b\":{\"auth\":\""
            + Base64.getEncoder().encodeToString("u:q".getBytes())
            + "\"},\"c\":{}}}";
    var parsed = DockerConfigJson.parse(config);
    assertThat(parsed).containsOnlyKeys("a", "b");
    assertThat(parsed.get("b").username()).isEqualTo("u");
    assertThat(parsed.get("b").password()).isEqualTo("q");
  }

  @Test
  void anUnreadableExistingConfigIsRejectedWithoutQuotingIt() {
    assertThatThrownBy(
            () ->
                DockerConfigJson.merge(
                    Optional.of("{\"auths\": secret-stuff"), Map.of(), List.of()))
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("secret-stuff");
    assertThatThrownBy(
            () -> DockerConfigJson.merge(Optional.of("{\"auths\": []}"), Map.of(), List.of()))
        .hasMessageContaining("not an object");
  }

  @Test
  void credentialsNeverShowTheirPassword() {
    var credentials =
        RegistryCredentials.fromAuthorizationToken(
            Base64.getEncoder().encodeToString("AWS:s3cr3t-token".getBytes()), Instant.EPOCH);
    assertThat(credentials.password()).isEqualTo("s3cr3t-token");
    assertThat(credentials.toString()).doesNotContain("s3cr3t-token").contains("redacted");
  }

  @Test
  void aMalformedTokenIsReportedWithoutItsContent() {
    assertThatThrownBy(
            () -> RegistryCredentials.fromAuthorizationToken("!!not-base64!!", Instant.EPOCH))
        .hasMessageNotContaining("not-base64!!");
    String noColon = Base64.getEncoder().encodeToString("justapassword".getBytes());
    assertThatThrownBy(() -> RegistryCredentials.fromAuthorizationToken(noColon, Instant.EPOCH))
        .hasMessageNotContaining("justapassword");
  }

  @Test
  void tellsTheHostsOfAConfigThatHoldsOnlyAuths() {
    assertThat(DockerConfigJson.onlyAuthsHosts("{\"auths\":{\"b.io\":{},\"a.io\":{}}}"))
        .contains(java.util.Set.of("a.io", "b.io"));
    assertThat(DockerConfigJson.onlyAuthsHosts("{}")).contains(java.util.Set.of());
    assertThat(DockerConfigJson.onlyAuthsHosts("{\"auths\":{},\"credsStore\":\"x\"}")).isEmpty();
    assertThat(DockerConfigJson.onlyAuthsHosts("{\"auths\":[]}")).isEmpty();
    assertThat(DockerConfigJson.onlyAuthsHosts("not json")).isEmpty();
  }
}
