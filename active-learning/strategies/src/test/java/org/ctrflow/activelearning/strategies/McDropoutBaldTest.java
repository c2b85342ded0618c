package org.ctrflow.activelearning.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import java.util.List;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Servable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class McDropoutBaldTest {

  private static final List<FeatureRow> ROWS =
      List.of(TrainedModel.row(3, 10), TrainedModel.row(60, 20), TrainedModel.row(500, 7));

  @Test
  void estimateFromPassesByHand() {
    McDropoutBald.Estimate e = McDropoutBald.of(new double[] {0.2, 0.8, 0.2, 0.8});
    assertThat(e.meanProbability()).isCloseTo(0.5, within(1e-15));
    assertThat(e.mutualInformation()).isCloseTo(0.2780719051126377, within(1e-12));
  }

  @Test
  void aModelWithDropoutHasPositiveBaldAndOneWithoutHasNone() throws Exception {
    Engine.getInstance().setRandomSeed(11);
    McDropoutBald bald = new McDropoutBald(30);

    try (Servable withDropout = TrainedModel.servable(0.3f)) {
      McDropoutBald.Estimate[] estimates =
          bald.estimate(withDropout, ROWS, FeatureRow::categorical, FeatureRow::numeric);
      assertThat(estimates).hasSize(3);
      for (McDropoutBald.Estimate e : estimates) {
        System.out.println("with dropout 0.3: " + e);
        assertThat(e.mutualInformation()).isGreaterThan(1e-4).isLessThanOrEqualTo(1.0);
      }
    }
    try (Servable withoutDropout = TrainedModel.servable(0f)) {
      double[] inference = withoutDropout.score(ROWS).probabilities();
      McDropoutBald.Estimate[] estimates =
          bald.estimate(withoutDropout, ROWS, FeatureRow::categorical, FeatureRow::numeric);
      for (int i = 0; i < ROWS.size(); i++) {
        assertThat(estimates[i].mutualInformation()).isEqualTo(0.0);
        assertThat(estimates[i].meanProbability()).isCloseTo(inference[i], within(1e-6));
      }
    }
  }

  @Test
  void needsAtLeastTwoPasses() {
    assertThatThrownBy(() -> new McDropoutBald(1)).hasMessageStartingWith("passes: ");
  }
}
