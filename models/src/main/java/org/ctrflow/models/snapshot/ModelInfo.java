package org.ctrflow.models.snapshot;

/**
 * Identity of one model version.
 *
 * @param modelName e.g. {@code finalmlp}; the model store's folder and the update topic's key
 * @param version &gt;= 1, increasing with every published snapshot or delta
 * @param createdAtMillis when the trainer produced this version, epoch milliseconds
 */
public record ModelInfo(String modelName, long version, long createdAtMillis) {

  public ModelInfo {
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("modelName must not be blank");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
  }
}
