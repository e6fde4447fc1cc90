package dev.ledger.replay;

import dev.ledger.command.Outcomes;
import dev.ledger.config.LedgerConfig;
import dev.ledger.pipeline.ConsumerMetrics;
import dev.ledger.pipeline.EventPublisher;
import dev.ledger.pipeline.EventTopic;
import dev.ledger.pipeline.RecordPipeline;
import dev.ledger.pipeline.RecordTracing;
import dev.ledger.pipeline.StalledPartitions;
import jakarta.enterprise.context.ApplicationScoped;

/** Replay consumers of a test's own, beside the service's: the service's parts, a state and outcomes of their own. */
@ApplicationScoped
class ReplayConsumers {

    private final EventTopic topic;
    private final RecordPipeline pipeline;
    private final EventPublisher publisher;
    private final ConsumerMetrics metrics;
    private final StalledPartitions stalled;
    private final RecordTracing tracing;

    ReplayConsumers(EventTopic topic, RecordPipeline pipeline, EventPublisher publisher, ConsumerMetrics metrics,
                    StalledPartitions stalled, RecordTracing tracing) {
        this.topic = topic;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.metrics = metrics;
        this.stalled = stalled;
        this.tracing = tracing;
    }

    ReplayConsumer create(LedgerConfig config, ReplayState state) {
        return new ReplayConsumer(topic, config, pipeline, state, new Outcomes(), publisher, metrics, stalled, tracing);
    }
}
