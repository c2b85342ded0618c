package org.ctrflow.jobs.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.formats.EventFormat;
import org.ctrflow.connectors.formats.SchemaRegistryUnavailableException;

/**
 * Parses raw Kafka records into events of one type, in the topic's {@link EventFormat} (ctrflow
 * JSON, or the user's JSON or Avro through a mapping). A record that breaks the contract or does
 * not map goes to the {@link #DEAD_LETTERS} side output with its bytes, coordinates and the reason
 * naming the field; nothing is dropped and the job never fails on bad input. A schema registry that
 * cannot be asked is not the record's fault: the task fails and retries from its checkpoint.
 * Counters {@code eventsIn}, {@code eventsParsed} and {@code eventsDeadLettered} always satisfy in
 * = parsed + dead-lettered.
 */
public class EventParser<T extends Event> extends ProcessFunction<RawKafkaRecord, T>
    implements ResultTypeQueryable<T> {

  private static final long serialVersionUID = 1L;

  /** Where records that fail to parse or validate go. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>(
          "dead-letters",
          org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));

  private final Class<T> type;
  private final EventFormat format;
  private transient EventFormat.Decoder<T> decoder;
  private transient Counter in;
  private transient Counter parsed;
  private transient Counter deadLettered;

  /** A parser of ctrflow's JSON events. */
  public EventParser(Class<T> type) {
    this(type, EventFormat.ctrflow());
  }

  public EventParser(Class<T> type, EventFormat format) {
    this.type = type;
    this.format = format;
  }

  /** Events are records: Flink serializes them field by field, no Kryo fallback. */
  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext context) {
    decoder = format.decoder(type);
    var metrics = getRuntimeContext().getMetricGroup();
    in = metrics.counter("eventsIn");
    parsed = metrics.counter("eventsParsed");
    deadLettered = metrics.counter("eventsDeadLettered");
  }

  @Override
  public void processElement(RawKafkaRecord record, Context ctx, Collector<T> out) {
    in.inc();
    T event;
    try {
      event = decoder.decode(record.value());
    } catch (SchemaRegistryUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      deadLettered.inc();
      ctx.output(
          DEAD_LETTERS,
          DeadLetter.of(
              record.value(),
              record.topic(),
              record.partition(),
              record.offset(),
              e,
              ctx.timerService().currentProcessingTime()));
      return;
    }
    parsed.inc();
    out.collect(event);
  }
}
