package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DevicesTest {

  @Test
  void autoPicksTheFirstGpuWhenTheEngineSeesOneElseTheCpu() {
    assertThat(Devices.parse("auto", 0)).isEqualTo(Device.cpu());
    assertThat(Devices.parse("auto", 2)).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse(" AUTO ", 1)).isEqualTo(Device.gpu(0));
  }

  @Test
  void cpuAndNumberedGpus() {
    assertThat(Devices.parse("cpu", 4)).isEqualTo(Device.cpu());
    assertThat(Devices.parse("gpu", 1)).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse("gpu:3", 4)).isEqualTo(Device.gpu(3));
  }

  @Test
  void aGpuThatIsNotThereFailsNamingHowManyTheEngineSees() {
    assertThatThrownBy(() -> Devices.parse("gpu", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("device: gpu:0 asked for, but the ")
        .hasMessageContaining("engine sees 0 GPU(s)");
    assertThatThrownBy(() -> Devices.parse("gpu:2", 2))
        .hasMessageContaining("device: gpu:2 asked for")
        .hasMessageContaining("sees 2 GPU(s)");
  }

  @Test
  void anythingElseFailsNamingTheValidForms() {
    for (String bad : new String[] {"tpu", "gpu:", "gpu:x", "gpu:-1", ""}) {
      assertThatThrownBy(() -> Devices.parse(bad, 1))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("device: ");
    }
    assertThatThrownBy(() -> Devices.parse("tpu", 1))
        .hasMessage("device: must be auto, cpu, gpu or gpu:N (e.g. gpu:1), was 'tpu'");
  }
}
