package io.ecrsecret.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AwsFailuresTest {

  private static String chain(String webIdentity) {
    return "Unable to load credentials from any of the providers in the chain"
        + " AwsCredentialsProviderChain(...) : [EnvironmentVariableCredentialsProvider(): Unable to"
        + " load credentials from system settings., WebIdentityTokenFileCredentialsProvider(): "
        + webIdentity
        + ", ProfileCredentialsProvider(profileName=default): Profile file contained no"
        + " credentials]";
  }

  @Test
  void aTokenStsRefusedIsNamedAsSuch() {
    String reason =
        AwsFailures.webIdentityRefusal(
            chain(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity: the trust policy does"
                    + " not admit sub x (Service: Sts, Status Code: 403, Request ID: abc)"));
    assertThat(reason)
        .contains("Not authorized to perform sts:AssumeRoleWithWebIdentity", "does not admit")
        .doesNotContain("Request ID", "ProfileCredentialsProvider");
  }

  @Test
  void noWebIdentityOrNoAnswerIsNotARefusal() {
    assertThat(AwsFailures.webIdentityRefusal("Unable to load credentials: nothing")).isNull();
    assertThat(
            AwsFailures.webIdentityRefusal(
                chain("Unable to execute HTTP request: Connection refused (SDK Attempt Count: 4)")))
        .isNull();
    assertThat(
            AwsFailures.webIdentityRefusal(
                chain(
                    "Either the environment variable AWS_WEB_IDENTITY_TOKEN_FILE or the"
                        + " javaproperty aws.webIdentityTokenFile must be set.")))
        .isNull();
  }
}
