package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisplayTextTest {

  @Test
  void lineBreaksCannotForgeALogLineAndLongValuesAreCut() {
    assertThat(DisplayText.clean("AKIA\r\nX-Evil: 1", 64)).isEqualTo("AKIA  X-Evil: 1");
    String huge = "A".repeat(1_000_000);
    assertThat(DisplayText.clean(huge, 64)).hasSize(67).endsWith("...");
    assertThat(DisplayText.clean(null, 10)).isEmpty();
  }

  @Test
  void aNulByteAndAUrlsUserInfoNeverReachAMessage() {
    assertThat(DisplayText.clean("arn:aws:iam::1:role/a\u0000b", 64))
        .isEqualTo("arn:aws:iam::1:role/a b");
    assertThat(
            DisplayText.clean(
                "spec.url: oci://user:pa55w0rd@123.dkr.ecr.us-east-1.amazonaws.com/charts is not"
                    + " an ECR registry; also https://token@example.com/x",
                1024))
        .doesNotContain("pa55w0rd", "user:", "token@")
        .contains(
            "oci://[redacted]@123.dkr.ecr.us-east-1.amazonaws.com/charts",
            "https://[redacted]@example.com/x");
    assertThat(DisplayText.clean("mail me: a@b.c, see https://host/path@v1", 64))
        .isEqualTo("mail me: a@b.c, see https://host/path@v1");
  }

  @Test
  void anAwsMessageLosesTheSignedRequestItEchoes() {
    String echoed =
        "The request signature we calculated does not match the signature you provided. The"
            + " Canonical String for this request should have been 'POST / authorization:"
            + " AWS4-HMAC-SHA256 Credential=AKIA/20261201/us-east-1/ecr/aws4_request,"
            + " Signature=abcdef0123'";
    String shown = DisplayText.awsMessage(echoed);
    assertThat(shown)
        .startsWith("The request signature we calculated does not match")
        .doesNotContain("Signature=", "Credential=", "abcdef0123", "authorization")
        .endsWith("[request details left out]");
    String denied =
        "User: x is not authorized to perform: ecr:GetAuthorizationToken on resource: *";
    assertThat(DisplayText.awsMessage(denied)).isEqualTo(denied);
  }
}
