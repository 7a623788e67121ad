package io.ecrsecret.operator.compat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.ecrsecret.operator.api.PullSecretSpec;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * rh-mobb's ecr-secret-operator's {@code ecr.mobb.redhat.com/v1alpha1} {@code Secret}, served
 * unchanged: a docker config secret named {@code generated_secret_name} for {@code ecr_registry},
 * with a token of {@code region}.
 */
@Group("ecr.mobb.redhat.com")
@Version("v1alpha1")
@Kind("Secret")
@Plural("secrets")
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Expires",
    jsonPath = ".status.tokenExpiresAt",
    type = AdditionalPrinterColumn.Type.STRING)
public class MobbSecret extends CustomResource<MobbSecret.Spec, CompatStatus>
    implements Namespaced {

  /** The fields rh-mobb's ecr-secret-operator defined, under their names. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // a field a newer CRD has and this version does not know is ignored, not fatal: an operator
  // rolled back after its CRDs were upgraded keeps serving
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Spec {
    @Required
    @Size(min = 1, max = 253)
    @JsonProperty("generated_secret_name")
    @JsonPropertyDescription("Name of the docker config secret to create in this namespace.")
    private String generatedSecretName;

    @Required
    @Size(min = 1, max = 300)
    @JsonProperty("ecr_registry")
    @JsonPropertyDescription(
        "The registry host, e.g. 123456789012.dkr.ecr.us-east-2.amazonaws.com.")
    private String ecrRegistry;

    @Size(max = 30)
    @JsonPropertyDescription("AWS region of the registry. Default: the one in ecr_registry.")
    private String region;

    @JsonPropertyDescription(
        "How often the old operator refreshed, e.g. 10h. Accepted; the refresh is timed from the"
            + " token's own expiry, and happens at least this often.")
    private String frequency;

    @Default("Retain")
    @JsonPropertyDescription(
        "What deleting this resource does to its secret. Retain (the default, as rh-mobb's"
            + " operator did): it stays, no longer managed. Delete: it is deleted.")
    private PullSecretSpec.DeletionPolicy deletionPolicy = PullSecretSpec.DeletionPolicy.RETAIN;

    public String getGeneratedSecretName() {
      return generatedSecretName;
    }

    public void setGeneratedSecretName(String generatedSecretName) {
      this.generatedSecretName = generatedSecretName;
    }

    public String getEcrRegistry() {
      return ecrRegistry;
    }

    public void setEcrRegistry(String ecrRegistry) {
      this.ecrRegistry = ecrRegistry;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public PullSecretSpec.DeletionPolicy getDeletionPolicy() {
      return deletionPolicy;
    }

    public void setDeletionPolicy(PullSecretSpec.DeletionPolicy deletionPolicy) {
      this.deletionPolicy = deletionPolicy;
    }

    public String getFrequency() {
      return frequency;
    }

    public void setFrequency(String frequency) {
      this.frequency = frequency;
    }
  }
}
