package org.ctrflow.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Strict JSON in (duplicate keys and trailing content rejected, nesting and the number of values
 * bounded while parsing), compact JSON out.
 */
final class Json {

  /**
   * Deepest nesting a request may have: an inference request nests four levels (body, inputs,
   * tensor, data); the rest leaves room for parameters.
   */
  static final int MAX_DEPTH = 32;

  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /**
   * @param maxValues the most values (scalars, arrays and objects) the body may hold
   * @throws ApiException 400 "body: malformed JSON ..." or "body: must be a JSON object"; 413 for
   *     more than {@code maxValues} values
   */
  static JsonNode parseObject(byte[] body, int maxValues) {
    JsonNode node;
    try (JsonParser parser = new CountingParser(MAPPER.createParser(body), maxValues)) {
      node = MAPPER.readTree(parser);
    } catch (TooManyValues e) {
      throw new ApiException(413, e.getOriginalMessage());
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest("body: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw ApiException.badRequest(
          "body: malformed JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("body: unreadable: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("body: must be a JSON object");
    }
    return node;
  }

  /** A required member; 400 naming it when absent. */
  static JsonNode field(JsonNode object, String name) {
    JsonNode value = object.get(name);
    if (value == null) {
      throw ApiException.badRequest(name + ": required");
    }
    return value;
  }

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response", e);
    }
  }

  /** Counts the values as the tree is built and stops at the limit, before their nodes exist. */
  private static final class CountingParser extends JsonParserDelegate {

    private final int maxValues;
    private int values;

    CountingParser(JsonParser parser, int maxValues) {
      super(parser);
      this.maxValues = maxValues;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken token = super.nextToken();
      if (token != null
          && (token.isScalarValue()
              || token == JsonToken.START_ARRAY
              || token == JsonToken.START_OBJECT)
          && ++values > maxValues) {
        throw new TooManyValues(
            "body: more than "
                + maxValues
                + " JSON values exceed this server's limit (max-json-values)",
            this);
      }
      return token;
    }
  }

  private static final class TooManyValues extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    TooManyValues(String message, JsonParser parser) {
      super(message, parser.currentLocation());
    }
  }
}
