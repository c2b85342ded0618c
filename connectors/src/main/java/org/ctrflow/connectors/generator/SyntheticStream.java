package org.ctrflow.connectors.generator;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;

/**
 * An endless, deterministic stream of impressions labelled by a hidden {@link TeacherModel}, with
 * the config's drift script applied at its event indices. Each field's value is drawn from a Zipf
 * distribution over popularity ranks; a click is drawn Bernoulli(p_true).
 */
public final class SyntheticStream implements Iterator<SyntheticEvent> {

  private final GeneratorConfig config;
  private final TeacherModel teacher;
  private final SplittableRandom random;
  private final ZipfSampler[] samplers;

  /** idByRank[field][rank]: which value holds a popularity rank (new items take the top ones). */
  private final int[][] idByRank;

  private final String idPrefix;
  private final int itemField;
  private long index;
  private int phase;

  public SyntheticStream(GeneratorConfig config) {
    this.config = config;
    SplittableRandom root = new SplittableRandom(config.seed());
    // Separate streams, so drawing more or fewer events never changes the teacher's weights.
    this.teacher = new TeacherModel(config, root.split());
    this.random = root.split();
    List<GeneratorConfig.Field> fields = config.fields();
    samplers = new ZipfSampler[fields.size()];
    idByRank = new int[fields.size()][];
    for (int f = 0; f < fields.size(); f++) {
      samplers[f] = new ZipfSampler(fields.get(f).cardinality(), config.zipfExponent());
      idByRank[f] = identity(fields.get(f).cardinality());
    }
    this.idPrefix = "gen-" + config.seed() + "-";
    this.itemField = config.fieldIndex(GeneratorConfig.ITEM_FIELD);
  }

  /** Always true: the stream never ends; bound it with a count. */
  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public SyntheticEvent next() {
    applyDrift();
    List<GeneratorConfig.Field> fields = config.fields();
    int[] values = new int[fields.size()];
    Map<String, String> features = new LinkedHashMap<>();
    for (int f = 0; f < values.length; f++) {
      values[f] = idByRank[f][samplers[f].sample(random)];
      features.put(fields.get(f).name(), Integer.toString(values[f]));
    }
    double p = teacher.probability(values);
    String id = idPrefix + index;
    long time = config.startTimeMillis() + (long) (index * 1000.0 / config.eventsPerSecond());
    Impression impression = new Impression(id, time, features, Map.of());
    Optional<Click> click =
        random.nextDouble() < p
            ? Optional.of(new Click(id, time + config.clickDelay().millisFor(id)))
            : Optional.empty();
    return new SyntheticEvent(index++, impression, click, p, phase);
  }

  private void applyDrift() {
    List<DriftStep> steps = config.drift().steps();
    while (phase < steps.size() && steps.get(phase).atEvent() <= index) {
      DriftStep step = steps.get(phase++);
      if (step instanceof DriftStep.FlipSegment flip) {
        teacher.flip(config.fieldIndex(flip.field()), flip.value());
      } else if (step instanceof DriftStep.NewItems items) {
        addItems(items.count());
      } else if (step instanceof DriftStep.BaseRate rate) {
        teacher.baseRate(rate.ctr());
      }
    }
  }

  private void addItems(int count) {
    int old = idByRank[itemField].length;
    teacher.grow(itemField, count);
    int[] ranks = new int[old + count];
    for (int i = 0; i < count; i++) {
      ranks[i] = old + i;
    }
    System.arraycopy(idByRank[itemField], 0, ranks, count, old);
    idByRank[itemField] = ranks;
    samplers[itemField] = new ZipfSampler(old + count, config.zipfExponent());
  }

  private static int[] identity(int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }
}
