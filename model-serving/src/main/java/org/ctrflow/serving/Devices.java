package org.ctrflow.serving;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** {@code --device auto|cpu|gpu[:N]} to a DJL device. */
final class Devices {

  private Devices() {}

  /**
   * @param gpus how many GPUs the engine sees ({@code Engine.getInstance().getGpuCount()})
   * @throws IllegalArgumentException naming the valid forms, or when a GPU that is not there is
   *     asked for
   */
  static Device parse(String text, int gpus) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (t.equals("cpu")) {
      return Device.cpu();
    }
    if (t.equals("gpu") || t.startsWith("gpu:")) {
      int id;
      try {
        id = t.equals("gpu") ? 0 : Integer.parseInt(t.substring(4));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      if (id < 0 || id >= gpus) {
        throw new IllegalArgumentException(
            "device: gpu:"
                + id
                + " asked for, but the "
                + Engine.getInstance().getEngineName()
                + " engine sees "
                + gpus
                + " GPU(s); use cpu or auto, or a GPU build (docs/concepts/model-serving.md)");
      }
      return Device.gpu(id);
    }
    throw invalid(text);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "device: must be auto, cpu, gpu or gpu:N (e.g. gpu:1), was '" + text + "'");
  }
}
