package org.ctrflow.memnet;

import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModelProvider;

/**
 * Registers {@code memnet} ({@link MemoryNetworkBlock}) and {@code hybrid} ({@link
 * MemoryFinalMlpBlock}) with {@code CtrModels}, with the names {@code nmn} and {@code
 * nmn-finalmlp} as aliases.
 */
public final class MemnetModelProvider implements CtrModelProvider {

  @Override
  public List<String> names() {
    return List.of("memnet", "hybrid", "nmn", "nmn-finalmlp");
  }

  @Override
  public CtrModelBlock create(CtrModelConfig config) {
    MemnetOptions options = MemnetOptions.parse(config.options());
    return switch (config.model()) {
      case "memnet", "nmn" -> new MemoryNetworkBlock(config, options);
      case "hybrid", "nmn-finalmlp" -> new MemoryFinalMlpBlock(config, options);
      default -> throw new IllegalArgumentException("not a memory model: " + config.model());
    };
  }
}
