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
