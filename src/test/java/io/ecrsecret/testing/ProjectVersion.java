package io.ecrsecret.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The project's version as the pom sets it: the one place it is written by hand. */
public final class ProjectVersion {

  private static final Pattern VERSION =
      Pattern.compile("<artifactId>ecr-secret-operator</artifactId>\\s*<version>([^<]+)</version>");

  private ProjectVersion() {}

  public static String fromPom() {
    try {
      var m = VERSION.matcher(Files.readString(Path.of("pom.xml")));
      if (!m.find()) {
        throw new IllegalStateException("no project version in pom.xml");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
