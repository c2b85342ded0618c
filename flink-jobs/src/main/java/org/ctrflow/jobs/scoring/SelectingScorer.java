package org.ctrflow.jobs.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.activelearning.strategies.BudgetedSelector;
import org.ctrflow.activelearning.strategies.DiversityGuard;
import org.ctrflow.activelearning.strategies.McDropoutBald;
import org.ctrflow.activelearning.strategies.MutualInformation;
import org.ctrflow.activelearning.strategies.Uncertainty;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.models.snapshot.Servable;

/**
 * Scores batches of requests with the followed models and decides for each request whether to send
 * it for labeling: the prediction carries the primary model's score and version, every loaded
 * model's score and the strategy's uncertainty; the {@link BudgetedSelector} picks samples under
 * the labeling budget with a known query probability, and the {@link DiversityGuard} (when on)
 * keeps near duplicates of samples already queued out. Flink-free; one per scoring instance.
 */
final class SelectingScorer {

  /** A prediction, and the label request when the sample was selected (else null). */
  record Scored(Prediction prediction, LabelRequest labelRequest) {}

  private final ScoringConfig config;
  private final BudgetedSelector selector;
  private final DiversityGuard guard;
  private final McDropoutBald bald;
  private long refusedAsDuplicates;

  /**
   * @param guard null when the diversity guard is off
   */
  SelectingScorer(ScoringConfig config, BudgetedSelector selector, DiversityGuard guard) {
    this.config = config;
    this.selector = selector;
    this.guard = guard;
    this.bald =
        config.strategy() == ScoringConfig.Strategy.BALD
            ? new McDropoutBald(config.mcPasses())
            : null;
  }

  /**
   * Scores a batch with one forward pass per model (B requests -> (B, F) indices -> B
   * probabilities), then measures uncertainty and runs the selector over the requests in their
   * arrival order, so the selector's and guard's state evolve exactly as for one request at a time.
   *
   * @param batch requests in arrival order, at least one
   * @param models loaded models, primary first (the primary must be loaded)
   * @return one result per request, in the batch's order
   */
  List<Scored> score(List<ScoreRequest> batch, Map<String, Servable> models) {
    Map<String, double[]> scores = new LinkedHashMap<>();
    models.forEach(
        (name, servable) ->
            scores.put(
                name,
                servable
                    .score(batch, ScoreRequest::features, ScoreRequest::numericFeatures)
                    .probabilities()));
    Servable primary = models.get(config.primary());
    long version = primary.info().version();
    double[] primaryScores = scores.get(config.primary());
    McDropoutBald.Estimate[] estimates =
        bald == null
            ? null
            : bald.estimate(primary, batch, ScoreRequest::features, ScoreRequest::numericFeatures);
    List<Scored> results = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Map<String, Double> modelScores = new LinkedHashMap<>();
      for (Map.Entry<String, double[]> e : scores.entrySet()) {
        modelScores.put(e.getKey(), e.getValue()[i]);
      }
      double score = primaryScores[i];
      double uncertainty =
          switch (config.strategy()) {
            case ENTROPY -> Uncertainty.entropyBits(score);
            case BALD -> estimates[i].mutualInformation();
            case COMMITTEE ->
                MutualInformation.of(modelScores.values().stream().mapToDouble(d -> d).toArray());
          };
      results.add(select(batch.get(i), score, uncertainty, modelScores, version));
    }
    return results;
  }

  private Scored select(
      ScoreRequest request,
      double score,
      double uncertainty,
      Map<String, Double> modelScores,
      long version) {
    Prediction prediction =
        new Prediction(
            request.requestId(),
            request.eventTime(),
            score,
            config.primary(),
            version,
            modelScores,
            uncertainty);
    BudgetedSelector.Selection selection = selector.select(uncertainty, request.eventTime());
    if (!selection.selected()) {
      return new Scored(prediction, null);
    }
    if (guard != null
        && !guard.tryAdmit(request.features(), request.numericFeatures(), request.eventTime())) {
      refusedAsDuplicates++;
      return new Scored(prediction, null);
    }
    LabelRequest labelRequest =
        new LabelRequest(
            request.requestId(),
            request.eventTime(),
            request.features(),
            request.numericFeatures(),
            score,
            uncertainty,
            selection.queryProbability(),
            config.strategy().label(),
            config.primary(),
            version);
    return new Scored(prediction, labelRequest);
  }

  /** Selected samples the diversity guard kept out since this scorer was created. */
  long refusedAsDuplicates() {
    return refusedAsDuplicates;
  }
}
