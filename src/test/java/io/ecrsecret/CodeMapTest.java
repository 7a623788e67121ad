package io.ecrsecret;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's code map is true: each package of {@code src/main/java/io/ecrsecret} uses (imports,
 * or names in full) only the packages and libraries its row allows. Comments are not code.
 */
class CodeMapTest {

  private static final Path SOURCES = Path.of("src/main/java/io/ecrsecret");

  /** What a "may import" entry of the map names, as package prefixes. */
  private static final Map<String, List<String>> LIBRARIES =
      Map.of(
          "the JDK", List.of("java.", "javax."),
          "Jackson", List.of("com.fasterxml.jackson."),
          "the AWS SDK", List.of("software.amazon.awssdk."),
          "fabric8", List.of("io.fabric8."),
          "the Java Operator SDK", List.of("io.javaoperatorsdk."),
          "Micrometer", List.of("io.micrometer."),
          "picocli", List.of("picocli."),
          "SLF4J", List.of("org.slf4j."),
          "logback", List.of("ch.qos.logback."));

  /** Every prefix this test checks; anything else (the JDK) is free. */
  private static final Pattern USED =
      Pattern.compile(
          "\\b(io\\.ecrsecret\\.[a-z]+\\.|com\\.fasterxml\\.jackson\\.|software\\.amazon\\.awssdk\\."
              + "|io\\.fabric8\\.|io\\.javaoperatorsdk\\.|io\\.micrometer\\.|picocli\\.|org\\.slf4j\\."
              + "|ch\\.qos\\.logback\\.)");

  @Test
  void everyPackageUsesOnlyWhatTheReadmeAllowsIt() throws IOException {
    Map<String, Set<String>> allowed = readMap();
    assertThat(packages())
        .as("every package has its row in the README's code map")
        .isSubsetOf(allowed.keySet());
    var violations = new TreeSet<String>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = SOURCES.relativize(file).getName(0).toString();
        for (String used : used(file)) {
          boolean own = used.equals("io.ecrsecret." + pkg + ".");
          if (!own && allowed.get(pkg).stream().noneMatch(used::startsWith)) {
            violations.add(pkg + " uses " + used + " (" + SOURCES.relativize(file) + ")");
          }
        }
      }
    }
    assertThat(violations).as("uses the README's code map does not allow").isEmpty();
  }

  private static Set<String> packages() throws IOException {
    try (Stream<Path> dirs = Files.list(SOURCES)) {
      return new TreeSet<>(
          dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList());
    }
  }

  /** Package to the prefixes it may use, from the README's table; SLF4J is everyone's. */
  private static Map<String, Set<String>> readMap() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int header = lines.indexOf("| package | what lives there | may import |");
    assertThat(header).as("the README has its code map").isNotNegative();
    var map = new LinkedHashMap<String, Set<String>>();
    var above = new LinkedHashSet<String>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.split("\\|");
      String pkg = cells[1].trim().replace("`", "");
      var prefixes = new LinkedHashSet<String>(LIBRARIES.get("SLF4J"));
      // remarks in parentheses say why; the names are what counts
      for (String entry : cells[3].replaceAll("\\([^)]*\\)", "").split(",")) {
        String name = entry.trim().replace("`", "");
        if (name.equals("all the above")) {
          prefixes.addAll(above);
        } else if (LIBRARIES.containsKey(name)) {
          prefixes.addAll(LIBRARIES.get(name));
        } else {
          assertThat(map).as("'" + name + "' in the row of " + pkg).containsKey(name);
          prefixes.add("io.ecrsecret." + name + ".");
        }
      }
      map.put(pkg, prefixes);
      above.add("io.ecrsecret." + pkg + ".");
      above.addAll(prefixes);
    }
    return map;
  }

  /** The prefixes a source file uses in its code (imports and names in full), comments aside. */
  private static Set<String> used(Path file) throws IOException {
    String code =
        Files.readString(file)
            .replaceAll("(?s)/\\*.*?\\*/", "")
            .replaceAll("(?m)//.*$", "")
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    var used = new ArrayList<String>();
    var matcher = USED.matcher(code);
    while (matcher.find()) {
      used.add(matcher.group(1));
    }
    return new TreeSet<>(used);
  }
}
