package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTextTest {

  private static final Map<String, String> TEAM_A_DEV = Map.of("team", "a", "env", "dev");

  @Test
  void equalityAndInequality() {
    assertThat(LabelSelectorText.parse("team=a").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("team==a").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("team=b").matches(TEAM_A_DEV)).isFalse();
    assertThat(LabelSelectorText.parse("team!=b").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("owner!=b").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("team=a,env=prod").matches(TEAM_A_DEV)).isFalse();
  }

  @Test
  void setsAndExistence() {
    assertThat(LabelSelectorText.parse("env in (dev,test)").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("env in (prod, test)").matches(TEAM_A_DEV)).isFalse();
    assertThat(LabelSelectorText.parse("env notin (prod,test),team").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("owner in (x)").matches(TEAM_A_DEV)).isFalse();
    assertThat(LabelSelectorText.parse("owner notin (x)").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("!owner").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("!team").matches(TEAM_A_DEV)).isFalse();
    assertThat(LabelSelectorText.parse("example.com/tier").matches(Map.of("example.com/tier", "")))
        .isTrue();
  }

  @Test
  void emptyMatchesEverythingAndNullLabelsAreNoLabels() {
    assertThat(LabelSelectorText.parse("").matches(TEAM_A_DEV)).isTrue();
    assertThat(LabelSelectorText.parse("").matches(null)).isTrue();
    assertThat(LabelSelectorText.parse("team").matches(null)).isFalse();
    assertThat(LabelSelectorText.parse("!team").matches(null)).isTrue();
  }

  @Test
  void refusesWhatIsNotARequirement() {
    assertThatThrownBy(() -> LabelSelectorText.parse("team=a,bad key!!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad key!!' is not a requirement");
  }
}
