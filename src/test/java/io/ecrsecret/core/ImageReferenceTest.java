package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  @Test
  void readsRepositoryTagDigestAndHost() {
    assertThat(ImageReference.parse("team/app:1.0"))
        .isEqualTo(new ImageReference(Optional.empty(), "team/app", "1.0"));
    assertThat(ImageReference.parse("app"))
        .isEqualTo(new ImageReference(Optional.empty(), "app", "latest"));
    String digest = "sha256:" + "a".repeat(64);
    var pinned =
        ImageReference.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@" + digest);
    assertThat(pinned.host()).contains("123456789012.dkr.ecr.us-east-1.amazonaws.com");
    assertThat(pinned.reference()).isEqualTo(digest);
    assertThat(pinned.toString()).endsWith("team/app@" + digest);
    assertThat(ImageReference.parse("127.0.0.1:5000/sandbox/hello:latest").host())
        .contains("127.0.0.1:5000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Team/App:1", "app:bad tag", "app@sha256:zz", "/app"})
  void refusesWhatIsNotAnImageReference(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSchemaPatternAgreesWithTheParser() {
    var schema = Pattern.compile(ImageReference.PATTERN);
    for (String ok :
        new String[] {"team/app:1.0", "app", "h.example/app@sha256:" + "b".repeat(64)}) {
      assertThat(schema.matcher(ok).matches()).as(ok).isTrue();
      ImageReference.parse(ok);
    }
    for (String bad : new String[] {"Team/App", "app:", "app:bad tag"}) {
      assertThat(schema.matcher(bad).matches()).as(bad).isFalse();
    }
  }
}
