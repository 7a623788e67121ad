package io.ecrsecret.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option can come from the environment, for CronJobs and pipelines: {@code --secret-name}
 * from {@code ECR_SECRET_NAME}, {@code --namespace} from {@code ECR_NAMESPACE} (lists
 * comma-separated). The command line wins over the environment.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

  static final String PREFIX = "ECR_";

  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = environment;
  }

  static String variableFor(OptionSpec option) {
    return PREFIX
        + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String value = environment.get(variableFor(option));
    return value == null || value.isBlank() ? null : value;
  }
}
