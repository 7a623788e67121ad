package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
