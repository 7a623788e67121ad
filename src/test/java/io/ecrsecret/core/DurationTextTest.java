package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void parsesGoAndIsoForms() {
    assertThat(DurationText.parse("10h")).isEqualTo(Duration.ofHours(10));
    assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationText.parse("10h0m0s")).isEqualTo(Duration.ofHours(10));
    assertThat(DurationText.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationText.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
    assertThat(DurationText.parse("PT2H")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void rejectsWhatIsNotADurationAndSaysHowToWriteIt() {
    for (String bad : new String[] {"", "ten hours", "10", "5d", "h", "PTX"}) {
      assertThatThrownBy(() -> DurationText.parse(bad)).hasMessageContaining("10h");
    }
  }

  @Test
  void aDurationTooLongToHoldIsAnErrorNotAnOverflow() {
    assertThatThrownBy(() -> DurationText.parse("9999999999999999h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long a duration");
    assertThatThrownBy(() -> DurationText.parse("99999999999999999999999h"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsForPeople() {
    assertThat(DurationText.format(Duration.ofMinutes(719))).isEqualTo("11h 59m");
    assertThat(DurationText.format(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(DurationText.format(Duration.ofMinutes(-3))).isEqualTo("-3m 0s");
  }
}
