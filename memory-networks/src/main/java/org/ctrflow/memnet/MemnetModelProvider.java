package org.ctrflow.memnet;

import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModelProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers {@code memnet} ({@link MemoryNetworkBlock}) and {@code hybrid} ({@link
 * MemoryFinalMlpBlock}) with {@code CtrModels}. The older names {@code nmn} and {@code
 * nmn-finalmlp} are still read, so their snapshots load, with a warning naming the current name.
 */
public final class MemnetModelProvider implements CtrModelProvider {

  private static final Logger LOG = LoggerFactory.getLogger(MemnetModelProvider.class);

  @Override
  public List<String> names() {
    return List.of("memnet", "hybrid", "nmn", "nmn-finalmlp");
  }

  @Override
  public CtrModelBlock create(CtrModelConfig config) {
    MemnetOptions options = MemnetOptions.parse(config.options());
    String current =
        switch (config.model()) {
          case "nmn" -> "memnet";
          case "nmn-finalmlp" -> "hybrid";
          default -> null;
        };
    if (current != null) {
      LOG.warn("model name '{}' is deprecated; it is '{}' now", config.model(), current);
    }
    return switch (config.model()) {
      case "memnet", "nmn" -> new MemoryNetworkBlock(config, options);
      case "hybrid", "nmn-finalmlp" -> new MemoryFinalMlpBlock(config, options);
      default -> throw new IllegalArgumentException("not a memory model: " + config.model());
    };
  }
}
