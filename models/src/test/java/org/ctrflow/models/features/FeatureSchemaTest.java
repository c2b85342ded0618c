package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {

  static FeatureSchema mixed() {
    return FeatureSchema.builder()
        .optName("mixed")
        .optSeed(7)
        .addField(FieldSpec.hashed("site", 100))
        .addField(FieldSpec.idRange("user", 10, 19))
        .addField(FieldSpec.vocabulary("os", List.of("android", "ios")))
        .addField(FieldSpec.logSquared("count", -3, 40))
        .addField(FieldSpec.log1p("price", 12))
        .addField(FieldSpec.boundaries("age", List.of(18.0, 30.0, 50.0)))
        .optGateContexts(List.of(List.of("user"), List.of("site", "os")))
        .build();
  }

  @Test
  void laysFieldsOutContiguouslyWithOneReservedRowEach() {
    FeatureSchema schema = mixed();
    assertThat(schema.fieldCount()).isEqualTo(6);
    int[] rows = {101, 11, 3, 45, 13, 5};
    int offset = 0;
    for (int f = 0; f < rows.length; f++) {
      assertThat(schema.offset(f)).isEqualTo(offset);
      assertThat(schema.rows(f)).isEqualTo(rows[f]);
      offset += rows[f];
    }
    assertThat(schema.totalRows()).isEqualTo(offset);
    assertThat(schema.gateContextIndices(1)).containsExactly(0, 2);
    assertThat(schema.fieldIndex("price")).isEqualTo(4);
    assertThat(schema.fieldIndex("nope")).isEqualTo(-1);
  }

  @Test
  void fieldSeedsDependOnNameAndSchemaSeedNotPosition() {
    FeatureSchema a = FeatureSchema.builder().addField(FieldSpec.hashed("x", 8)).build();
    FeatureSchema b =
        FeatureSchema.builder()
            .addField(FieldSpec.hashed("y", 8))
            .addField(FieldSpec.hashed("x", 8))
            .build();
    FeatureSchema c = FeatureSchema.builder().optSeed(1).addField(FieldSpec.hashed("x", 8)).build();
    assertThat(b.fieldSeed(1)).isEqualTo(a.fieldSeed(0)).isNotEqualTo(c.fieldSeed(0));
  }

  @Test
  void rejectsInvalidSchemasSayingWhatIsValid() {
    assertThatThrownBy(() -> FeatureSchema.builder().build())
        .hasMessageContaining("at least one field, e.g.");
    assertThatThrownBy(
            () ->
                FeatureSchema.builder()
                    .addField(FieldSpec.hashed("a", 2))
                    .addField(FieldSpec.log1p("a", 2))
                    .build())
        .hasMessageContaining("'a' appears twice");
    assertThatThrownBy(
            () ->
                FeatureSchema.builder()
                    .addField(FieldSpec.hashed("a", 2))
                    .optGateContexts(List.of(List.of("b")))
                    .build())
        .hasMessageContaining("gate context field 'b' is not a field");
    assertThatThrownBy(
            () ->
                FeatureSchema.builder()
                    .addField(FieldSpec.hashed("a", Integer.MAX_VALUE - 1))
                    .addField(FieldSpec.hashed("b", 2))
                    .build())
        .hasMessageContaining("at most 2^31 - 1");
    assertThatThrownBy(() -> FieldSpec.hashed(" ", 2)).hasMessageContaining("non-blank");
    assertThatThrownBy(() -> FieldSpec.hashed("a", 0))
        .hasMessage("hash buckets must be at least 1 (e.g. 65536), was 0");
    assertThatThrownBy(() -> FieldSpec.idRange("a", 5, 4)).hasMessageContaining("at least 5");
    assertThatThrownBy(() -> FieldSpec.vocabulary("a", List.of("x", "x")))
        .hasMessageContaining("'x' appears twice");
    assertThatThrownBy(() -> FieldSpec.vocabulary("a", List.of()))
        .hasMessageContaining("vocabulary size must be at least 1");
  }

  @Test
  void isAValueType() {
    assertThat(mixed()).isEqualTo(mixed()).hasSameHashCodeAs(mixed());
    assertThat(mixed().toString()).isEqualTo("FeatureSchema[mixed, 6 fields, 178 rows]");
  }
}
