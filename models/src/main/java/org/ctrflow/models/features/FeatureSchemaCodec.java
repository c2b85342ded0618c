package org.ctrflow.models.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.models.features.SchemaMembers.Member;

/**
 * Versioned JSON form of a {@link FeatureSchema}, stored with every model snapshot and written by
 * {@code ctrflow schema infer}:
 *
 * <pre>{@code
 * {"formatVersion":2, "name":"frappe", "hash":"murmur3_x64_128/utf8", "seed":0,
 *  "totalRows":5392,
 *  "fields":[{"name":"user","encoding":"idRange","first":0,"last":956}, ...],
 *  "gateContexts":[["user"],["item"]],
 *  "input":{"format":"libfm","fieldNames":["user","item",...]}}
 * }</pre>
 *
 * The members are declared in {@link SchemaMembers}, which also renders the reference. Version 2
 * added {@code input}, made every member but {@code formatVersion} and {@code fields} optional
 * ({@code totalRows} is still checked when present, so a layout that would decode differently fails
 * instead of silently scrambling the embedding table) and rejects unknown members, naming them;
 * version 1 documents (older snapshots) read as before.
 */
public final class FeatureSchemaCodec {

  /** The version this code writes. */
  public static final int FORMAT_VERSION = 2;

  /** The versions this code reads. */
  public static final List<Integer> SUPPORTED_VERSIONS = List.of(1, 2);

  static final String HASH = "murmur3_x64_128/utf8";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private FeatureSchemaCodec() {}

  public static String toJson(FeatureSchema schema) {
    return write(schema).toString();
  }

  /** The schema as indented JSON, for files people read and edit. */
  public static String toPrettyJson(FeatureSchema schema) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(write(schema)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree: " + e.getMessage(), e);
    }
  }

  private static ObjectNode write(FeatureSchema schema) {
    ObjectNode root = JSON.createObjectNode();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("name", schema.name());
    root.put("hash", HASH);
    root.put("seed", schema.seed());
    root.put("totalRows", schema.totalRows());
    ArrayNode fields = root.putArray("fields");
    for (FieldSpec field : schema.fields()) {
      writeEncoding(field.encoding(), fields.addObject().put("name", field.name()));
    }
    ArrayNode gates = root.putArray("gateContexts");
    schema.gateContexts().forEach(context -> context.forEach(gates.addArray()::add));
    schema.input().ifPresent(input -> writeInput(input, root.putObject("input")));
    return root;
  }

  /**
   * @throws IllegalArgumentException for malformed JSON or an unsupported format version or hash;
   *     for an unknown, missing, mistyped or invalid member, naming it and saying what is valid; or
   *     for a {@code totalRows} that does not match the fields
   */
  public static FeatureSchema fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "feature schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "feature schema must be a JSON object {\"formatVersion\":"
              + FORMAT_VERSION
              + ", ...}; was "
              + (root == null ? "empty" : root.getNodeType()));
    }
    JsonNode version = root.get("formatVersion");
    if (version == null || version.isNull()) {
      throw new IllegalArgumentException("the schema lacks the required member 'formatVersion'");
    }
    if (!version.canConvertToInt() || !SUPPORTED_VERSIONS.contains(version.asInt())) {
      throw new IllegalArgumentException(
          "feature schema formatVersion "
              + version
              + " is not supported; supported versions: "
              + SUPPORTED_VERSIONS);
    }
    return new Reader(version.asInt() >= 2).schema((ObjectNode) root);
  }

  private static void writeEncoding(FieldEncoding encoding, ObjectNode node) {
    if (encoding instanceof CategoricalEncoding.Hashed h) {
      node.put("encoding", "hashed").put("buckets", h.buckets());
    } else if (encoding instanceof CategoricalEncoding.IdRange r) {
      node.put("encoding", "idRange").put("first", r.first()).put("last", r.last());
    } else if (encoding instanceof CategoricalEncoding.Vocabulary v) {
      v.values().forEach(node.put("encoding", "vocabulary").putArray("values")::add);
    } else if (encoding instanceof NumericEncoding.LogSquared l) {
      node.put("encoding", "logSquared").put("lowest", l.lowest()).put("highest", l.highest());
    } else if (encoding instanceof NumericEncoding.Log1p l) {
      node.put("encoding", "log1p").put("buckets", l.buckets());
    } else {
      ((NumericEncoding.Boundaries) encoding)
          .boundaries()
          .forEach(node.put("encoding", "boundaries").putArray("boundaries")::add);
    }
  }

  private static void writeInput(DatasetLayout input, ObjectNode node) {
    node.put("format", input.format().name().toLowerCase(java.util.Locale.ROOT));
    if (input.format() == DatasetFormat.LIBFM && !input.libFmFields().isEmpty()) {
      input.libFmFields().forEach(node.putArray("fieldNames")::add);
    }
    if (input.format() != DatasetFormat.CSV) {
      return;
    }
    CsvOptions csv = input.csv();
    node.put("labelColumn", csv.labelColumn());
    if (csv.labelThreshold() != null) {
      node.put("labelThreshold", csv.labelThreshold());
    }
    if (csv.idColumn() != null) {
      node.put("idColumn", csv.idColumn());
    }
    if (csv.timeColumn() != null) {
      node.put("timeColumn", csv.timeColumn()).put("timeFormat", csv.timeFormat().label());
    }
    node.put("delimiter", String.valueOf(csv.delimiter()));
    if (csv.header() != null) {
      csv.header().forEach(node.putArray("header")::add);
    }
  }

  /** Reads one document; strict (version 2) or as version 1 did. */
  private record Reader(boolean strict) {

    FeatureSchema schema(ObjectNode root) {
      String where = "the schema";
      members(root, SchemaMembers.ROOT, where, "");
      JsonNode hash = value(root, SchemaMembers.ROOT, "hash", where);
      if (hash != null && !HASH.equals(hash.asText())) {
        throw new IllegalArgumentException(
            "feature schema hash '"
                + hash.asText()
                + "' is not supported; supported: '"
                + HASH
                + "'");
      }
      FeatureSchema.Builder builder = FeatureSchema.builder();
      JsonNode name = value(root, SchemaMembers.ROOT, "name", where);
      if (name != null) {
        builder.optName(name.asText());
      }
      JsonNode seed = value(root, SchemaMembers.ROOT, "seed", where);
      builder.optSeed(seed == null ? 0 : seed.asInt());
      JsonNode fields = value(root, SchemaMembers.ROOT, "fields", where);
      for (int i = 0; i < fields.size(); i++) {
        builder.addField(field(fields.get(i), i));
      }
      List<List<String>> gates = new ArrayList<>();
      JsonNode gateContexts = value(root, SchemaMembers.ROOT, "gateContexts", where);
      if (gateContexts != null) {
        gateContexts.forEach(gate -> gates.add(texts(gate)));
      }
      builder.optGateContexts(gates);
      JsonNode input = strict ? value(root, SchemaMembers.ROOT, "input", where) : null;
      if (input != null) {
        builder.optInput(input((ObjectNode) input));
      }
      FeatureSchema schema = builder.build();
      JsonNode declared = value(root, SchemaMembers.ROOT, "totalRows", where);
      if (declared != null && declared.asLong() != schema.totalRows()) {
        throw new IllegalArgumentException(
            "feature schema declares totalRows "
                + declared.asLong()
                + " but its fields need "
                + schema.totalRows()
                + "; correct it to "
                + schema.totalRows()
                + " or remove the member (it is computed)");
      }
      return schema;
    }

    private FieldSpec field(JsonNode node, int index) {
      if (!node.isObject()) {
        throw new IllegalArgumentException(
            "fields[" + index + "] must be an object {\"name\": ..., \"encoding\": ...}");
      }
      JsonNode nameNode = value(node, SchemaMembers.FIELD, "name", "fields[" + index + "]");
      String name = nameNode.asText();
      String where = "field '" + name + "'";
      String encodingName = value(node, SchemaMembers.FIELD, "encoding", where).asText();
      SchemaMembers.Encoding encoding = SchemaMembers.encodingsByName().get(encodingName);
      if (encoding == null) {
        throw new IllegalArgumentException(
            where
                + " has unknown encoding '"
                + encodingName
                + "'; expected one of "
                + SchemaMembers.encodingNames());
      }
      List<Member> members = new ArrayList<>(SchemaMembers.FIELD);
      members.addAll(encoding.members());
      members(node, members, where, " for encoding " + encodingName);
      try {
        return switch (encodingName) {
          case "hashed" -> FieldSpec.hashed(name, integer(node, members, "buckets", where));
          case "idRange" ->
              FieldSpec.idRange(
                  name,
                  value(node, members, "first", where).asLong(),
                  value(node, members, "last", where).asLong());
          case "vocabulary" ->
              FieldSpec.vocabulary(name, texts(value(node, members, "values", where)));
          case "logSquared" ->
              FieldSpec.logSquared(
                  name,
                  integer(node, members, "lowest", where),
                  integer(node, members, "highest", where));
          case "log1p" -> FieldSpec.log1p(name, integer(node, members, "buckets", where));
          default -> {
            List<Double> bounds = new ArrayList<>();
            value(node, members, "boundaries", where).forEach(b -> bounds.add(b.asDouble()));
            yield FieldSpec.boundaries(name, bounds);
          }
        };
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith(where)) {
          throw e;
        }
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }

    private DatasetLayout input(ObjectNode node) {
      String where = "input";
      members(node, SchemaMembers.INPUT, where, "");
      DatasetFormat format;
      try {
        format = DatasetFormat.parse(value(node, SchemaMembers.INPUT, "format", where).asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("input.format: " + e.getMessage(), e);
      }
      if (format != DatasetFormat.CSV) {
        for (String member : SchemaMembers.CSV_ONLY) {
          if (node.has(member)) {
            throw new IllegalArgumentException(
                "input."
                    + member
                    + " applies to format csv only; "
                    + format.name().toLowerCase(java.util.Locale.ROOT)
                    + " files fix their own columns");
          }
        }
      }
      JsonNode names = value(node, SchemaMembers.INPUT, "fieldNames", where);
      if (names != null && format != DatasetFormat.LIBFM) {
        throw new IllegalArgumentException("input.fieldNames applies to format libfm only");
      }
      CsvOptions csv;
      try {
        csv = csv(node);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage().startsWith("input") ? e.getMessage() : "input: " + e.getMessage(), e);
      }
      return new DatasetLayout(format, names == null ? List.of() : texts(names), csv);
    }

    private CsvOptions csv(ObjectNode node) {
      List<Member> m = SchemaMembers.INPUT;
      CsvOptions.Builder csv = CsvOptions.builder();
      JsonNode label = value(node, m, "labelColumn", "input");
      if (label != null) {
        csv.optLabelColumn(label.asText());
      }
      JsonNode threshold = value(node, m, "labelThreshold", "input");
      if (threshold != null) {
        csv.optLabelThreshold(threshold.asDouble());
      }
      JsonNode id = value(node, m, "idColumn", "input");
      if (id != null) {
        csv.optIdColumn(id.asText());
      }
      JsonNode time = value(node, m, "timeColumn", "input");
      JsonNode timeFormat = value(node, m, "timeFormat", "input");
      if (timeFormat != null && time == null) {
        throw new IllegalArgumentException("input.timeFormat needs input.timeColumn");
      }
      if (time != null) {
        var format =
            timeFormat == null
                ? org.ctrflow.connectors.replay.TimeFormat.EPOCH
                : org.ctrflow.connectors.replay.TimeFormat.parse(timeFormat.asText());
        csv.optTimeColumn(time.asText(), format);
      }
      JsonNode delimiter = value(node, m, "delimiter", "input");
      if (delimiter != null) {
        csv.optDelimiter(delimiter.asText().charAt(0));
      }
      JsonNode header = value(node, m, "header", "input");
      if (header != null) {
        csv.optHeader(texts(header));
      }
      return csv.build();
    }

    /** Rejects members the declarations do not list (strict reading only). */
    private void members(JsonNode node, List<Member> declared, String where, String context) {
      if (!strict) {
        return;
      }
      for (var names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (declared.stream().noneMatch(m -> m.name().equals(name))) {
          throw new IllegalArgumentException(
              where
                  + " has unknown member '"
                  + name
                  + "'; valid members"
                  + context
                  + ": "
                  + String.join(", ", declared.stream().map(Member::name).toList()));
        }
      }
    }

    /**
     * The member's value, type-checked; null when absent and optional.
     *
     * @throws IllegalArgumentException when required and absent, or of the wrong JSON type
     */
    private JsonNode value(JsonNode node, List<Member> declared, String name, String where) {
      Member member =
          declared.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        // Version 1 required every member the writer writes, except input.
        if (member.required() || (!strict && !name.equals("input"))) {
          throw new IllegalArgumentException(where + " lacks the required member '" + name + "'");
        }
        return null;
      }
      if (strict && !hasType(value, member.type())) {
        throw new IllegalArgumentException(
            where
                + ": '"
                + name
                + "' must be "
                + article(member.type().label)
                + "; was "
                + value
                + " ("
                + member.description()
                + ")");
      }
      return value;
    }

    private int integer(JsonNode node, List<Member> declared, String name, String where) {
      JsonNode value = value(node, declared, name, where);
      if (strict && !value.canConvertToInt()) {
        throw new IllegalArgumentException(
            where + ": '" + name + "' must fit a 32-bit integer; was " + value);
      }
      return value.asInt();
    }
  }

  private static boolean hasType(JsonNode value, SchemaMembers.Type type) {
    return switch (type) {
      case INTEGER -> value.isIntegralNumber();
      case NUMBER -> value.isNumber();
      case STRING -> value.isTextual();
      case CHARACTER -> value.isTextual() && value.asText().length() == 1;
      case STRINGS -> value.isArray() && all(value, JsonNode::isTextual);
      case NUMBERS -> value.isArray() && all(value, JsonNode::isNumber);
      case FIELDS -> value.isArray();
      case GATES -> value.isArray() && all(value, g -> g.isArray() && all(g, JsonNode::isTextual));
      case OBJECT -> value.isObject();
    };
  }

  private static boolean all(JsonNode array, java.util.function.Predicate<JsonNode> test) {
    for (JsonNode element : array) {
      if (!test.test(element)) {
        return false;
      }
    }
    return true;
  }

  private static String article(String label) {
    return (label.startsWith("a") || label.startsWith("i") || label.startsWith("o") ? "an " : "a ")
        + label;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }
}
