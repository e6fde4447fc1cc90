package dev.ledger.rest;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Histogram buckets on Quarkus' {@code http.server.requests} timer, which has none by default and
 * no setting for them: the dashboard's mutation latency percentiles are computed by Prometheus
 * from {@code http_server_requests_seconds_bucket} across instances (README.md, "Dashboard").
 * Micrometer's default bucket range for timers (1 ms to 30 s) is the one {@code ledger.mutations} has.
 */
@Singleton
public class RequestHistograms {

    static final String HTTP_SERVER_REQUESTS = "http.server.requests";

    @Produces
    @Singleton
    MeterFilter httpServerRequestBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(HTTP_SERVER_REQUESTS)
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        };
    }
}
