package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamespacePatternTest {

  @Test
  void globsMatchNamespaceNames() {
    var pattern = new NamespacePattern("team-*");
    assertThat(pattern.isLiteral()).isFalse();
    assertThat(pattern.matches("team-a")).isTrue();
    assertThat(pattern.matches("team-")).isTrue();
    assertThat(pattern.matches("other-team-a")).isFalse();
    assertThat(new NamespacePattern("app-?").matches("app-1")).isTrue();
    assertThat(new NamespacePattern("app-?").matches("app-10")).isFalse();
  }

  @Test
  void aLiteralMatchesItselfOnly() {
    var pattern = new NamespacePattern("prod");
    assertThat(pattern.isLiteral()).isTrue();
    assertThat(pattern.matches("prod")).isTrue();
    assertThat(pattern.matches("prod2")).isFalse();
    assertThat(
            NamespacePattern.anyMatches(List.of(pattern, new NamespacePattern("dev-*")), "dev-x"))
        .isTrue();
  }

  @Test
  void rejectsWhatCannotBeANamespace() {
    assertThatThrownBy(() -> new NamespacePattern("Team_A")).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> new NamespacePattern("")).hasMessageContaining("not a namespace");
  }
}
