package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Which namespaces a ClusterEcrPullSecret writes into. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// a field a newer CRD has and this version does not know is ignored, not fatal: an operator
// rolled back after its CRDs were upgraded keeps serving
@JsonIgnoreProperties(ignoreUnknown = true)
public class NamespaceSelectorSpec {

  @Size(max = 256)
  @JsonPropertyDescription("Namespace names or globs ('team-*', 'app-?').")
  private List<@Pattern(Validation.NAMESPACE_PATTERN) @Size(max = 63) String> names;

  @JsonPropertyDescription("Also every namespace whose labels match.")
  private LabelSelector selector;

  @Size(max = 256)
  @JsonPropertyDescription("Leave out namespaces matching these names or globs.")
  private List<@Pattern(Validation.NAMESPACE_PATTERN) @Size(max = 63) String> exclude;

  public List<String> getNames() {
    return names;
  }

  public void setNames(List<String> names) {
    this.names = names;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public List<String> getExclude() {
    return exclude;
  }

  public void setExclude(List<String> exclude) {
    this.exclude = exclude;
  }
}
