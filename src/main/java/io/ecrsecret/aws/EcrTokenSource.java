package io.ecrsecret.aws;

import io.ecrsecret.core.RegistryCredentials;
import io.ecrsecret.core.TokenScope;
import java.time.Duration;

/** Where ECR registry credentials come from. */
public interface EcrTokenSource {

  /**
   * Registry credentials for what {@code scope} covers (every private registry of a region that
   * {@code identity} may read, in any account; or ECR Public), valid for at least {@code validFor}
   * from now where AWS allows it.
   *
   * @throws AwsAccessException when AWS cannot be asked or says no
   */
  RegistryCredentials token(AwsIdentity identity, TokenScope scope, Duration validFor);
}
