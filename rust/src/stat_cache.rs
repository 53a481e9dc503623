//! Persistent stat cache: (path, device, inode, size, mtime, ctime) -> digest,
//! so an unchanged file is never read twice, across calls and processes.
//!
//! File format: an 8-byte magic, then append-only records
//! `u32le(len(body)) || body || first 8 bytes of BLAKE3(body)`, with
//! `body = u8 algorithm || u64 dev || u64 ino || u64 size || i64 mtime_ns ||
//! i64 ctime_ns || i64 hashed_at_ns || digest[32] || path bytes`.
//! Later records win (by `hashed_at`). Writers append under an exclusive
//! `flock` on `<path>.lock`; readers read under a shared lock, so a reader
//! never sees half a record from a live writer. A damaged record (crash,
//! disk full) ends the readable part; the next write then compacts: all
//! live entries are written to a temp file that is renamed over the cache.
//! The cache is only an accelerator: when in doubt, a file is hashed again.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, ErrorKind, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, CoreResult};
use crate::file_hash::{Algorithm, Digest32};
use crate::stat_record::{decode_body, CachedDigest, CHECK_BYTES, FIXED_BODY_BYTES};
pub use crate::stat_record::{now_ns, StatKey};
use crate::stat_table::StatTable;

const MAGIC: &[u8; 8] = b"CSTATC01";
/// Compact when the log holds this many more records than live entries.
const COMPACT_SLACK_RECORDS: usize = 4096;
/// No real record is this long (paths are at most a few KiB): damage.
const MAX_BODY_BYTES: usize = 1 << 20;
/// Write new entries in batches of this many (bounds the pending memory).
const FLUSH_BATCH_ENTRIES: usize = 65_536;
/// A new digest to remember: (absolute path, algorithm, stat key, hash time, digest).
pub type NewEntry = (Vec<u8>, Algorithm, StatKey, i64, Digest32);

/// A new digest learned in a parallel pass, naming its file by an id the
/// caller can turn into the path later (no path copy per file meanwhile).
pub type Learned = (usize, Algorithm, StatKey, i64, Digest32);

/// A loaded cache file.
pub struct StatCache {
    path: PathBuf,
    lock_path: PathBuf,
    table: StatTable,
    /// Bytes of the file already merged, and the inode they came from.
    loaded_len: u64,
    loaded_ino: u64,
    records_in_file: usize,
    damaged: bool,
    /// Slots learned here and not written yet.
    dirty: Vec<u32>,
    pub hits: u64,
    pub misses: u64,
}

impl StatCache {
    /// Open (or start) the cache at `path`; its folder must exist.
    pub fn open(path: &Path) -> CoreResult<Self> {
        let path = std::path::absolute(path).map_err(CoreError::at(path))?;
        let mut lock_name = path.clone().into_os_string();
        lock_name.push(".lock");
        let mut cache = StatCache {
            lock_path: PathBuf::from(lock_name),
            path,
            table: StatTable::default(),
            loaded_len: 0,
            loaded_ino: 0,
            records_in_file: 0,
            damaged: false,
            dirty: Vec::new(),
            hits: 0,
            misses: 0,
        };
        let lock = cache.lock(libc::LOCK_SH)?;
        cache.merge_from_disk()?;
        drop(lock);
        Ok(cache)
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of live entries in memory.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Pick up records other processes appended since the last look.
    pub fn refresh(&mut self) -> CoreResult<()> {
        match std::fs::metadata(&self.path) {
            Ok(meta) if meta.ino() == self.loaded_ino && meta.len() == self.loaded_len => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound && self.loaded_len == 0 => Ok(()),
            _ => {
                let lock = self.lock(libc::LOCK_SH)?;
                self.merge_from_disk()?;
                drop(lock);
                Ok(())
            }
        }
    }

    /// The stored digest, if `key` still describes the file and the entry is trusted.
    pub fn lookup(&self, abs_path: &[u8], algorithm: Algorithm, key: &StatKey) -> Option<Digest32> {
        let entry = self.table.get(abs_path, algorithm)?;
        (entry.key == *key && entry.trusted()).then_some(entry.digest)
    }

    /// Remember new digests (written by the next `flush`).
    pub fn record(&mut self, new: impl IntoIterator<Item = NewEntry>) {
        for (path, algorithm, key, hashed_at_ns, digest) in new {
            self.remember(&path, algorithm, key, hashed_at_ns, digest);
        }
    }

    fn remember(
        &mut self,
        path: &[u8],
        algorithm: Algorithm,
        key: StatKey,
        hashed_at_ns: i64,
        digest: Digest32,
    ) {
        let entry = CachedDigest {
            key,
            hashed_at_ns,
            digest,
        };
        if let Some(slot) = self.table.upsert(path, algorithm, entry) {
            self.dirty.push(slot);
        }
    }

    /// Remember one new digest; writes a batch once enough are pending, so a
    /// huge pass never holds its new entries twice.
    pub fn learn(
        &mut self,
        path: &[u8],
        algorithm: Algorithm,
        key: StatKey,
        hashed_at_ns: i64,
        digest: Digest32,
    ) -> CoreResult<()> {
        self.remember(path, algorithm, key, hashed_at_ns, digest);
        if self.dirty.len() >= FLUSH_BATCH_ENTRIES {
            self.flush()?;
        }
        Ok(())
    }

    /// Take in what a parallel pass learned (new entries, hits, misses);
    /// `path_of(id)` gives each file's absolute path. Writes in batches so a
    /// huge pass never holds everything twice.
    pub fn absorb(
        &mut self,
        (learned, hits, misses): (Vec<Learned>, u64, u64),
        path_of: impl Fn(usize) -> Vec<u8>,
    ) -> CoreResult<()> {
        self.hits += hits;
        self.misses += misses;
        for batch in learned.chunks(FLUSH_BATCH_ENTRIES) {
            self.record(batch.iter().map(|&(id, algorithm, key, at, digest)| {
                (path_of(id), algorithm, key, at, digest)
            }));
            if self.dirty.len() >= FLUSH_BATCH_ENTRIES {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Write remembered digests; a no-op when nothing changed.
    pub fn flush(&mut self) -> CoreResult<()> {
        if self.dirty.is_empty() {
            return Ok(());
        }
        let lock = self.lock(libc::LOCK_EX)?;
        self.merge_from_disk()?;
        let slack = (self.records_in_file + self.dirty.len()).saturating_sub(self.len());
        if self.damaged || self.loaded_len == 0 || slack > COMPACT_SLACK_RECORDS.max(self.len()) {
            self.compact()?;
        } else {
            self.append()?;
        }
        drop(lock);
        Ok(())
    }

    fn append(&mut self) -> CoreResult<()> {
        let mut file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(CoreError::at(&self.path))?;
        let mut bytes = Vec::with_capacity(self.dirty.len() * 128);
        for &slot in &self.dirty {
            self.table.encode_slot(slot, &mut bytes);
        }
        file.write_all(&bytes).map_err(CoreError::at(&self.path))?;
        self.records_in_file += self.dirty.len();
        self.loaded_len += bytes.len() as u64;
        self.dirty.clear();
        Ok(())
    }

    fn compact(&mut self) -> CoreResult<()> {
        let tmp = crate::place::temp_sibling(&self.path);
        let written = self
            .write_all_entries(&tmp)
            .and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(CoreError::io(&self.path, e));
        }
        let meta = std::fs::metadata(&self.path).map_err(CoreError::at(&self.path))?;
        self.loaded_ino = meta.ino();
        self.loaded_len = meta.len();
        self.records_in_file = self.len();
        self.damaged = false;
        self.dirty.clear();
        Ok(())
    }

    fn write_all_entries(&self, tmp: &Path) -> std::io::Result<()> {
        let mut file = std::io::BufWriter::with_capacity(1 << 20, File::create(tmp)?);
        file.write_all(MAGIC)?;
        let mut bytes = Vec::with_capacity(256);
        for slot in self.table.live_slots() {
            bytes.clear();
            self.table.encode_slot(slot, &mut bytes);
            file.write_all(&bytes)?;
        }
        file.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    }

    /// Read what is new on disk (all of it after a compaction elsewhere),
    /// streaming, so loading never holds the whole file in memory.
    fn merge_from_disk(&mut self) -> CoreResult<()> {
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                self.loaded_len = 0;
                self.loaded_ino = 0;
                self.records_in_file = 0;
                return Ok(());
            }
            Err(e) => return Err(CoreError::io(&self.path, e)),
        };
        let meta = file.metadata().map_err(CoreError::at(&self.path))?;
        let mut start = self.loaded_len;
        if meta.ino() != self.loaded_ino || meta.len() < self.loaded_len {
            start = 0;
            self.records_in_file = 0;
            self.damaged = false;
        }
        self.loaded_ino = meta.ino();
        self.loaded_len = meta.len();
        if start == meta.len() {
            return Ok(());
        }
        let mut reader = BufReader::with_capacity(1 << 20, file);
        reader
            .seek(SeekFrom::Start(start))
            .map_err(CoreError::at(&self.path))?;
        let mut reader = reader.take(meta.len() - start);
        if start == 0 {
            let mut magic = [0u8; 8];
            if reader.read_exact(&mut magic).is_err() || &magic != MAGIC {
                self.damaged = true;
                return Ok(());
            }
        }
        let mut buf = Vec::new();
        loop {
            let mut len = [0u8; 4];
            match reader.read_exact(&mut len) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(CoreError::io(&self.path, e)),
            }
            let body_len = u32::from_le_bytes(len) as usize;
            if !(FIXED_BODY_BYTES..=MAX_BODY_BYTES).contains(&body_len) {
                self.damaged = true;
                break;
            }
            buf.resize(body_len + CHECK_BYTES, 0);
            if reader.read_exact(&mut buf).is_err() {
                self.damaged = true;
                break;
            }
            let Some(record) = decode_body(&buf) else {
                self.damaged = true;
                break;
            };
            self.table.apply(&record);
            self.records_in_file += 1;
        }
        Ok(())
    }

    fn lock(&self, operation: libc::c_int) -> CoreResult<File> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)
            .map_err(CoreError::at(&self.lock_path))?;
        loop {
            // SAFETY: flock on a file descriptor we own; released when `file` closes.
            let rc = unsafe { libc::flock(file.as_raw_fd(), operation) };
            if rc == 0 {
                return Ok(file);
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != ErrorKind::Interrupted {
                return Err(CoreError::io(&self.lock_path, err));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(path: &str, algorithm: Algorithm, mtime_ns: i64, at: i64, fill: u8) -> NewEntry {
        (
            path.as_bytes().to_vec(),
            algorithm,
            key(mtime_ns),
            at,
            [fill; 32],
        )
    }

    fn key(mtime_ns: i64) -> StatKey {
        StatKey {
            dev: 1,
            ino: 2,
            size: 3,
            mtime_ns,
            ctime_ns: mtime_ns,
        }
    }

    #[test]
    fn records_survive_reopen_and_racy_entries_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let (old, now) = (1_000_000_123, now_ns());
        let mut cache = StatCache::open(&path).unwrap();
        cache.record([
            new("/a", Algorithm::Blake3, old, now, 7),
            new("/racy", Algorithm::Blake3, now - 1_000, now, 8),
        ]);
        cache.flush().unwrap();
        let reopened = StatCache::open(&path).unwrap();
        assert_eq!(
            reopened.lookup(b"/a", Algorithm::Blake3, &key(old)),
            Some([7; 32])
        );
        assert_eq!(reopened.lookup(b"/a", Algorithm::Sha256, &key(old)), None);
        assert_eq!(
            reopened.lookup(b"/a", Algorithm::Blake3, &key(old + 1)),
            None
        );
        assert_eq!(
            reopened.lookup(b"/racy", Algorithm::Blake3, &key(now - 1_000)),
            None
        );
    }

    #[test]
    fn damaged_tail_is_dropped_then_compacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let mut cache = StatCache::open(&path).unwrap();
        cache.record([new("/a", Algorithm::Blake3, 5_000_000_001, now_ns(), 1)]);
        cache.flush().unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"\x40\0\0\0garbage").unwrap();
        let mut again = StatCache::open(&path).unwrap();
        assert!(again.damaged && again.len() == 1);
        again.record([new("/b", Algorithm::Sha256, 5_000_000_001, now_ns(), 2)]);
        again.flush().unwrap();
        let clean = StatCache::open(&path).unwrap();
        assert!(!clean.damaged && clean.len() == 2);
    }
}
