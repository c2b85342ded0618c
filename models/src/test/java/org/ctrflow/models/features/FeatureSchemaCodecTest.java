package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
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
            "{\"formatVersion\":1,\"name\":\"tiny\",\"hash\":\"murmur3_x64_128/utf8\",\"seed\":3,"
                + "\"totalRows\":9,\"fields\":[{\"name\":\"a\",\"encoding\":\"hashed\",\"buckets\":4},"
                + "{\"name\":\"b\",\"encoding\":\"boundaries\",\"boundaries\":[1.0,2.5]}],"
                + "\"gateContexts\":[]}");
  }

  @Test
  void rejectsAnUnknownVersionNamingFoundAndSupported() {
    String json = FeatureSchemaCodec.toJson(FeatureSchemas.frappe()).replace(":1,", ":2,");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature schema formatVersion 2 is not supported; supported versions: [1]");
  }

  @Test
  void rejectsDamagedDocumentsSayingWhatIsWrong() {
    String json = FeatureSchemaCodec.toJson(FeatureSchemaTest.mixed());
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.substring(0, json.length() - 1)))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.substring(1)))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson("[1]"))
        .hasMessage("feature schema must be a JSON object {\"formatVersion\":1, ...}; was ARRAY");
    assertThatThrownBy(
            () ->
                FeatureSchemaCodec.fromJson(json.replace("\"totalRows\":178", "\"totalRows\":179")))
        .hasMessageContaining("declares totalRows 179 but its fields need 178");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.replace("murmur3", "xx")))
        .hasMessageContaining("hash 'xx_x64_128/utf8' is not supported");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson(json.replace("\"log1p\"", "\"sqrt\"")))
        .hasMessageContaining("field 'price' has unknown encoding 'sqrt'; expected one of");
    assertThatThrownBy(
            () -> FeatureSchemaCodec.fromJson(json.replace("\"buckets\":100", "\"b\":1")))
        .hasMessage("field 'site' lacks the required member 'buckets'");
    assertThatThrownBy(() -> FeatureSchemaCodec.fromJson("{}"))
        .hasMessage("the schema lacks the required member 'formatVersion'");
  }
}
