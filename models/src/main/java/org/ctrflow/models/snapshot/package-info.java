/**
 * Model versions on the wire and on disk, and the Flink-free scorer the jobs and the model server
 * share.
 *
 * <ul>
 *   <li>{@link org.ctrflow.models.snapshot.ModelSnapshot}: a full version (schema, config, every
 *       weight), magic "CTRS";
 *   <li>{@link org.ctrflow.models.snapshot.ModelDelta}: dense weights plus the touched embedding
 *       rows since a base version, magic "CTRD"; {@link org.ctrflow.models.snapshot.DeltaChunks}
 *       cuts it into {@code ModelUpdate} events and back;
 *   <li>{@link org.ctrflow.models.snapshot.Servable}: scores feature maps with one version and
 *       applies deltas into new Servables;
 *   <li>{@link org.ctrflow.models.snapshot.ModelStore} / {@link
 *       org.ctrflow.models.snapshot.DirectoryModelStore}: where snapshots are kept; {@link
 *       org.ctrflow.models.snapshot.SnapshotAnnouncements} stores and announces one;
 *   <li>{@link org.ctrflow.models.snapshot.ModelUpdateFollower}: turns the model-updates stream
 *       into the latest good Servable (the model server and the scoring job both use it).
 * </ul>
 *
 * <p>Both formats share one frame (magic, format version, length, trailing SHA-256) and one tensor
 * layout; every rejection is a {@link org.ctrflow.models.snapshot.SnapshotFormatException} whose
 * {@code reason()} names the broken rule.
 */
package org.ctrflow.models.snapshot;
