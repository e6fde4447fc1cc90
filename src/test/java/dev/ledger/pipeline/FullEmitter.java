package dev.ledger.pipeline;

import io.smallrye.reactive.messaging.EmitterConfiguration;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.EmitterFactoryFor;
import io.smallrye.reactive.messaging.providers.extension.MutinyEmitterImpl;
import java.util.concurrent.Flow;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * SmallRye's own emitter with a buffer of one record, already taken, in front of a channel that
 * asks for nothing: what the service's emitter is when Kafka falls behind for long enough.
 */
public final class FullEmitter {

    private FullEmitter() {
    }

    public static MutinyEmitter<byte[]> create() {
        var emitter = new MutinyEmitterImpl<byte[]>(new BufferOfOne(), 1);
        emitter.getPublisher().subscribe(new Flow.Subscriber<Message<? extends byte[]>>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                // never requests: the broker does not keep up
            }

            @Override
            public void onNext(Message<? extends byte[]> item) {
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onComplete() {
            }
        });
        emitter.sendMessageAndForget(Message.of(new byte[0]));
        return emitter;
    }

    /** A publisher whose every record meets a full buffer. */
    public static EventPublisher publisher() {
        return new EventPublisher(create(), new EventCodec(), new LingerBypass(null, 0), () -> {
            throw new IllegalStateException("no producer behind a full emitter");
        }, "full") {
        };
    }

    private record BufferOfOne() implements EmitterConfiguration {
        @Override
        public String name() {
            return "full";
        }

        @Override
        public EmitterFactoryFor emitterType() {
            return null;
        }

        @Override
        public OnOverflow.Strategy overflowBufferStrategy() {
            return OnOverflow.Strategy.BUFFER;
        }

        @Override
        public long overflowBufferSize() {
            return 1;
        }

        @Override
        public boolean broadcast() {
            return false;
        }

        @Override
        public int numberOfSubscriberBeforeConnecting() {
            return 0;
        }
    }
}
