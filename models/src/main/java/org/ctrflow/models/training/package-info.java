/**
 * Online training of the {@link org.ctrflow.models.blocks} models: {@link
 * org.ctrflow.models.training.OnlineTrainer} (test-then-train steps with importance-weighted BCE,
 * global gradient-norm clipping, Adam for dense parameters and a row-sparse lazy Adam for the
 * embedding table, optional replay of recent examples), {@link
 * org.ctrflow.models.training.MicroBatcher} (size / max-wait micro-batches) and {@link
 * org.ctrflow.models.training.TrainerConfig} (hyper-parameters, JSON overrides).
 *
 * <p>Deviations from FuxiCTR's training, on purpose:
 *
 * <ul>
 *   <li>Embedding rows use lazy Adam: rows a step does not touch keep weights and moments (dense
 *       Adam moves every row each step with its decaying momentum). A step costs O(batch).
 *   <li>The embedding L2 penalty applies to the rows a step touches only, not to the whole table:
 *       the whole-table penalty would make each step O(table) again.
 *   <li>Gradient clipping covers the dense gradients and the touched rows' gradients together,
 *       which is the norm of the full gradient (untouched rows' gradients are zero).
 * </ul>
 *
 * <p>DJL allows one active gradient collector per JVM: all trainers of a JVM share one lock; use
 * each trainer from one thread.
 */
package org.ctrflow.models.training;
