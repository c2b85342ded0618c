package org.ctrflow.jobs.kafka;

/**
 * A Kafka record as read, before parsing. Parsing happens in an operator, not in the source, so a
 * malformed record becomes a dead letter with its coordinates instead of failing the job.
 *
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param timestamp the record's Kafka timestamp, epoch milliseconds
 * @param value the value bytes, possibly {@code null} (a tombstone)
 */
public record RawKafkaRecord(
    String topic, int partition, long offset, long timestamp, byte[] value) {}
