package org.ctrflow.connectors.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.testing.InProcessSchemaRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EventFormatTest {

  static final String MAPPING =
      """
      {"impressions": {"id": "meta.impression_id", "eventTime": "meta.ts",
                       "features": {"user": "user.id", "item": "item.sku", "premium": "user.premium"},
                       "numericFeatures": {"price": "item.price"}},
       "clicks": {"impressionId": "impression", "eventTime": "at", "eventTimeFormat": "iso-8601"},
       "scoreRequests": {"requestId": "rid", "eventTime": "ts", "eventTimeFormat": "epoch-seconds",
                         "features": "attributes"}}
      """;

  @TempDir Path dir;

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void mapsJsonOfTheUsersShape() {
    EventFormat format = EventFormat.of(EventFormat.Kind.JSON, EventMapping.parse(MAPPING), null);
    Impression impression =
        format
            .decoder(Impression.class)
            .decode(
                json(
                    "{\"meta\": {\"impression_id\": 42, \"ts\": 1000}, \"user\": {\"id\": \"u7\","
                        + " \"premium\": true}, \"item\": {\"sku\": \"s1\", \"price\": 9.5}, \"x\": 1}"));
    assertThat(impression)
        .isEqualTo(
            new Impression(
                "42",
                1000,
                Map.of("user", "u7", "item", "s1", "premium", "true"),
                Map.of("price", 9.5)));
    assertThat(
            format
                .decoder(Click.class)
                .decode(json("{\"impression\": \"42\", \"at\": \"1970-01-01T00:00:02Z\"}")))
        .isEqualTo(new Click("42", 2000));
    assertThat(
            format
                .decoder(ScoreRequest.class)
                .decode(
                    json(
                        "{\"rid\": \"r1\", \"ts\": 1.5, \"attributes\": {\"user\": \"u7\", \"n\": 3}}")))
        .isEqualTo(new ScoreRequest("r1", 1500, Map.of("user", "u7", "n", "3"), Map.of()));
    // Human labels stay ctrflow's JSON.
    assertThat(format.decoder(HumanLabel.class)).isNotNull();
  }

  @Test
  void aRecordThatDoesNotMapNamesTheFieldAndPath() {
    EventFormat format = EventFormat.of(EventFormat.Kind.JSON, EventMapping.parse(MAPPING), null);
    var impressions = format.decoder(Impression.class);
    assertThatThrownBy(
            () -> impressions.decode(json("{\"meta\": {\"ts\": 1}, \"user\": {\"id\": \"u\"}}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("id: (path meta.impression_id) is missing");
    assertThatThrownBy(
            () ->
                impressions.decode(
                    json(
                        "{\"meta\": {\"impression_id\": \"a\", \"ts\": \"soon\"}, \"user\": {\"id\": \"u\"}}")))
        .hasMessage(
            "eventTime: (path meta.ts) must be an integer of epoch milliseconds, was \"soon\"");
    assertThatThrownBy(
            () ->
                impressions.decode(
                    json(
                        "{\"meta\": {\"impression_id\": \"a\", \"ts\": 1}, \"user\": {\"id\": {\"x\": 1}}}")))
        .hasMessage(
            "features.user: (path user.id) must be a string, an integer or a boolean, was OBJECT");
    assertThatThrownBy(
            () ->
                impressions.decode(
                    json(
                        "{\"meta\": {\"impression_id\": \"a\", \"ts\": 1}, \"user\": {\"id\": \"u\"}, \"item\": {\"price\": \"9\"}}")))
        .hasMessage("numericFeatures.price: (path item.price) must be a number, was STRING");
    assertThatThrownBy(
            () -> impressions.decode(json("{\"meta\": {\"impression_id\": \"a\", \"ts\": 1}}")))
        .hasMessageStartingWith("features: must hold at least one");
    assertThatThrownBy(() -> impressions.decode(json("{\"meta\": ")))
        .hasMessageStartingWith("$: not valid JSON");
    assertThatThrownBy(
            () -> format.decoder(Click.class).decode(json("{\"impression\": \"a\", \"at\": 5}")))
        .hasMessageStartingWith("eventTime: (path at) must be an ISO-8601 string");
  }

  @Test
  void badMappingsSayWhatIsValid() {
    assertThatThrownBy(() -> EventMapping.parse("{\"impression\": {}}"))
        .hasMessage(
            "event mapping has unknown section 'impression'; valid sections: impressions, clicks,"
                + " scoreRequests");
    assertThatThrownBy(
            () ->
                EventMapping.parse(
                    "{\"clicks\": {\"impressionId\": \"i\", \"eventTime\": \"t\", \"features\": \"f\"}}"))
        .hasMessage(
            "clicks has unknown member 'features'; valid members: impressionId, eventTime, eventTimeFormat, topic");
    assertThatThrownBy(() -> EventMapping.parse("{\"clicks\": {\"eventTime\": \"t\"}}"))
        .hasMessageStartingWith("clicks.impressionId: is required");
    assertThatThrownBy(
            () ->
                EventMapping.parse(
                    "{\"clicks\": {\"impressionId\": \"a..b\", \"eventTime\": \"t\"}}"))
        .hasMessageStartingWith("clicks.impressionId: path 'a..b' has an empty step");
    assertThatThrownBy(() -> EventFormat.of(EventFormat.Kind.JSON, null, null))
        .hasMessageContaining("needs an event mapping file");
    assertThatThrownBy(
            () ->
                EventFormat.of(
                        EventFormat.Kind.JSON,
                        EventMapping.parse(
                            "{\"clicks\": {\"impressionId\": \"i\", \"eventTime\": \"t\"}}"),
                        null)
                    .decoder(Impression.class))
        .hasMessage("the event mapping has no 'impressions' section, which this job reads");
  }

  static final Schema IMPRESSION =
      SchemaBuilder.record("AdImpression")
          .fields()
          .requiredString("impression_id")
          .requiredLong("ts")
          .name("attrs")
          .type()
          .map()
          .values()
          .stringType()
          .noDefault()
          .name("price")
          .type()
          .nullable()
          .doubleType()
          .noDefault()
          .endRecord();

  static GenericRecord impression(String id, long ts) {
    GenericRecord r = new GenericData.Record(IMPRESSION);
    r.put("impression_id", id);
    r.put("ts", ts);
    r.put("attrs", Map.of("user", "u1", "item", "i1"));
    r.put("price", 2.5);
    return r;
  }

  static final String AVRO_MAPPING =
      "{\"impressions\": {\"id\": \"impression_id\", \"eventTime\": \"ts\", \"features\": \"attrs\","
          + " \"numericFeatures\": {\"price\": \"price\"}}}";

  @Test
  void readsAvroWithWriterSchemasFromARegistry() {
    try (InProcessSchemaRegistry registry = new InProcessSchemaRegistry()) {
      int id = registry.register(IMPRESSION);
      EventFormat format =
          EventFormat.of(EventFormat.Kind.AVRO, EventMapping.parse(AVRO_MAPPING), registry.url());
      var decoder = format.decoder(Impression.class);
      for (int i = 0; i < 3; i++) {
        assertThat(decoder.decode(InProcessSchemaRegistry.frame(id, impression("a" + i, 7))))
            .isEqualTo(
                new Impression(
                    "a" + i, 7, Map.of("user", "u1", "item", "i1"), Map.of("price", 2.5)));
      }
      assertThat(registry.lookups()).as("the schema is fetched once, then cached").isEqualTo(1);
      assertThatThrownBy(
              () -> decoder.decode(InProcessSchemaRegistry.frame(99, impression("b", 1))))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("$: schema id 99 is not in the registry at " + registry.url());
      assertThatThrownBy(() -> decoder.decode(json("{\"impression_id\": \"x\"}")))
          .hasMessageStartingWith("$: not Avro in the schema-registry wire format");
      byte[] cut = InProcessSchemaRegistry.frame(id, impression("c", 1));
      assertThatThrownBy(() -> decoder.decode(java.util.Arrays.copyOf(cut, cut.length - 3)))
          .hasMessageStartingWith("$: is not a record of its schema id " + id);
    }
  }

  @Test
  void anUnreachableRegistryIsNotTheRecordsFault() throws Exception {
    String url;
    try (InProcessSchemaRegistry registry = new InProcessSchemaRegistry()) {
      url = registry.url();
    }
    var decoder =
        EventFormat.of(EventFormat.Kind.AVRO, EventMapping.parse(AVRO_MAPPING), url)
            .decoder(Impression.class);
    assertThatThrownBy(() -> decoder.decode(InProcessSchemaRegistry.frame(1, impression("a", 1))))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("did not answer for schema id 1");
  }

  @Test
  void readsWriterSchemasFromADirectoryWithoutARegistry() throws Exception {
    Files.writeString(dir.resolve("5.avsc"), IMPRESSION.toString());
    var decoder =
        EventFormat.of(
                EventFormat.Kind.AVRO, EventMapping.parse(AVRO_MAPPING), dir.toUri().toString())
            .decoder(Impression.class);
    assertThat(decoder.decode(InProcessSchemaRegistry.frame(5, impression("f", 3))).id())
        .isEqualTo("f");
    assertThatThrownBy(() -> decoder.decode(InProcessSchemaRegistry.frame(6, impression("f", 3))))
        .hasMessageContaining("schema id 6 is unknown: no file");
  }
}
