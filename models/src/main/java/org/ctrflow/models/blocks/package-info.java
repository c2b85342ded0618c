/**
 * FinalMLP (Mao et al., AAAI 2023) and its ablation baselines as DJL blocks, following FuxiCTR's
 * reference implementation; {@link org.ctrflow.models.blocks.CtrModels#create} picks one by name
 * ({@code finalmlp}, {@code dualmlp}, {@code dnn}) from a {@link
 * org.ctrflow.models.blocks.CtrModelConfig}.
 *
 * <p>Input is a (B, F) array of rows of one embedding table shared by all fields; output is (B, 1)
 * logits. Training uses {@link org.ctrflow.models.blocks.CtrLoss} (sigmoid-BCE plus the embedding
 * regularizer); {@code org.ctrflow.models.snapshot} saves and loads a model with its schema,
 * identity and checksum, checks every tensor on load, and makes deltas.
 *
 * <p>Where we differ from FuxiCTR, on purpose:
 *
 * <ul>
 *   <li>The gates read their context fields from the shared table (FuxiCTR gives each gate a second
 *       embedding table for its context fields). One table keeps memory and dense-optimizer cost at
 *       one table.
 *   <li>A context-free gate's bias vector starts at normal(0, 0.01), not zeros, else it never
 *       learns (see {@link org.ctrflow.models.blocks.FeatureGate}).
 *   <li>The fusion has one bias b (FuxiCTR has two, on w1 and w2, which add up to one).
 * </ul>
 *
 * <p>As in FuxiCTR: Linear weights Xavier-normal, biases zero, embeddings normal(0, 1e-4), fusion W
 * normal with xavier_normal_'s std for a (k·h1·h2, 1) tensor; the embedding regularizer is
 * (λ/2)·‖table‖² over the whole table at every step.
 *
 * <p>Training: DJL allows one active {@code GradientCollector} per JVM, so train from one thread.
 */
package org.ctrflow.models.blocks;
