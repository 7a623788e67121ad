package io.ecrsecret.aws;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who the default AWS identity is ({@code sts:GetCallerIdentity}), for commands that print
 * documents naming it. Failures say what AWS said, as every call of ours does ({@link
 * AwsFailures}).
 *
 * @param account the 12-digit account ID
 * @param arn the caller's ARN (an assumed-role session's, for a role)
 */
public record CallerIdentity(String account, String arn) {

  /**
   * @throws AwsAccessException if AWS cannot be asked, or refuses
   */
  public static CallerIdentity ofDefaultChain() {
    AwsIdentity identity = AwsIdentity.defaultChain();
    try (var http = UrlConnectionHttpClient.create();
        StsClient sts = StsClient.builder().httpClient(http).build()) {
      GetCallerIdentityResponse answer = sts.getCallerIdentity();
      return new CallerIdentity(answer.account(), answer.arn());
    } catch (RuntimeException e) {
      throw AwsFailures.explain(e, identity, "the default region", "sts:GetCallerIdentity");
    }
  }
}
