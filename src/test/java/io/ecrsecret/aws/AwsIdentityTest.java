package io.ecrsecret.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsIdentityTest {

  private static AwsIdentity keys(String id, String secret) {
    return new AwsIdentity(
        new AwsIdentity.StaticKeys(id, secret, Optional.empty(), "test"), List.of());
  }

  @Test
  void identitiesWhoseSecretsCollideAsJavaHashesStayApart() {
    // "Aa" and "BB" have the same String.hashCode: a 32-bit hash would call them one identity
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    assertThat(keys("AKIAEXAMPLE", "secretAa").cacheKey())
        .isNotEqualTo(keys("AKIAEXAMPLE", "secretBB").cacheKey());
  }

  @Test
  void theKeyNamesTheAccessKeyIdAndNeverHoldsTheSecret() {
    String key = keys("AKIAEXAMPLE", "wJalrXUtnFEMI").cacheKey();
    assertThat(key).startsWith("static:AKIAEXAMPLE:").doesNotContain("wJalrXUtnFEMI");
    assertThat(keys("AKIAEXAMPLE", "wJalrXUtnFEMI").cacheKey()).isEqualTo(key);
  }

  @Test
  void everyPartOfARoleHopCounts() {
    var base = AwsIdentity.defaultChain();
    var hop =
        new AwsIdentity.RoleHop(
            "arn:aws:iam::123456789012:role/a", Optional.of("x"), "s1", Duration.ofHours(1));
    var otherExternalId =
        new AwsIdentity.RoleHop(
            "arn:aws:iam::123456789012:role/a", Optional.of("y"), "s1", Duration.ofHours(1));
    var otherSession =
        new AwsIdentity.RoleHop(
            "arn:aws:iam::123456789012:role/a", Optional.of("x"), "s2", Duration.ofHours(1));
    assertThat(base.thenAssume(hop).cacheKey())
        .isNotEqualTo(base.thenAssume(otherExternalId).cacheKey())
        .isNotEqualTo(base.thenAssume(otherSession).cacheKey())
        .isNotEqualTo(base.cacheKey());
  }

  @Test
  void aServiceAccountIsOneIdentityPerAccountUidAndRoleAndNeverShowsItsToken() {
    var tokensAsked = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Function<String, AwsIdentity> account =
        uid ->
            new AwsIdentity(
                new AwsIdentity.ServiceAccountToken(
                    "team-a",
                    "puller",
                    uid,
                    "arn:aws:iam::123456789012:role/team-a-pull",
                    "sts.amazonaws.com",
                    "ecr-secret-operator",
                    () -> "eyJ.token-" + tokensAsked.incrementAndGet()),
                java.util.List.of());
    assertThat(account.apply("uid-1")).isEqualTo(account.apply("uid-1"));
    assertThat(account.apply("uid-1").cacheKey())
        .isEqualTo(account.apply("uid-1").cacheKey())
        .isNotEqualTo(account.apply("uid-2").cacheKey())
        .startsWith("service-account:team-a/puller:");
    assertThat(account.apply("uid-1").describe())
        .contains("service account team-a/puller", "role/team-a-pull")
        .doesNotContain("eyJ");
    assertThat(tokensAsked).as("no token asked for by comparing or describing").hasValue(0);
  }
}
