package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
import java.time.Duration;

/** Where ECR registry credentials come from. */
public interface EcrTokenSource {

  /**
   * Registry credentials for every private registry in {@code region} that {@code identity} may
   * read, in any account, valid for at least {@code validFor} from now where AWS allows it.
   *
   * @throws AwsAccessException when AWS cannot be asked or says no
   */
  RegistryCredentials token(AwsIdentity identity, String region, Duration validFor);
}
