package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnnouncementsTest {

  private final Announcements announcements = new Announcements();

  private static Optional<Condition> ready(String status, String reason, String message) {
    return Optional.of(
        new ConditionBuilder()
            .withType("Ready")
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .build());
  }

  @Test
  void aChangeIsAnnouncedOnceEvenWhenTheStatusStillShowsTheOldState() {
    var before = ready("True", "SecretReady", "ok");
    assertThat(announcements.isNew("u", "Ready", before, false, "AccessDenied", "AWS denied"))
        .isTrue();
    // the status patch was refused as stale: the next pass sees the old status again
    assertThat(announcements.isNew("u", "Ready", before, false, "AccessDenied", "AWS denied"))
        .isFalse();
    // once written, nothing more to say
    assertThat(
            announcements.isNew(
                "u",
                "Ready",
                ready("False", "AccessDenied", "AWS denied"),
                false,
                "AccessDenied",
                "AWS denied"))
        .isFalse();
  }

  @Test
  void aNewFailureMessageIsNewButAReadyMessageIsNot() {
    assertThat(announcements.isNew("u", "Ready", Optional.empty(), true, "SecretReady", "a"))
        .isTrue();
    assertThat(
            announcements.isNew(
                "u", "Ready", ready("True", "SecretReady", "a"), true, "SecretReady", "b"))
        .as("a Ready message changes with every expiry; it is not news")
        .isFalse();
    assertThat(
            announcements.isNew(
                "u", "Ready", ready("False", "Throttled", "x"), false, "Throttled", "y"))
        .isTrue();
  }

  @Test
  void conditionsAndResourcesAreTrackedApartAndForgotten() {
    assertThat(announcements.isNew("u", "Ready", Optional.empty(), true, "SecretReady", "m"))
        .isTrue();
    assertThat(
            announcements.isNew(
                "u", "ServiceAccountsLinked", Optional.empty(), true, "SecretReady", "m"))
        .isTrue();
    assertThat(announcements.isNew("v", "Ready", Optional.empty(), true, "SecretReady", "m"))
        .isTrue();
    announcements.forget("u");
    assertThat(announcements.isNew("u", "Ready", Optional.empty(), true, "SecretReady", "m"))
        .isTrue();
  }
}
