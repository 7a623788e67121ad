package io.ecrsecret.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecrsecret.core.RefreshPolicy;
import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.TokenScope;
import io.ecrsecret.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
  private final RefreshPolicy policy = RefreshPolicy.DEFAULT.withMargin(Duration.ofHours(2));

  /** Hands out numbered tokens that expire after {@code validity}, counting requests. */
  private final class CountingSource implements EcrTokenSource {
    final AtomicInteger calls = new AtomicInteger();
    volatile Duration validity = Duration.ofHours(12);
    volatile RuntimeException failure;
    volatile CountDownLatch gate;

    @Override
    public RegistryCredentials token(AwsIdentity identity, TokenScope scope, Duration validFor) {
      int n = calls.incrementAndGet();
      if (gate != null) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return new RegistryCredentials(
          "AWS", scope.key() + "-token-" + n, Optional.of(clock.instant().plus(validity)));
    }
  }

  private final CountingSource source = new CountingSource();
  private final TokenCache cache = new TokenCache(source, clock, policy.minimumInterval());
  private final AwsIdentity identity = AwsIdentity.defaultChain();

  @Test
  void oneRequestPerIdentityAndRegionUntilTheTokenIsDue() {
    for (int i = 0; i < 100; i++) {
      cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin());
    }
    cache.token(identity, TokenScope.privateIn("eu-west-1"), policy.margin());
    assertThat(source.calls).hasValue(2);
    // ECR Public's token is asked in us-east-1 too, but is an entry of its own
    assertThat(cache.token(identity, TokenScope.ecrPublicScope(), policy.margin()).password())
        .isEqualTo("ecr-public-token-3");
    cache.token(identity, TokenScope.ecrPublicScope(), policy.margin());
    assertThat(source.calls).hasValue(3);

    clock.advance(Duration.ofHours(9)); // 3h left, margin 2h: still fine
    assertThat(cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()).password())
        .isEqualTo("us-east-1-token-1");
    clock.advance(Duration.ofHours(1).plusSeconds(1)); // inside the margin: due
    assertThat(cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()).password())
        .isEqualTo("us-east-1-token-4");
  }

  @Test
  void aCallerThatNeedsTheTokenLongerGetsANewOneWhichOthersThenShare() {
    cache.token(identity, TokenScope.privateIn("us-east-1"), Duration.ofHours(2));
    clock.advance(Duration.ofHours(8)); // 4h left
    assertThat(
            cache
                .token(identity, TokenScope.privateIn("us-east-1"), Duration.ofHours(2))
                .password())
        .endsWith("-1");
    assertThat(
            cache
                .token(identity, TokenScope.privateIn("us-east-1"), Duration.ofHours(5))
                .password())
        .endsWith("-2");
    assertThat(
            cache
                .token(identity, TokenScope.privateIn("us-east-1"), Duration.ofHours(2))
                .password())
        .endsWith("-2");
    assertThat(source.calls).hasValue(2);
  }

  @Test
  void differentIdentitiesDoNotShareTokens() {
    var role =
        identity.thenAssume(
            new AwsIdentity.RoleHop(
                "arn:aws:iam::111111111111:role/pull",
                Optional.of("x"),
                "s1",
                Duration.ofHours(1)));
    cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin());
    cache.token(role, TokenScope.privateIn("us-east-1"), policy.margin());
    assertThat(source.calls).hasValue(2);
  }

  @Test
  void concurrentCallersWaitForTheOneRequestUnderWay() throws Exception {
    source.gate = new CountDownLatch(1);
    var pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RegistryCredentials>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin())));
      }
      // every caller is in: one inside the source, held at the gate, the seven others waiting
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () ->
                  source.calls.get() == 1
                      && ((java.util.concurrent.ThreadPoolExecutor) pool).getActiveCount() == 8);
      source.gate.countDown();
      for (var result : results) {
        assertThat(result.get().password()).isEqualTo("us-east-1-token-1");
      }
      assertThat(source.calls).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anExpiredTokenIsReusedForTheMinimumIntervalNotFetchedInALoop() {
    source.validity = Duration.ofHours(-1);
    for (int i = 0; i < 50; i++) {
      cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin());
    }
    assertThat(source.calls).hasValue(1);
    clock.advance(policy.minimumInterval());
    cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin());
    assertThat(source.calls).hasValue(2);
  }

  @Test
  void aFailureIsSharedForABackoffThatDoublesAndASuccessEndsIt() {
    source.failure = new AwsAccessException(AwsAccessException.Kind.THROTTLED, "throttled");
    for (int i = 0; i < 50; i++) {
      // fifty resources of one identity: one call, the others share its failure
      assertThatThrownBy(
              () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()))
          .hasMessage("throttled");
    }
    assertThat(source.calls).hasValue(1);
    clock.advance(TokenCache.FIRST_BACKOFF);
    assertThatThrownBy(
        () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()));
    assertThat(source.calls).as("asked again once the backoff is over").hasValue(2);
    clock.advance(TokenCache.FIRST_BACKOFF);
    assertThatThrownBy(
        () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()));
    assertThat(source.calls).as("the second backoff is twice the first").hasValue(2);
    clock.advance(TokenCache.FIRST_BACKOFF);
    source.failure = null;
    assertThat(cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()).password())
        .isEqualTo("us-east-1-token-3");
    // another region of the same identity has its own schedule
    assertThat(cache.token(identity, TokenScope.privateIn("eu-west-1"), policy.margin()))
        .isNotNull();
    // after a success, the next failure backs off from the first step again
    source.failure = new AwsAccessException(AwsAccessException.Kind.THROTTLED, "throttled");
    clock.advance(Duration.ofHours(11));
    assertThatThrownBy(
        () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()));
    int calls = source.calls.get();
    clock.advance(TokenCache.FIRST_BACKOFF);
    assertThatThrownBy(
        () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()));
    assertThat(source.calls).hasValue(calls + 1);
  }

  @Test
  void theBackoffStopsAtItsCeiling() {
    source.failure = new AwsAccessException(AwsAccessException.Kind.UNREACHABLE, "down");
    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(
          () -> cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin()));
      clock.advance(TokenCache.MAX_BACKOFF);
    }
    assertThat(source.calls).as("asked once per ceiling at worst").hasValue(20);
  }

  @Test
  void expiredTokensOfManyIdentitiesAreNotKept() {
    for (int i = 0; i < TokenCache.TIDY_ABOVE + 50; i++) {
      var keys =
          new AwsIdentity.StaticKeys("AKIAEXAMPLE" + i, "secret-" + i, Optional.empty(), "test");
      cache.token(
          new AwsIdentity(keys, java.util.List.of()),
          TokenScope.privateIn("us-east-1"),
          policy.margin());
    }
    assertThat(cache.size()).isEqualTo(TokenCache.TIDY_ABOVE + 50);
    clock.advance(Duration.ofHours(13)); // every token has expired
    cache.token(identity, TokenScope.privateIn("us-east-1"), policy.margin());
    assertThat(cache.size()).isEqualTo(1);
  }
}
