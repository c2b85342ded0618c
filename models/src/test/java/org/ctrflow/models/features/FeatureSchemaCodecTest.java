package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.TimeFormat;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FeatureSchemaCodecTest {

  static Stream<FeatureSchema> schemas() {
    return Stream.of(
        FeatureSchemaTest.mixed(),
        FeatureSchemas.frappe(),
        FeatureSchemas.criteo(),
        FeatureSchemas.avazu(),
        FeatureSchemas.movielens());
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void roundTripsEverySchema(FeatureSchema schema) {
    String json = FeatureSchemaCodec.toJson(schema);
    FeatureSchema back = FeatureSchemaCodec.fromJson(json);
    assertThat(back).isEqualTo(schema);
    assertThat(back.totalRows()).isEqualTo(schema.totalRows());
    assertThat(FeatureSchemaCodec.toJson(back)).isEqualTo(json);
  }

  @Test
  void writesTheDocumentedFormat() {
    String json =
        FeatureSchemaCodec.toJson(
            FeatureSchema.builder()
                .optName("tiny")
                .optSeed(3)
                .addField(FieldSpec.hashed("a", 4))
                .addField(FieldSpec.boundaries("b", java.util.List.of(1.0, 2.5)))
                .build());
    assertThat(json)
        .isEqualTo(
            "{\"formatVersion\":2,\"name\":\"tiny\",\"hash\":\"murmur3_x64_128/utf8\",\"seed\":3,"
                + "\"totalRows\":9,\"fields\":[{\"name\":\"a\",\"encoding\":\"hashed\",\"buckets\":4},"
                + "{\"name\":\"b\",\"encoding\":\"boundaries\",\"boundaries\":[1.0,2.5]}],"
                + "\"gateContexts\":[]}");
  }

  @Test
  void rejectsAnUnknownVersionNamingFoundAndSupported() {
    String json = FeatureSchemaCodec.toJson(FeatureSchemas.frappe()).replace(":2,", ":3,");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature schema formatVersion 3 is not supported; supported versions: [1, 2]");
  }

  @Test
  void rejectsDamagedDocumentsSayingWhatIsWrong() {
    String json = FeatureSchemaCodec.toJson(FeatureSchemaTest.mixed());
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.substring(0, json.length() - 1)))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.substring(1)))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson("[1]"))
        .hasMessage("feature schema must be a JSON object {\"formatVersion\":2, ...}; was ARRAY");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(json.replace("\"totalRows\":178", "\"totalRows\":179")))
        .hasMessageContaining("declares totalRows 179 but its fields need 178");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.replace("murmur3", "xx")))
        .hasMessageContaining("hash 'xx_x64_128/utf8' is not supported");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.replace("\"log1p\"", "\"sqrt\"")))
        .hasMessageContaining("field 'price' has unknown encoding 'sqrt'; expected one of");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.replace(",\"buckets\":100", "")))
        .hasMessage("field 'site' lacks the required member 'buckets'");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson("{}"))
        .hasMessage("the schema lacks the required member 'formatVersion'");
  }

  @Test
  void readsVersionOneDocumentsAsBefore() {
    // Written by the previous codec (snapshots in model stores hold such documents).
    String v1 =
        "{\"formatVersion\":1,\"name\":\"tiny\",\"hash\":\"murmur3_x64_128/utf8\",\"seed\":3,"
            + "\"totalRows\":9,\"fields\":[{\"name\":\"a\",\"encoding\":\"hashed\",\"buckets\":4},"
            + "{\"name\":\"b\",\"encoding\":\"boundaries\",\"boundaries\":[1.0,2.5]}],"
            + "\"gateContexts\":[],\"extra\":true}";
    FeatureSchema schema = FeatureSchemaCodec.fromJson(v1);
    assertThat(schema.totalRows()).isEqualTo(9);
    assertThat(schema.seed()).isEqualTo(3);
    assertThat(schema.input()).isEmpty();
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(v1.replace("\"seed\":3,", "")))
        .hasMessage("the schema lacks the required member 'seed'");
  }

  @Test
  void roundTripsAnInputSection() {
    FeatureSchema schema =
        FeatureSchema.builder()
            .optName("ratings")
            .addField(FieldSpec.hashed("user", 64))
            .addField(FieldSpec.log1p("price", 8))
            .optInput(
                new DatasetLayout(
                    DatasetFormat.CSV,
                    List.of(),
                    CsvOptions.builder()
                        .optLabelColumn("rating")
                        .optLabelThreshold(4)
                        .optTimeColumn("ts", TimeFormat.DATETIME)
                        .optDelimiter(';')
                        .build()))
            .build();
    String json = FeatureSchemaCodec.toPrettyJson(schema);
    FeatureSchema back = FeatureSchemaCodec.fromJson(json);
    assertThat(back).isEqualTo(schema);
    assertThat(back.input().orElseThrow().csv().numericColumns()).containsExactly("price");
    assertThat(back.input().orElseThrow().csv().timeFormat()).isEqualTo(TimeFormat.DATETIME);
    assertThat(json).contains("\"labelThreshold\" : 4.0", "\"delimiter\" : \";\"");
  }

  @Test
  void aMinimalHandWrittenDocumentReads() {
    FeatureSchema schema =
        FeatureSchemaCodec.fromJson(
            "{\"formatVersion\": 2, \"fields\": [{\"name\": \"user\", \"encoding\": \"hashed\","
                + " \"buckets\": 100}], \"input\": {\"format\": \"csv\", \"labelColumn\": \"clk\"}}");
    assertThat(schema.totalRows()).isEqualTo(101);
    assertThat(schema.name()).isEqualTo("unnamed");
    assertThat(schema.input().orElseThrow().csv().labelColumn()).isEqualTo("clk");
  }

  @Test
  void versionTwoNamesTheMemberAtFaultAndWhatIsValid() {
    String json = FeatureSchemaCodec.toJson(FeatureSchemaTest.mixed());
    assertThatThrownBy(
            () -> FeatureSchemaCodec.fromJson(json.replace("\"gateContexts\"", "\"gates\"")))
        .hasMessage(
            "the schema has unknown member 'gates'; valid members: formatVersion, name, hash,"
                + " seed, totalRows, fields, gateContexts, input");
    assertThatThrownBy(
            () -> FeatureSchemaCodec.fromJson(json.replace("\"buckets\":100", "\"bucket\":100")))
        .hasMessage(
            "field 'site' has unknown member 'bucket'; valid members for encoding hashed: name,"
                + " encoding, buckets");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(json.replace("\"buckets\":100", "\"buckets\":\"100\"")))
        .hasMessageStartingWith("field 'site': 'buckets' must be an integer; was \"100\"");
    assertThatThrownBy(
            () -> FeatureSchemaCodec.fromJson(json.replace("\"buckets\":100", "\"buckets\":0")))
        .hasMessage("field 'site': hash buckets must be at least 1 (e.g. 65536), was 0");
    assertThatThrownBy(
            () -> FeatureSchemaCodec.fromJson(json.replace("[[\"user\"]", "[[\"nope\"]")))
        .hasMessageStartingWith("gate context field 'nope' is not a field of the schema");
    String withInput = json.substring(0, json.length() - 1) + ",\"input\":%s}";
    assertThatThrownBy(
            () -> FeatureSchemaCodec.fromJson(withInput.formatted("{\"format\":\"parquet\"}")))
        .hasMessage(
            "input.format: unknown dataset format 'parquet'; valid formats: libfm, criteo, avazu,"
                + " csv");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(
                    withInput.formatted("{\"format\":\"criteo\",\"labelColumn\":\"y\"}")))
        .hasMessage(
            "input.labelColumn applies to format csv only; criteo files fix their own columns");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(
                    withInput.formatted("{\"format\":\"csv\",\"labelColumn\":\"site\"}")))
        .hasMessageContaining("column 'site' is the label, id or time column and also a field");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(
                    withInput.formatted(
                        "{\"format\":\"csv\",\"timeColumn\":\"t\",\"timeFormat\":\"unix\"}")))
        .hasMessage("input: unknown time format 'unix'; valid: epoch, yymmddhh, datetime");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(
                    withInput.formatted("{\"format\":\"csv\",\"delimiter\":\";;\"}")))
        .hasMessageStartingWith("input: 'delimiter' must be a string of one character; was \";;\"");
  }

  @Test
  void theReferenceInTheDocsIsTheDeclaredOne() throws java.io.IOException {
    GeneratedDocs.assertSection(
        "docs/reference/schema.md", "schema-format", SchemaMembers.reference());
  }
}
