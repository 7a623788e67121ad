package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.ecrsecret.core.ImageReference;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** An image whose pull is proven with the secret after each refresh. */
public class VerifySpec {

  @Required
  @Pattern(ImageReference.PATTERN)
  @Size(max = 255)
  @JsonPropertyDescription(
      "REPOSITORY:TAG (or @sha256:DIGEST), optionally after the registry host (one of"
          + " registries; default: the first). After each refresh the operator fetches this"
          + " image's manifest with the secret (a HEAD request, no layers) and reports the"
          + " registry's answer in the PullVerified condition.")
  private String image;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifySpec v && Objects.equals(image, v.image);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(image);
  }
}
