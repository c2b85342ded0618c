package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.ctrflow.connectors.events.InvalidEventException;

/**
 * Avro records in the Confluent wire format ({@code 0x00}, a 4-byte big-endian schema id, the
 * binary-encoded record), read with their writer schema into a tree the mapping reads.
 */
final class AvroRecords {

  static final byte MAGIC = 0;

  private final SchemaRegistry registry;

  AvroRecords(SchemaRegistry registry) {
    this.registry = registry;
  }

  /**
   * @throws InvalidEventException for a record that is not framed Avro of a known schema
   */
  JsonNode read(byte[] value) {
    if (value.length < 5 || value[0] != MAGIC) {
      throw new InvalidEventException(
          "$",
          "not Avro in the schema-registry wire format (magic byte 0, 4-byte schema id, record);"
              + " first byte "
              + (value.length == 0 ? "none" : String.valueOf(value[0])));
    }
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    Schema schema = registry.schema(id);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
    Object datum;
    try {
      datum = new GenericDatumReader<>(schema).read(null, decoder);
      if (!decoder.isEnd()) {
        throw new InvalidEventException(
            "$", "has bytes after the record of schema id " + id + ": another schema wrote it");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidEventException invalid) {
        throw invalid;
      }
      throw new InvalidEventException(
          "$", "is not a record of its schema id " + id + ": " + e.getMessage(), e);
    }
    return tree(datum);
  }

  static JsonNode tree(Object datum) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (datum == null) {
      return f.nullNode();
    } else if (datum instanceof GenericRecord record) {
      ObjectNode node = f.objectNode();
      for (Schema.Field field : record.getSchema().getFields()) {
        node.set(field.name(), tree(record.get(field.pos())));
      }
      return node;
    } else if (datum instanceof Map<?, ?> map) {
      ObjectNode node = f.objectNode();
      map.forEach((k, v) -> node.set(k.toString(), tree(v)));
      return node;
    } else if (datum instanceof Collection<?> list) {
      ArrayNode node = f.arrayNode();
      list.forEach(v -> node.add(tree(v)));
      return node;
    } else if (datum instanceof CharSequence || datum instanceof GenericEnumSymbol<?>) {
      return f.textNode(datum.toString());
    } else if (datum instanceof Integer i) {
      return f.numberNode(i);
    } else if (datum instanceof Long l) {
      return f.numberNode(l);
    } else if (datum instanceof Float x) {
      return f.numberNode(x);
    } else if (datum instanceof Double d) {
      return f.numberNode(d);
    } else if (datum instanceof Boolean b) {
      return f.booleanNode(b);
    } else if (datum instanceof ByteBuffer bytes) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.duplicate().get(copy);
      return f.textNode(Base64.getEncoder().encodeToString(copy));
    } else if (datum instanceof GenericFixed fixed) {
      return f.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
    }
    return f.textNode(GenericData.get().toString(datum));
  }
}
