package dev.airlock;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layering of ARCHITECTURE.md honest: the root package is the hub, sub-packages form no
 * cycles, every edge between sub-packages is one the document lists, and core uses no framework.
 */
class ArchitectureTest {
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.airlock");
  private static final Pattern LISTED_EDGE = Pattern.compile("`(\\w+) → (\\w+)`");

  @Test
  void subPackagesHaveNoCycles() {
    slices().matching("dev.airlock.(*)..").should().beFreeOfCycles().check(CORE);
  }

  @Test
  void everyEdgeBetweenSubPackagesIsListedInArchitectureMd() throws IOException {
    Set<String> listed = new TreeSet<>();
    Matcher m = LISTED_EDGE.matcher(Files.readString(architectureMd()));
    while (m.find()) {
      listed.add(m.group(1) + " → " + m.group(2));
    }
    Set<String> actual = new TreeSet<>();
    for (JavaClass origin : CORE) {
      for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
        String from = subPackage(origin.getPackageName());
        String to = subPackage(dependency.getTargetClass().getPackageName());
        if (from != null && to != null && !from.equals(to)) {
          actual.add(from + " → " + to);
        }
      }
    }

    assertThat(listed).as("edges listed in ARCHITECTURE.md").isNotEmpty();
    assertThat(actual).as("edges between sub-packages of dev.airlock").isSubsetOf(listed);
  }

  @Test
  void coreDependsOnNoFramework() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "org.springframework..", "dev.langchain4j..", "jakarta..", "javax.servlet..",
            "org.junit..", "net.jqwik..")
        .check(CORE);
  }

  @Test
  void jsqlParserStaysInTheSqlPackage() {
    noClasses().that().resideOutsideOfPackage("dev.airlock.sql..")
        .should().dependOnClassesThat().resideInAPackage("net.sf.jsqlparser..")
        .allowEmptyShould(true)
        .check(CORE);
  }

  /** The sub-package of dev.airlock a package belongs to, or null for the root and others. */
  private static String subPackage(String packageName) {
    if (!packageName.startsWith("dev.airlock.")) {
      return null;
    }
    String rest = packageName.substring("dev.airlock.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static Path architectureMd() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("ARCHITECTURE.md");
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("ARCHITECTURE.md not found above " + Path.of("").toAbsolutePath());
  }
}
