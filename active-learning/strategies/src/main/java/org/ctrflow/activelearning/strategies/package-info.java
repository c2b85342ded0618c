/**
 * Active-learning query strategies and budgeted stream selection. Free of RocksDB and server code:
 * the Flink scoring job runs them.
 */
package org.ctrflow.activelearning.strategies;
