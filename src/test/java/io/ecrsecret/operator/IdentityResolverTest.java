package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrsecret.aws.AwsIdentity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {

  @Test
  void aStarInARoleGlobNeverCrossesASlash() {
    var globs = List.of("arn:aws:iam::123456789012:role/team-a-*");
    assertThat(IdentityResolver.matchesAny(globs, "arn:aws:iam::123456789012:role/team-a-pull"))
        .isTrue();
    assertThat(
            IdentityResolver.matchesAny(
                globs, "arn:aws:iam::123456789012:role/team-a-/platform-admin"))
        .isFalse();
  }

  @Test
  void twoStarsCrossSlashesAndOtherCharactersAreLiteral() {
    assertThat(
            IdentityResolver.matchesAny(
                List.of("arn:aws:iam::*:role/ecr/**"), "arn:aws:iam::123456789012:role/ecr/a/b"))
        .isTrue();
    assertThat(
            IdentityResolver.matchesAny(
                List.of("arn:aws:iam::123456789012:role/a.b"),
                "arn:aws:iam::123456789012:role/aXb"))
        .isFalse();
    assertThat(IdentityResolver.matchesAny(List.of(" "), "anything")).isFalse();
  }

  private static IdentityResolver resolver(boolean defaultIdentity, List<String> compatNamespaces) {
    // the rules under test read no cluster: no client
    return new IdentityResolver(
        null,
        OperatorConfig.builder()
            .defaultIdentityForNamespaced(defaultIdentity)
            .compatIdentityNamespaces(compatNamespaces)
            .build());
  }

  private static final AwsIdentity PLATFORM_KEYS =
      new AwsIdentity(
          new AwsIdentity.StaticKeys("AKIDEXAMPLE", "x", Optional.empty(), "a test"), List.of());

  @Test
  void rhMobbKindsUseThePlatformsIdentityOnlyWhereNamespacedResourcesMay() {
    Optional<String> secret = Optional.of("aws-ecr-cloud-credentials");
    // the operator lends its identity: rh-mobb's kinds use the compat Secret, as that operator did
    assertThat(resolver(true, List.of()).compat("team-a", secret, () -> PLATFORM_KEYS))
        .isSameAs(PLATFORM_KEYS);
    assertThat(resolver(true, List.of()).compat("team-a", Optional.empty(), () -> PLATFORM_KEYS))
        .isEqualTo(AwsIdentity.defaultChain());
    // it lends it to none: neither the compat Secret nor its own identity, unless listed
    for (Optional<String> compat : List.of(secret, Optional.<String>empty())) {
      assertThatThrownBy(
              () -> resolver(false, List.of()).compat("team-a", compat, () -> PLATFORM_KEYS))
          .isInstanceOf(IdentityResolver.IdentityNotAllowedException.class)
          .hasMessageContaining("--no-default-identity-for-namespaced")
          .hasMessageContaining("To allow namespace team-a")
          .hasMessageContaining("compat.identityNamespaces");
    }
    assertThat(
            resolver(false, List.of("legacy-*", "team-b"))
                .compat("legacy-apps", secret, () -> PLATFORM_KEYS))
        .isSameAs(PLATFORM_KEYS);
    assertThatThrownBy(
            () ->
                resolver(false, List.of("legacy-*", "team-b"))
                    .compat("team-a", secret, () -> PLATFORM_KEYS))
        .isInstanceOf(IdentityResolver.IdentityNotAllowedException.class)
        .hasMessageContaining("aws-ecr-cloud-credentials");
  }
}
