package org.ctrflow.activelearning.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MutualInformationTest {

  @Test
  void byHand() {
    // H(0.5) - (H(0.2) + H(0.8)) / 2 = 1 - 0.721928...
    assertThat(MutualInformation.of(new double[] {0.2, 0.8}))
        .isCloseTo(0.2780719051126377, within(1e-12));
    // members certain and opposite: the full bit
    assertThat(MutualInformation.of(new double[] {0.0, 1.0})).isEqualTo(1.0);
    // agreement, even on an unsure 0.5, is no disagreement
    assertThat(MutualInformation.of(new double[] {0.5, 0.5, 0.5})).isEqualTo(0.0);
    assertThat(MutualInformation.of(new double[] {0.3})).isEqualTo(0.0);
    // H(mean 0.4) - mean(H(0.1), H(0.4), H(0.7)) = 0.970951 - (0.468996 + 0.970951 + 0.881291) / 3
    assertThat(MutualInformation.of(new double[] {0.1, 0.4, 0.7}))
        .isCloseTo(
            0.97095059445 - (0.46899559359 + 0.97095059445 + 0.88129089923) / 3, within(1e-9));
  }

  @Test
  void committeeDisagreementPerSample() {
    double[] finalMlp = {0.9, 0.5, 0.02};
    double[] memoryNet = {0.1, 0.5, 0.02};

    double[] disagreement = CommitteeDisagreement.of(finalMlp, memoryNet);

    // 1 - H(0.9); then agreement (0) whether unsure or sure
    assertThat(disagreement[0]).isCloseTo(1 - 0.4689955935892812, within(1e-12));
    assertThat(disagreement[1]).isEqualTo(0.0);
    assertThat(disagreement[2]).isEqualTo(0.0);
  }

  @Test
  void rejectsMalformedCommitteesNamingTheField() {
    assertThatThrownBy(() -> CommitteeDisagreement.of(new double[] {0.1}, new double[] {0.1, 0.2}))
        .hasMessage(
            "memberScores[1]: every member scores the same samples, expected 1 scores, was 2");
    assertThatThrownBy(() -> MutualInformation.of(new double[] {0.1, 2}))
        .hasMessageStartingWith("probabilities[1]: must be a probability");
    assertThatThrownBy(() -> MutualInformation.of(new double[0]))
        .hasMessageStartingWith("probabilities: ");
  }
}
