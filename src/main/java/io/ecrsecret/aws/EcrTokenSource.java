package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;

/** Where ECR registry credentials come from. */
public interface EcrTokenSource {

  /**
   * Registry credentials for every private registry in {@code region} that {@code identity} may
   * read, in any account.
   *
   * @throws AwsAccessException when AWS cannot be asked or says no
   */
  RegistryCredentials token(AwsIdentity identity, String region);
}
