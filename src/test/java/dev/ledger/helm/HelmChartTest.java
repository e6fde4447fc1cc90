package dev.ledger.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code helm/ledger}, checked without a cluster: Helm 3 itself (helm-java's
 * native library) lints and renders it, and every rendered document is parsed with the
 * Kubernetes model, which rejects unknown fields at any depth.
 */
class HelmChartTest {

    static final Path CHART = Path.of("helm", "ledger").toAbsolutePath();
    /** helm-java renders for Kubernetes 1.20 unless told otherwise; the chart needs 1.23+. */
    static final String KUBE_VERSION = "1.30.0";
    static final String BOOTSTRAP = "broker-1.kafka:9092,broker-2.kafka:9092";
    static final String ISSUER = "https://id.example.com/realms/bank";

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Strict parsers (generated {@code fromJson}: unknown fields and missing required fields fail). */
    static final Map<String, Parser> PARSERS = Map.of(
            "v1/ServiceAccount", V1ServiceAccount::fromJson,
            "v1/Service", V1Service::fromJson,
            "apps/v1/Deployment", V1Deployment::fromJson,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::fromJson,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler::fromJson,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy::fromJson,
            "v1/ConfigMap", V1ConfigMap::fromJson);

    /** What a token needs to be verified with: auth is on by default. */
    static final String AUTH = """
            auth:
              issuer: %s
              publicKey:
                secretName: ledger-jwt
            """.formatted(ISSUER);

    static final String REPLAY = """
            mode: replay
            kafka:
              bootstrapServers: %s
            """.formatted(BOOTSTRAP) + AUTH;

    static final String GROUP = """
            mode: group
            kafka:
              bootstrapServers: %s
            postgresql:
              existingSecret: ledger-postgresql
            """.formatted(BOOTSTRAP) + AUTH;

    static final String AUTH_OFF = """
            auth:
              enabled: false
              issuer: ""
              publicKey:
                secretName: ""
            """;

    /** Every optional resource and setting switched on. */
    static final String EVERYTHING = """
            kafka:
              existingSecret: ledger-kafka
              truststore:
                secretName: ledger-kafka-ca
                key: ca.p12
            topic:
              name: payments-ledger
              partitions: 4
              strimzi:
                enabled: true
                cluster: bank-kafka
                namespace: kafka
                replicas: 3
                config:
                  min.insync.replicas: 2
            commandTimeout: 8s
            autoscaling:
              enabled: true
              minReplicas: 2
              maxReplicas: 10
              behavior:
                scaleDown:
                  stabilizationWindowSeconds: 600
            metrics:
              serviceMonitor:
                enabled: true
                labels:
                  release: prometheus
            dashboard:
              enabled: true
            networkPolicy:
              enabled: true
              ingressFrom:
                - namespaceSelector:
                    matchLabels:
                      kubernetes.io/metadata.name: gateway
              egress:
                enabled: true
            topologySpread:
              acrossZones: true
            extraEnv:
              - name: LEDGER_GROUP_CONSUMER_GROUP
                value: payments
            """;

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- lint

    @Test
    void lintPassesStrictlyInReplayMode() {
        LintResult result = lint(Map.of("mode", "replay", "kafka.bootstrapServers", BOOTSTRAP,
                "auth.issuer", ISSUER, "auth.publicKey.secretName", "ledger-jwt"));
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void lintPassesStrictlyInGroupModeWithEveryOptionalResource() {
        LintResult result = lint(Map.ofEntries(
                Map.entry("mode", "group"),
                Map.entry("kafka.bootstrapServers", BOOTSTRAP),
                Map.entry("kafka.existingSecret", "ledger-kafka"),
                Map.entry("kafka.truststore.secretName", "ledger-kafka-ca"),
                Map.entry("postgresql.existingSecret", "ledger-postgresql"),
                Map.entry("autoscaling.enabled", true),
                Map.entry("metrics.serviceMonitor.enabled", true),
                Map.entry("networkPolicy.enabled", true),
                Map.entry("networkPolicy.egress.enabled", true),
                Map.entry("auth.issuer", ISSUER),
                Map.entry("auth.publicKey.configMapName", "ledger-jwt"),
                Map.entry("topic.strimzi.enabled", true),
                Map.entry("topic.strimzi.cluster", "bank-kafka"),
                Map.entry("dashboard.enabled", true)));
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void lintFailsForAnUnknownModeOrZeroPartitions() {
        LintResult banana = lint(Map.of("mode", "banana", "kafka.bootstrapServers", BOOTSTRAP));
        assertThat(banana.isFailed()).isTrue();
        assertThat(String.join("\n", banana.getMessages())).contains("/mode");

        LintResult noPartitions = lint(Map.of("topic.partitions", 0, "kafka.bootstrapServers", BOOTSTRAP));
        assertThat(noPartitions.isFailed()).isTrue();
        assertThat(String.join("\n", noPartitions.getMessages())).contains("/topic/partitions");
    }

    @Test
    void lintFailsWithoutBootstrapServers() {
        // The chart's own values.yaml leaves them empty on purpose: there is no sensible default.
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("/kafka/bootstrapServers");
    }

    // ---------------------------------------------------------------- schema

    @Test
    void schemaRejectsAnUnknownMode() {
        assertRejected(REPLAY, "mode", "banana");
    }

    @Test
    void schemaRejectsZeroPartitions() {
        assertRejected(REPLAY, "topic.partitions", 0);
    }

    @Test
    void schemaRejectsMissingOrMalformedBootstrapServers() {
        assertThatThrownBy(() -> render("mode: replay\n")).hasMessageContaining("/kafka/bootstrapServers");
        assertRejected(REPLAY, "kafka.bootstrapServers", "no-port-here");
    }

    @Test
    void schemaRejectsUnknownKeysAndBadSettings() {
        assertRejected(REPLAY, "replicas", 3);                         // typo of replicaCount
        assertRejected(REPLAY, "kafka.bootstrapServer", "x:9092");     // typo inside kafka
        assertRejected(REPLAY, "commandTimeout", "soon");
        assertRejected(REPLAY, "terminationGracePeriodSeconds", 10);   // below the 15 s shutdown timeout
        assertRejected(REPLAY, "securityContext.allowPrivilegeEscalation", true);
        assertRejected(REPLAY, "podSecurityContext.runAsNonRoot", false);
    }

    @Test
    void groupModeRequiresThePostgresqlSecret() {
        assertThatThrownBy(() -> render(REPLAY, "mode", "group"))
                .hasMessageContaining("existingSecret");
    }

    @Test
    void replayModeRefusesAPostgresqlSecret() {
        assertThatThrownBy(() -> render(REPLAY, "postgresql.existingSecret", "ledger-postgresql"))
                .hasMessageContaining("replay mode never opens a database connection");
    }

    @Test
    void extraEnvCannotOverrideWhatTheChartSets() {
        assertThatThrownBy(() -> render(REPLAY, """
                extraEnv:
                  - name: LEDGER_MODE
                    value: group
                """)).hasMessageContaining("LEDGER_MODE is set by the chart");
    }

    // ---------------------------------------------------------------- rendered objects

    @Test
    void everyRenderedDocumentIsAStrictlyValidKubernetesObjectInBothModes() {
        for (List<String> values : List.of(List.of(REPLAY), List.of(GROUP), List.of(REPLAY, EVERYTHING),
                List.of(GROUP, EVERYTHING))) {
            Rendered rendered = render(values, null, null);
            assertThat(rendered.raw).isNotEmpty();
        }
        assertThat(render(REPLAY).raw.keySet())
                .containsExactlyInAnyOrder("ServiceAccount", "Service", "Deployment", "PodDisruptionBudget");
        assertThat(render(GROUP, EVERYTHING).raw.keySet())
                .containsExactlyInAnyOrder("ServiceAccount", "Service", "Deployment", "PodDisruptionBudget",
                        "HorizontalPodAutoscaler", "ServiceMonitor", "NetworkPolicy", "KafkaTopic", "ConfigMap");
    }

    @Test
    void theManifestParserRejectsAnUnknownField() throws IOException {
        ObjectNode deployment = (ObjectNode) render(REPLAY).raw.get("Deployment").deepCopy();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).put("livenesProbe", "typo");
        assertThatThrownBy(() -> V1Deployment.fromJson(JSON.writeValueAsString(deployment)))
                .hasMessageContaining("livenesProbe");
    }

    @Test
    void replayModeSetsTheContractEnvironmentAndNoDatabaseSettings() {
        Rendered rendered = render(REPLAY, EVERYTHING);
        Map<String, V1EnvVar> env = env(rendered.container());

        assertThat(env.get("LEDGER_MODE").getValue()).isEqualTo("replay");
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").getValue()).isEqualTo(BOOTSTRAP);
        assertThat(env.get("LEDGER_TOPIC").getValue()).isEqualTo("payments-ledger");
        assertThat(env.get("LEDGER_TOPIC_PARTITIONS").getValue()).isEqualTo("4");
        assertThat(env.get("LEDGER_COMMAND_TIMEOUT").getValue()).isEqualTo("8s");
        assertThat(env.get("LEDGER_GROUP_CONSUMER_GROUP").getValue()).isEqualTo("payments");
        assertThat(env.keySet()).noneMatch(name -> name.startsWith("QUARKUS_DATASOURCE"));
        assertThat(rendered.text).doesNotContain("QUARKUS_DATASOURCE", "postgresql");
    }

    @Test
    void groupModeTakesThePostgresqlSettingsFromTheSecret() {
        Map<String, V1EnvVar> env = env(render(GROUP).container());

        assertThat(env.get("LEDGER_MODE").getValue()).isEqualTo("group");
        assertThat(env.keySet()).contains("KAFKA_BOOTSTRAP_SERVERS", "LEDGER_TOPIC", "LEDGER_TOPIC_PARTITIONS",
                "LEDGER_COMMAND_TIMEOUT");
        assertThat(env.get("LEDGER_TOPIC").getValue()).isEqualTo("ledger-events");
        assertThat(env.get("LEDGER_TOPIC_PARTITIONS").getValue()).isEqualTo("6");
        assertThat(env.get("LEDGER_COMMAND_TIMEOUT").getValue()).isEqualTo("5s");
        Map<String, String> fromSecret = env.values().stream()
                .filter(e -> e.getName().startsWith("QUARKUS_DATASOURCE"))
                .peek(e -> assertThat(e.getValue()).as("%s is never inline", e.getName()).isNull())
                .peek(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ledger-postgresql"))
                .collect(Collectors.toMap(V1EnvVar::getName, e -> e.getValueFrom().getSecretKeyRef().getKey()));
        assertThat(fromSecret).containsExactlyInAnyOrderEntriesOf(Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL", "url",
                "QUARKUS_DATASOURCE_USERNAME", "username",
                "QUARKUS_DATASOURCE_PASSWORD", "password"));
    }

    @Test
    void kafkaTlsAndSaslSettingsComeFromTheSecretAndTheTruststoreIsMounted() {
        Rendered rendered = render(GROUP, EVERYTHING);
        Map<String, V1EnvVar> env = env(rendered.container());

        for (String name : List.of("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_JAAS_CONFIG",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "KAFKA_SSL_TRUSTSTORE_PASSWORD")) {
            var ref = env.get(name).getValueFrom().getSecretKeyRef();
            assertThat(ref.getName()).as(name).isEqualTo("ledger-kafka");
            assertThat(ref.getOptional()).as(name).isTrue();
        }
        assertThat(env.get("KAFKA_SASL_JAAS_CONFIG").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("sasl.jaas.config");
        assertThat(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION").getValue())
                .isEqualTo("/etc/ledger/kafka-truststore/ca.p12");
        assertThat(rendered.container().getVolumeMounts())
                .anySatisfy(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/ledger/kafka-truststore");
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(rendered.podSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("kafka-truststore")).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("ledger-kafka-ca"));

        assertThat(env(render(REPLAY).container()).keySet()).noneMatch(name -> name.startsWith("KAFKA_S"));
    }

    @Test
    void probesAndTheContainerPortMatchTheService() {
        for (String values : List.of(REPLAY, GROUP)) {
            Rendered rendered = render(values);
            V1Container container = rendered.container();
            assertThat(container.getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("http");
                assertThat(port.getContainerPort()).isEqualTo(8080);
            });
            assertHttpGet(container.getReadinessProbe(), "/q/health/ready");
            assertHttpGet(container.getLivenessProbe(), "/q/health/live");

            V1Service service = rendered.get(V1Service.class);
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getPort()).isEqualTo(8080);
                assertThat(port.getTargetPort().getStrValue()).isEqualTo("http");
            });
            assertThat(service.getSpec().getSelector())
                    .isEqualTo(rendered.get(V1Deployment.class).getSpec().getSelector().getMatchLabels());
        }
    }

    @Test
    void replayModeAllowsALongCatchUpBeforeLivenessAndReadinessApply() {
        V1Probe startup = render(REPLAY).container().getStartupProbe();
        assertHttpGet(startup, "/q/health/started");
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                .as("seconds a replay may take before the pod is restarted").isGreaterThanOrEqualTo(30 * 60);

        V1Probe groupStartup = render(GROUP).container().getStartupProbe();
        assertHttpGet(groupStartup, "/q/health/started");
        assertThat(groupStartup.getPeriodSeconds() * groupStartup.getFailureThreshold())
                .as("seconds for the migrations").isEqualTo(5 * 60);
    }

    @Test
    void theGracePeriodOutlastsTheServiceShutdownTimeout() {
        assertThat(render(REPLAY).podSpec().getTerminationGracePeriodSeconds()).isGreaterThan(15);
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyFilesystemWithoutCapabilities() {
        Rendered rendered = render(GROUP);
        var pod = rendered.podSpec().getSecurityContext();
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        var container = rendered.container().getSecurityContext();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getPrivileged()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        assertThat(rendered.container().getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        V1Volume tmpVolume = rendered.podSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
        assertThat(tmpVolume.getEmptyDir()).isNotNull();
        assertThat(rendered.podSpec().getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void podsSpreadAcrossNodes() {
        Rendered rendered = render(REPLAY);
        assertThat(rendered.podSpec().getTopologySpreadConstraints()).singleElement().satisfies(c -> {
            assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(c.getLabelSelector().getMatchLabels())
                    .isEqualTo(rendered.get(V1Deployment.class).getSpec().getSelector().getMatchLabels());
        });
    }

    @Test
    void thePodDisruptionBudgetCoversThePods() {
        Rendered rendered = render(REPLAY);
        V1PodDisruptionBudget pdb = rendered.get(V1PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntValue()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(rendered.get(V1Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(rendered.get(V1Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void groupModeAutoscalerNeverExceedsThePartitions() {
        Rendered rendered = render(GROUP, EVERYTHING); // maxReplicas 10, 4 partitions
        V2HorizontalPodAutoscaler hpa = rendered.get(V2HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(4);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(rendered.get(V1Deployment.class)
                .getMetadata().getName());
        assertThat(rendered.get(V1Deployment.class).getSpec().getReplicas()).as("left to the autoscaler").isNull();

        V2HorizontalPodAutoscaler fewPartitions = render(List.of(GROUP, EVERYTHING), "topic.partitions", 1)
                .get(V2HorizontalPodAutoscaler.class);
        assertThat(fewPartitions.getSpec().getMaxReplicas()).isEqualTo(1);
        assertThat(fewPartitions.getSpec().getMinReplicas()).isLessThanOrEqualTo(1);
    }

    @Test
    void replayModeAutoscalerIsNotCappedByThePartitions() {
        // every replay instance reads every partition
        assertThat(render(REPLAY, EVERYTHING).get(V2HorizontalPodAutoscaler.class).getSpec().getMaxReplicas())
                .isEqualTo(10);
    }

    @Test
    void theServiceMonitorScrapesTheMetricsEndpoint() {
        Rendered rendered = render(REPLAY, EVERYTHING);
        JsonNode monitor = rendered.raw.get("ServiceMonitor");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/endpoints")).hasSize(1);
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(JSON.convertValue(monitor.at("/spec/selector/matchLabels"), Map.class))
                .isEqualTo(rendered.get(V1Service.class).getMetadata().getLabels().entrySet().stream()
                        .filter(e -> monitor.at("/spec/selector/matchLabels").has(e.getKey()))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .hasSize(2);
    }

    @Test
    void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboardAsValidJson() throws IOException {
        assertThat(render(REPLAY).raw).as("off unless asked for").doesNotContainKey("ConfigMap");

        Rendered rendered = render(REPLAY, "dashboard.enabled", true);
        V1ConfigMap configMap = rendered.get(V1ConfigMap.class);
        assertThat(configMap.getMetadata().getNamespace()).isEqualTo("payments");
        assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
                .containsAllEntriesOf(rendered.get(V1Deployment.class).getMetadata().getLabels());
        assertThat(configMap.getData()).containsOnlyKeys("ledger.json");
        JsonNode dashboard = JSON.readTree(configMap.getData().get("ledger.json"));
        assertThat(dashboard).isEqualTo(JSON.readTree(CHART.resolve("dashboards/ledger.json").toFile()));
        assertThat(dashboard.path("uid").asText()).isEqualTo("ledger");
        assertThat(dashboard.path("panels")).isNotEmpty()
                .allSatisfy(panel -> assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty());
    }

    @Test
    void theDashboardLabelNamespaceAndAnnotationsAreConfigurable() {
        V1ConfigMap configMap = render(REPLAY, """
                dashboard:
                  enabled: true
                  label: my_dashboards
                  labelValue: "yes"
                  namespace: monitoring
                  annotations:
                    grafana_folder: Payments
                """).get(V1ConfigMap.class);
        assertThat(configMap.getMetadata().getLabels()).containsEntry("my_dashboards", "yes").doesNotContainKey("grafana_dashboard");
        assertThat(configMap.getMetadata().getNamespace()).isEqualTo("monitoring");
        assertThat(configMap.getMetadata().getAnnotations()).containsExactlyEntriesOf(Map.of("grafana_folder", "Payments"));
        assertRejected(REPLAY, "dashboard.label", "not a label!");
    }

    @Test
    void theNetworkPolicyLetsGroupModeReachPostgresqlButNotReplayMode() {
        V1NetworkPolicy group = render(GROUP, EVERYTHING).get(V1NetworkPolicy.class);
        V1NetworkPolicy replay = render(REPLAY, EVERYTHING).get(V1NetworkPolicy.class);
        assertThat(group.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(group.getSpec().getIngress()).singleElement()
                .satisfies(rule -> assertThat(rule.getPorts().get(0).getPort().getStrValue()).isEqualTo("http"));
        assertThat(egressPorts(group)).contains(53, 9092, 9093, 5432);
        assertThat(egressPorts(replay)).contains(53, 9092, 9093).doesNotContain(5432);
    }

    // ---------------------------------------------------------------- security

    @Test
    void authIsOnByDefaultWithTheKeyMountedFromTheSecret() {
        Rendered rendered = render(GROUP);
        Map<String, V1EnvVar> env = env(rendered.container());

        assertThat(env.get("LEDGER_AUTH").getValue()).isEqualTo("jwt");
        assertThat(env.get("MP_JWT_VERIFY_ISSUER").getValue()).isEqualTo(ISSUER);
        assertThat(env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").getValue()).isEqualTo("/etc/ledger/jwt/public-key.pem");
        assertThat(rendered.container().getVolumeMounts()).filteredOn(m -> m.getName().equals("jwt-public-key"))
                .singleElement().satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/ledger/jwt");
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(rendered.podSpec().getVolumes()).filteredOn(v -> v.getName().equals("jwt-public-key"))
                .singleElement().satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("ledger-jwt");
                    assertThat(v.getSecret().getItems()).singleElement()
                            .satisfies(item -> assertThat(item.getKey()).isEqualTo("public-key.pem"));
                    assertThat(v.getConfigMap()).isNull();
                });
    }

    @Test
    void theKeyMayComeFromAConfigMapOrAUrl() {
        Rendered fromConfigMap = render(REPLAY, """
                auth:
                  publicKey:
                    secretName: ""
                    configMapName: ledger-jwt-key
                    key: jwks.json
                """);
        assertThat(env(fromConfigMap.container()).get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").getValue())
                .isEqualTo("/etc/ledger/jwt/jwks.json");
        assertThat(fromConfigMap.podSpec().getVolumes()).filteredOn(v -> v.getName().equals("jwt-public-key"))
                .singleElement().satisfies(v -> {
                    assertThat(v.getConfigMap().getName()).isEqualTo("ledger-jwt-key");
                    assertThat(v.getSecret()).isNull();
                });

        String jwks = "https://id.example.com/realms/bank/protocol/openid-connect/certs";
        Rendered fromUrl = render(REPLAY, """
                auth:
                  publicKey:
                    secretName: ""
                    url: %s
                """.formatted(jwks));
        assertThat(env(fromUrl.container()).get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").getValue()).isEqualTo(jwks);
        assertThat(fromUrl.podSpec().getVolumes()).noneMatch(v -> v.getName().equals("jwt-public-key"));
        assertThat(fromUrl.container().getVolumeMounts()).noneMatch(m -> m.getName().equals("jwt-public-key"));
    }

    @Test
    void authOffSetsNoneAndMountsNoKey() {
        Rendered rendered = render(REPLAY, AUTH_OFF);
        Map<String, V1EnvVar> env = env(rendered.container());

        assertThat(env.get("LEDGER_AUTH").getValue()).isEqualTo("none");
        assertThat(env.keySet()).noneMatch(name -> name.startsWith("MP_JWT"));
        assertThat(rendered.podSpec().getVolumes()).noneMatch(v -> v.getName().equals("jwt-public-key"));
    }

    @Test
    void authOnNeedsAnIssuerAndExactlyOneKey() {
        String brokers = "kafka:\n  bootstrapServers: %s\n".formatted(BOOTSTRAP);
        assertThatThrownBy(() -> render(brokers)).hasMessageContaining("exactly one of auth.publicKey.secretName");
        assertThatThrownBy(() -> render(brokers + "auth:\n  publicKey:\n    secretName: ledger-jwt\n"))
                .hasMessageContaining("auth.issuer");
        assertThatThrownBy(() -> render(REPLAY, "auth.publicKey.configMapName", "another"))
                .hasMessageContaining("exactly one of auth.publicKey.secretName");
        assertRejected(REPLAY, "auth.enabled", "yes");
        assertRejected(REPLAY, "auth.publicKey.url", "id.example.com/certs");
    }

    @Test
    void extraEnvCannotTurnAuthOff() {
        assertThatThrownBy(() -> render(REPLAY, """
                extraEnv:
                  - name: LEDGER_AUTH
                    value: none
                """)).hasMessageContaining("LEDGER_AUTH is set by the chart");
    }

    // ---------------------------------------------------------------- Strimzi KafkaTopic

    @Test
    void theKafkaTopicRendersOnlyWhenEnabled() {
        assertThat(render(GROUP).raw).doesNotContainKey("KafkaTopic");
        assertThat(render(REPLAY).text).doesNotContain("KafkaTopic");
        assertThat(render(REPLAY, EVERYTHING).raw).containsKey("KafkaTopic");
    }

    @Test
    void theKafkaTopicIsTheOneTheServiceWouldCreateAndOutlivesTheRelease() {
        JsonNode topic = render(REPLAY, EVERYTHING).raw.get("KafkaTopic");

        assertThat(topic.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
        assertThat(topic.at("/metadata/name").asText()).isEqualTo("payments-ledger");
        assertThat(topic.at("/metadata/namespace").asText()).isEqualTo("kafka");
        assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("bank-kafka");
        assertThat(topic.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
        assertThat(topic.at("/spec/topicName").asText()).isEqualTo("payments-ledger");
        assertThat(topic.at("/spec/partitions").asInt()).as("topic.partitions, as LEDGER_TOPIC_PARTITIONS").isEqualTo(4);
        assertThat(topic.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(JSON.convertValue(topic.at("/spec/config"), Map.class)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "retention.ms", -1, "retention.bytes", -1, "cleanup.policy", "delete", "min.insync.replicas", 2));
        assertThat(topic.at("/spec").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("topicName", "partitions", "replicas", "config");

        JsonNode inRelease = render(List.of(REPLAY, EVERYTHING), "topic.strimzi.namespace", "").raw.get("KafkaTopic");
        assertThat(inRelease.at("/metadata/namespace").asText()).isEqualTo("payments");
    }

    @Test
    void theKafkaTopicNeedsItsClusterAndKeepsItsRetention() {
        assertThatThrownBy(() -> render(List.of(REPLAY, EVERYTHING), "topic.strimzi.cluster", ""))
                .hasMessageContaining("topic.strimzi.cluster");
        assertThatThrownBy(() -> render(REPLAY, EVERYTHING, """
                topic:
                  strimzi:
                    config:
                      retention.ms: 604800000
                """)).hasMessageContaining("schema");
        assertRejected(REPLAY, "topic.strimzi.replicas", 0);
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    interface Parser {
        Object parse(String json) throws IOException;
    }

    /** The rendered documents by kind (each kind once), strictly parsed and raw. */
    record Rendered(String text, Map<String, Object> parsed, Map<String, JsonNode> raw) {
        <T> T get(Class<T> type) {
            return parsed.values().stream().filter(type::isInstance).map(type::cast).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " rendered"));
        }

        V1PodSpec podSpec() {
            return get(V1Deployment.class).getSpec().getTemplate().getSpec();
        }

        V1Container container() {
            assertThat(podSpec().getContainers()).hasSize(1);
            return podSpec().getContainers().get(0);
        }
    }

    Rendered render(String values) {
        return render(values, null, null);
    }

    /** Renders with the values given as YAML, in layers ({@code helm template -f ... -f ...}). */
    Rendered render(String... layers) {
        return render(List.of(layers), null, null);
    }

    Rendered render(String values, String key, Object value) {
        return render(List.of(values), key, value);
    }

    Rendered render(List<String> layers, String key, Object value) {
        TemplateCommand command = new Helm(CHART).template()
                .withName("ledger")
                .withNamespace("payments")
                .withKubeVersion(KUBE_VERSION);
        for (String layer : layers) {
            command.withValuesFile(write("values-" + System.nanoTime() + ".yaml", layer));
        }
        if (key != null) {
            command.set(key, value);
        }
        String text = command.call();
        Map<String, Object> parsed = new LinkedHashMap<>();
        Map<String, JsonNode> raw = new LinkedHashMap<>();
        for (JsonNode doc : documents(text)) {
            String kind = doc.path("kind").asText();
            String type = doc.path("apiVersion").asText() + "/" + kind;
            assertThat(raw.put(kind, doc)).as("one %s", kind).isNull();
            if (kind.equals("ServiceMonitor") || kind.equals("KafkaTopic")) {
                continue; // a CRD, not in the Kubernetes model: checked field by field
            }
            Parser parser = PARSERS.get(type);
            assertThat(parser).as("unexpected document %s", type).isNotNull();
            try {
                parsed.put(kind, parser.parse(JSON.writeValueAsString(doc)));
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(type + " is not a valid Kubernetes object: " + e.getMessage(), e);
            }
        }
        return new Rendered(text, parsed, raw);
    }

    static List<JsonNode> documents(String text) {
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text)) {
            return it.readAll().stream().filter(d -> d != null && d.isObject() && !d.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void assertRejected(String values, String key, Object value) {
        assertThatThrownBy(() -> render(values, key, value))
                .as("%s=%s", key, value)
                .hasMessageContaining("schema")
                .satisfies(e -> assertThat(e.getMessage()).as("names the offending value")
                        .containsAnyOf("/" + key.replace('.', '/'), "'" + key.substring(key.lastIndexOf('.') + 1) + "'"));
    }

    /**
     * {@code helm lint} takes no values of its own: lint a copy of the chart whose values.yaml has
     * the given dotted keys set.
     */
    LintResult lint(Map<String, Object> overrides) {
        try {
            Path copy = tmp.resolve("lint-" + System.nanoTime()).resolve("ledger");
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path source : files.toList()) {
                    Path target = copy.resolve(CHART.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            ObjectNode values = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
            overrides.forEach((dotted, value) -> {
                String[] path = dotted.split("\\.");
                ObjectNode node = values;
                for (int i = 0; i < path.length - 1; i++) {
                    node = node.with(path[i]);
                }
                node.set(path[path.length - 1], JSON.valueToTree(value));
            });
            YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String name, String content) {
        try {
            return Files.writeString(tmp.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, V1EnvVar> env(V1Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(V1EnvVar::getName, Function.identity(),
                (a, b) -> {
                    throw new AssertionError("environment variable set twice: " + a.getName());
                }, LinkedHashMap::new));
    }

    static void assertHttpGet(V1Probe probe, String path) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("http");
    }

    static List<Integer> egressPorts(V1NetworkPolicy policy) {
        return policy.getSpec().getEgress().stream()
                .flatMap(rule -> rule.getPorts().stream())
                .map(port -> port.getPort().getIntValue())
                .toList();
    }
}
