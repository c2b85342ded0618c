/**
 * The labeling queue service: durable tasks in RocksDB, an HTTP API, web hooks and the labeler
 * page. Runs in its own JVM: {@code rocksdbjni} must never share a class path with Flink.
 */
package org.ctrflow.labelqueue;
