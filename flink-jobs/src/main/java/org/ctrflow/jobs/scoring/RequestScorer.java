package org.ctrflow.jobs.scoring;

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
 * Scores one request with the followed models and decides whether to send it for labeling: the
 * prediction carries the primary model's score and version, every loaded model's score and the
 * strategy's uncertainty; the {@link BudgetedSelector} picks samples under the labeling budget with
 * a known query probability, and the {@link DiversityGuard} (when on) keeps near duplicates of
 * samples already queued out. Flink-free; one per scoring instance.
 */
final class RequestScorer {

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
  RequestScorer(ScoringConfig config, BudgetedSelector selector, DiversityGuard guard) {
    this.config = config;
    this.selector = selector;
    this.guard = guard;
    this.bald =
        config.strategy() == ScoringConfig.Strategy.BALD
            ? new McDropoutBald(config.mcPasses())
            : null;
  }

  /**
   * @param models loaded models, primary first (the primary must be loaded)
   */
  Scored score(ScoreRequest request, Map<String, Servable> models) {
    List<ScoreRequest> one = List.of(request);
    Map<String, Double> scores = new LinkedHashMap<>();
    models.forEach(
        (name, servable) ->
            scores.put(
                name,
                servable
                    .score(one, ScoreRequest::features, ScoreRequest::numericFeatures)
                    .probability(0)));
    Servable primary = models.get(config.primary());
    double score = scores.get(config.primary());
    double uncertainty =
        switch (config.strategy()) {
          case ENTROPY -> Uncertainty.entropyBits(score);
          case BALD ->
              bald.estimate(primary, one, ScoreRequest::features, ScoreRequest::numericFeatures)[0]
                  .mutualInformation();
          case COMMITTEE ->
              MutualInformation.of(scores.values().stream().mapToDouble(d -> d).toArray());
        };
    long version = primary.info().version();
    Prediction prediction =
        new Prediction(
            request.requestId(),
            request.eventTime(),
            score,
            config.primary(),
            version,
            scores,
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
