package org.ctrflow.labelqueue.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The queue's RocksDB database: one column family per {@link Family}. Every write goes through
 * {@link #write(WriteBatch)} with the write-ahead log synced to disk before it returns, so whatever
 * a caller acknowledges (a Kafka offset commit, an HTTP 200) survives a killed process.
 */
public final class QueueStore implements AutoCloseable {

  /** The column families. Names are stored on disk; never rename one. */
  public enum Family {
    /** sample id -> {@link TaskRecord} JSON. */
    TASKS("tasks"),
    /** priority key ({@link TaskKeys#priority}) -> empty: the pending tasks, best first. */
    PENDING("pending"),
    /** lease key ({@link TaskKeys#lease}) -> empty: the leased tasks by lease end. */
    LEASES("leases"),
    /** sequence -> HumanLabel JSON: labels not yet committed to the human-labels topic. */
    LABEL_OUTBOX("label-outbox"),
    /**
     * delivery key ({@link TaskKeys#delivery}) -> {@code HookDelivery} JSON: web hook deliveries
     * not yet acknowledged, grouped by subscriber.
     */
    HOOK_OUTBOX("hook-outbox"),
    /** subscriber id -> {@code Subscriber} JSON. */
    SUBSCRIBERS("subscribers"),
    /** inbound web hook id -> receive time: duplicate deliveries are recognised and ignored. */
    INBOUND_IDS("inbound-ids"),
    /** sequence -> {@code ParkedLabels.Parked} JSON: outbox labels that cannot be published. */
    LABEL_PARKED("label-parked");

    private final String cfName;

    Family(String cfName) {
      this.cfName = cfName;
    }
  }

  static {
    RocksDB.loadLibrary();
  }

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final Map<Family, ColumnFamilyHandle> families = new EnumMap<>(Family.class);
  private final Map<Family, AtomicLong> sequences = new ConcurrentHashMap<>();
  private final WriteOptions syncWrites = new WriteOptions().setSync(true);

  private QueueStore(Path dir) throws RocksDBException {
    dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
    cfOptions = new ColumnFamilyOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Family family : Family.values()) {
      descriptors.add(new ColumnFamilyDescriptor(TaskKeys.utf8(family.cfName), cfOptions));
    }
    handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    for (Family family : Family.values()) {
      families.put(family, handles.get(family.ordinal() + 1));
    }
  }

  /** Opens (or creates) the database in {@code dir}. */
  public static QueueStore open(Path dir) {
    try {
      Files.createDirectories(dir);
      return new QueueStore(dir);
    } catch (RocksDBException | java.io.IOException e) {
      throw new StoreException("cannot open the queue database in " + dir + ": " + e, e);
    }
  }

  public byte[] get(Family family, byte[] key) {
    try {
      return db.get(families.get(family), key);
    } catch (RocksDBException e) {
      throw new StoreException("read from " + family + " failed: " + e, e);
    }
  }

  /** Adds a put of {@code key} in {@code family} to {@code batch}. */
  public void put(WriteBatch batch, Family family, byte[] key, byte[] value) {
    try {
      batch.put(families.get(family), key, value);
    } catch (RocksDBException e) {
      throw new StoreException("batch put failed: " + e, e);
    }
  }

  public void delete(WriteBatch batch, Family family, byte[] key) {
    try {
      batch.delete(families.get(family), key);
    } catch (RocksDBException e) {
      throw new StoreException("batch delete failed: " + e, e);
    }
  }

  /** Applies {@code batch} atomically; returns once it is in the synced write-ahead log. */
  public void write(WriteBatch batch) {
    try {
      db.write(syncWrites, batch);
    } catch (RocksDBException e) {
      throw new StoreException("durable write failed: " + e, e);
    }
  }

  /**
   * Visits the entries of {@code family} in key order from {@code fromKey} (inclusive; null: the
   * first) until {@code visitor} returns false.
   */
  public void scan(Family family, byte[] fromKey, BiPredicate<byte[], byte[]> visitor) {
    try (RocksIterator it = db.newIterator(families.get(family))) {
      if (fromKey == null) {
        it.seekToFirst();
      } else {
        it.seek(fromKey);
      }
      for (; it.isValid(); it.next()) {
        if (!visitor.test(it.key(), it.value())) {
          return;
        }
      }
    }
  }

  /**
   * Visits the entries whose key starts with {@code prefix} until {@code visitor} returns false.
   */
  public void scanPrefix(Family family, byte[] prefix, BiPredicate<byte[], byte[]> visitor) {
    scan(family, prefix, (k, v) -> startsWith(k, prefix) && visitor.test(k, v));
  }

  /** Adds the deletion of every key starting with {@code prefix} to {@code batch}. */
  public void deletePrefix(WriteBatch batch, Family family, byte[] prefix) {
    scanPrefix(
        family,
        prefix,
        (k, v) -> {
          delete(batch, family, k);
          return true;
        });
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * The next sequence of an outbox family: one past the largest sequence its keys end with (read
   * once per family, by a scan), so sequences grow across restarts while entries remain.
   */
  public long nextSequence(Family family) {
    return sequences
        .computeIfAbsent(
            family,
            f -> {
              long[] max = {-1};
              scan(
                  f,
                  null,
                  (k, v) -> {
                    max[0] = Math.max(max[0], TaskKeys.trailingSequence(k));
                    return true;
                  });
              return new AtomicLong(max[0] + 1);
            })
        .getAndIncrement();
  }

  /** Number of entries in {@code family}; exact, by scanning (the families stay small). */
  public long count(Family family) {
    long[] n = {0};
    scan(
        family,
        null,
        (k, v) -> {
          n[0]++;
          return true;
        });
    return n[0];
  }

  @Override
  public void close() {
    for (ColumnFamilyHandle handle : handles) {
      handle.close();
    }
    db.close();
    syncWrites.close();
    dbOptions.close();
    cfOptions.close();
  }
}
