package io.ecrsecret.operator.compat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.ecrsecret.operator.api.PullSecretStatus;

/** Status of rh-mobb's kinds: theirs ({@code phase}, {@code lastUpdatedTime}) and ours. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompatStatus extends PullSecretStatus {

  @JsonPropertyDescription(
      "Updated when the secret holds a fresh token, Error otherwise (as the"
          + " ecr-secret-operator of rh-mobb reported it).")
  private String phase;

  @JsonPropertyDescription("When the secret was last written with a new token.")
  private String lastUpdatedTime;

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getLastUpdatedTime() {
    return lastUpdatedTime;
  }

  public void setLastUpdatedTime(String lastUpdatedTime) {
    this.lastUpdatedTime = lastUpdatedTime;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompatStatus c
        && super.equals(o)
        && java.util.Objects.equals(phase, c.phase)
        && java.util.Objects.equals(lastUpdatedTime, c.lastUpdatedTime);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(super.hashCode(), phase, lastUpdatedTime);
  }
}
