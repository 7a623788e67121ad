package io.ecrsecret.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryRefTest {

  @Test
  void parsesAStandardHost() {
    var ref = RegistryRef.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com");
    assertThat(ref.region()).isEqualTo("us-east-1");
    assertThat(ref.kind()).isEqualTo(RegistryRef.Kind.PRIVATE);
    assertThat(ref.host()).isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com");
  }

  @Test
  void acceptsUrlsRepositoryPathsAndUpperCase() {
    assertThat(
            RegistryRef.parse("https://123456789012.DKR.ecr.eu-west-2.amazonaws.com/team/app:1.0"))
        .isEqualTo(RegistryRef.parse("123456789012.dkr.ecr.eu-west-2.amazonaws.com"));
  }

  @Test
  void parsesFipsChinaGovCloudAndPublic() {
    var fips = RegistryRef.parse("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com");
    assertThat(fips.kind()).isEqualTo(RegistryRef.Kind.PRIVATE);
    assertThat(fips.region()).isEqualTo("us-gov-west-1");
    var china = RegistryRef.parse("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
    assertThat(china.region()).isEqualTo("cn-north-1");
    var pub = RegistryRef.parse("public.ecr.aws");
    assertThat(pub.isPublic()).isTrue();
    assertThat(pub.region()).isEqualTo("us-east-1");
  }

  @Test
  void parsesTheDualStackNamesUnderTheNameGiven() {
    var dual = RegistryRef.parse("123456789012.dkr-ecr.us-east-1.on.aws");
    assertThat(dual.kind()).isEqualTo(RegistryRef.Kind.PRIVATE);
    assertThat(dual.region()).isEqualTo("us-east-1");
    assertThat(dual.host()).isEqualTo("123456789012.dkr-ecr.us-east-1.on.aws");
    assertThat(RegistryRef.parse("123456789012.dkr-ecr-fips.us-gov-west-1.on.aws").region())
        .isEqualTo("us-gov-west-1");
    assertThatThrownBy(() -> RegistryRef.parse("123456789012.dkr-ecr.cn-north-1.on.aws"))
        .hasMessageContaining("no dual-stack registry name under on.aws");
    assertThatThrownBy(() -> RegistryRef.parse("123456789012.dkr.ecr.us-east-1.on.aws"))
        .hasMessageContaining("dual-stack name ACCOUNT.dkr-ecr.REGION.on.aws");
  }

  @Test
  void accountAndRegionMakeTheRightHostPerPartition() {
    assertThat(RegistryRef.of("123456789012", "us-west-2").host())
        .isEqualTo("123456789012.dkr.ecr.us-west-2.amazonaws.com");
    assertThat(RegistryRef.of("123456789012", "cn-northwest-1").host())
        .isEqualTo("123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn");
    assertThat(RegistryRef.parse("123456789012:ap-south-1"))
        .isEqualTo(RegistryRef.of("123456789012", "ap-south-1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "docker.io",
        "quay.io/org/app",
        "12345.dkr.ecr.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.useast1.amazonaws.com",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com",
        "123456789012.dkr.ecr.us-east-1.example.com"
      })
  void rejectsWhatIsNotAnEcrRegistryWithAMessageThatSaysWhatIsExpected(String text) {
    assertThatThrownBy(() -> RegistryRef.parse(text))
        .isInstanceOf(InvalidRegistryException.class)
        .hasMessageFindingMatch("expected|region|account|partition|amazonaws.com.cn");
  }

  @Test
  void rejectsABadAccountOrRegion() {
    assertThatThrownBy(() -> RegistryRef.of("12", "us-east-1")).hasMessageContaining("12-digit");
    assertThatThrownBy(() -> RegistryRef.of("123456789012", "moon-1"))
        .hasMessageContaining("region");
  }
}
