package io.ecrsecret.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Secret holding AWS keys. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretReference {

  @Required
  @Pattern(Validation.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Name of a Secret with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (optionally"
          + " AWS_SESSION_TOKEN).")
  private String name;

  @Pattern(Validation.DNS_LABEL)
  @JsonPropertyDescription(
      "Namespace of the Secret. Only a ClusterEcrPullSecret may name one; an EcrPullSecret uses a"
          + " Secret in its own namespace.")
  private String namespace;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }
}
