package org.ctrflow.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models this server serves, by name, each with its warm versions. */
final class ModelRegistry implements AutoCloseable {

  private final Map<String, ModelVersions> models = new LinkedHashMap<>();

  ModelRegistry(List<String> names, int warmVersions) {
    for (String name : names) {
      models.put(name, new ModelVersions(name, warmVersions));
    }
  }

  Optional<ModelVersions> model(String name) {
    return Optional.ofNullable(models.get(name));
  }

  /**
   * @throws ApiException 404 naming the served models
   */
  ModelVersions require(String name) {
    ModelVersions m = models.get(name);
    if (m == null) {
      throw new ApiException(
          404, "model: unknown model '" + name + "'; this server serves " + models.keySet());
    }
    return m;
  }

  List<String> names() {
    return List.copyOf(models.keySet());
  }

  /** Ready once every model has a version; stays ready through refreshes. */
  boolean ready() {
    return models.values().stream().allMatch(m -> m.peekCurrent() != null);
  }

  @Override
  public void close() {
    models.values().forEach(ModelVersions::closeAll);
  }
}
