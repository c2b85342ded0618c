package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;
import org.ctrflow.connectors.events.InvalidEventException;

/** JSON records of any shape, as trees for the mapping. */
final class JsonRecords implements Function<byte[], JsonNode> {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  @Override
  public JsonNode apply(byte[] value) {
    try {
      JsonNode tree = JSON.readTree(value);
      if (tree == null) {
        throw new InvalidEventException("$", "payload is empty");
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("$", "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
