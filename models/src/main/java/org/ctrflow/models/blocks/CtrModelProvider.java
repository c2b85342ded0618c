package org.ctrflow.models.blocks;

import java.util.List;

/**
 * Contributes models to {@link CtrModels} from another module, found with {@link
 * java.util.ServiceLoader} (a {@code META-INF/services/org.ctrflow.models.blocks.CtrModelProvider}
 * file), so that {@code models} does not depend on the modules that extend it. Every command,
 * trainer, snapshot reader and server that builds blocks through {@link CtrModels#create} then
 * knows the provider's names once its jar is on the class path.
 */
public interface CtrModelProvider {

  /** The model names this provider builds; they must not clash with other providers'. */
  List<String> names();

  /**
   * Builds the uninitialised blocks of {@code config.model()}, one of {@link #names()}.
   *
   * @throws IllegalArgumentException for options or hyper-parameters the model rejects, naming the
   *     setting and what a valid value looks like
   */
  CtrModelBlock create(CtrModelConfig config);
}
