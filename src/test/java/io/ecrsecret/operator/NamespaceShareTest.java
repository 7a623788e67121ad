package io.ecrsecret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespaceShareTest {

  @Test
  void aNamespaceHoldsAtMostItsShareAndOthersAreNotHeldUp() {
    var share = NamespaceShare.of(8);
    var first = share.tryEnter("flood").orElseThrow();
    var second = share.tryEnter("flood").orElseThrow();
    assertThat(share.tryEnter("flood")).as("a quarter of 8 threads: 2").isEmpty();
    var other = share.tryEnter("team-b");
    assertThat(other).as("another namespace is served at once").isPresent();
    first.close();
    var again = share.tryEnter("flood");
    assertThat(again).as("a place given back is taken again").isPresent();
    second.close();
    again.get().close();
    other.get().close();
    assertThat(share.namespacesInFlight()).as("nothing kept for idle namespaces").isZero();
  }

  @Test
  void fewThreadsStillLeaveEachNamespaceOne() {
    var share = NamespaceShare.of(2);
    var slot = share.tryEnter("a");
    assertThat(slot).isPresent();
    assertThat(share.tryEnter("a")).isEmpty();
    assertThat(share.tryEnter("")).as("cluster-scoped resources have their own share").isPresent();
  }
}
