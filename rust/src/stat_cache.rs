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

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{CoreError, CoreResult};
use crate::fast::{ctime_ns, mtime_ns};
use crate::file_hash::{Algorithm, Digest32};

const MAGIC: &[u8; 8] = b"CSTATC01";
const FIXED_BODY_BYTES: usize = 1 + 8 * 6 + 32;
const CHECK_BYTES: usize = 8;
/// Compact when the log holds this many more records than live entries.
const COMPACT_SLACK_RECORDS: usize = 4096;
/// Timestamp granularity assumed for filesystems with nanosecond stamps:
/// the kernel stamps files from a coarse clock that lags by up to one tick
/// (1-10 ms), so anything this close to the hash time is not trusted.
const FINE_GRANULARITY_NS: i64 = 20_000_000;
/// Granularity assumed when stamps are whole seconds (ext3, some NFS, FAT has 2 s).
const COARSE_GRANULARITY_NS: i64 = 2_000_000_000;

/// The stat fields that identify an unchanged file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatKey {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
}

impl StatKey {
    pub fn of(meta: &std::fs::Metadata) -> Self {
        StatKey {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime_ns: mtime_ns(meta),
            ctime_ns: ctime_ns(meta),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: StatKey,
    hashed_at_ns: i64,
    digest: Digest32,
}

impl Entry {
    /// Git's racy-clean rule: a stamp within the granularity of the moment
    /// the file was hashed may hide a later same-size write; don't trust it.
    fn trusted(&self) -> bool {
        let whole_seconds =
            self.key.mtime_ns % 1_000_000_000 == 0 && self.key.ctime_ns % 1_000_000_000 == 0;
        let granularity = if whole_seconds {
            COARSE_GRANULARITY_NS
        } else {
            FINE_GRANULARITY_NS
        };
        let horizon = self.hashed_at_ns.saturating_sub(granularity);
        self.key.mtime_ns < horizon && self.key.ctime_ns < horizon
    }
}

/// A new digest to remember: (absolute path, algorithm, stat key, hash time, digest).
pub type NewEntry = (Vec<u8>, Algorithm, StatKey, i64, Digest32);

/// Wall-clock time in nanoseconds, taken before a file is read.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A loaded cache file.
#[derive(Debug)]
pub struct StatCache {
    path: PathBuf,
    lock_path: PathBuf,
    maps: [HashMap<Box<[u8]>, Entry>; 2],
    /// Bytes of the file already merged, and the inode they came from.
    loaded_len: u64,
    loaded_ino: u64,
    records_in_file: usize,
    damaged: bool,
    pending: Vec<u8>,
    pending_count: usize,
    pub hits: u64,
    pub misses: u64,
}

fn slot(algorithm: Algorithm) -> usize {
    match algorithm {
        Algorithm::Blake3 => 0,
        Algorithm::Sha256 => 1,
    }
}

fn algorithm_of(byte: u8) -> Option<Algorithm> {
    match byte {
        0 => Some(Algorithm::Blake3),
        1 => Some(Algorithm::Sha256),
        _ => None,
    }
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
            maps: [HashMap::new(), HashMap::new()],
            loaded_len: 0,
            loaded_ino: 0,
            records_in_file: 0,
            damaged: false,
            pending: Vec::new(),
            pending_count: 0,
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
        self.maps.iter().map(HashMap::len).sum()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let entry = self.maps[slot(algorithm)].get(abs_path)?;
        (entry.key == *key && entry.trusted()).then_some(entry.digest)
    }

    /// Remember new digests (written by the next `flush`).
    pub fn record(&mut self, new: impl IntoIterator<Item = NewEntry>) {
        for (path, algorithm, key, hashed_at_ns, digest) in new {
            encode_record(
                &mut self.pending,
                &path,
                algorithm,
                &key,
                hashed_at_ns,
                &digest,
            );
            self.pending_count += 1;
            let entry = Entry {
                key,
                hashed_at_ns,
                digest,
            };
            self.maps[slot(algorithm)].insert(path.into_boxed_slice(), entry);
        }
    }

    /// Take in what a parallel pass learned: new entries, hits, misses.
    pub fn absorb(&mut self, (new, hits, misses): (Vec<NewEntry>, u64, u64)) {
        self.record(new);
        self.hits += hits;
        self.misses += misses;
    }

    /// Write remembered digests; a no-op when nothing changed.
    pub fn flush(&mut self) -> CoreResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let lock = self.lock(libc::LOCK_EX)?;
        self.merge_from_disk()?;
        let slack = (self.records_in_file + self.pending_count).saturating_sub(self.len());
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
        file.write_all(&self.pending)
            .map_err(CoreError::at(&self.path))?;
        self.records_in_file += self.pending_count;
        self.loaded_len += self.pending.len() as u64;
        self.pending.clear();
        self.pending_count = 0;
        Ok(())
    }

    fn compact(&mut self) -> CoreResult<()> {
        let mut bytes = Vec::with_capacity(MAGIC.len() + self.len() * 140);
        bytes.extend_from_slice(MAGIC);
        for (index, map) in self.maps.iter().enumerate() {
            let algorithm = if index == 0 {
                Algorithm::Blake3
            } else {
                Algorithm::Sha256
            };
            for (path, e) in map {
                encode_record(
                    &mut bytes,
                    path,
                    algorithm,
                    &e.key,
                    e.hashed_at_ns,
                    &e.digest,
                );
            }
        }
        let tmp = crate::place::temp_sibling(&self.path);
        let written = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(CoreError::io(&self.path, e));
        }
        let meta = std::fs::metadata(&self.path).map_err(CoreError::at(&self.path))?;
        self.loaded_ino = meta.ino();
        self.loaded_len = meta.len();
        self.records_in_file = self.len();
        self.damaged = false;
        self.pending.clear();
        self.pending_count = 0;
        Ok(())
    }

    /// Read what is new on disk (all of it after a compaction elsewhere).
    fn merge_from_disk(&mut self) -> CoreResult<()> {
        let mut file = match File::open(&self.path) {
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
        if start == meta.len() {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity((meta.len() - start) as usize);
        file.seek(SeekFrom::Start(start))
            .map_err(CoreError::at(&self.path))?;
        file.read_to_end(&mut bytes)
            .map_err(CoreError::at(&self.path))?;
        let mut offset = 0;
        if start == 0 {
            if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
                self.damaged = true;
                self.loaded_ino = meta.ino();
                self.loaded_len = meta.len();
                return Ok(());
            }
            offset = MAGIC.len();
        }
        while offset < bytes.len() {
            let Some(((path, algorithm, entry), used)) = decode_record(&bytes[offset..]) else {
                self.damaged = true;
                break;
            };
            offset += used;
            self.records_in_file += 1;
            let map = &mut self.maps[slot(algorithm)];
            match map.get(path) {
                Some(old) if old.hashed_at_ns > entry.hashed_at_ns => {}
                _ => {
                    map.insert(path.into(), entry);
                }
            }
        }
        self.loaded_ino = meta.ino();
        self.loaded_len = meta.len();
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

fn encode_record(
    out: &mut Vec<u8>,
    path: &[u8],
    algorithm: Algorithm,
    key: &StatKey,
    hashed_at_ns: i64,
    digest: &Digest32,
) {
    let body_len = FIXED_BODY_BYTES + path.len();
    out.extend_from_slice(&(body_len as u32).to_le_bytes());
    let body_start = out.len();
    out.push(slot(algorithm) as u8);
    out.extend_from_slice(&key.dev.to_le_bytes());
    out.extend_from_slice(&key.ino.to_le_bytes());
    out.extend_from_slice(&key.size.to_le_bytes());
    out.extend_from_slice(&key.mtime_ns.to_le_bytes());
    out.extend_from_slice(&key.ctime_ns.to_le_bytes());
    out.extend_from_slice(&hashed_at_ns.to_le_bytes());
    out.extend_from_slice(digest);
    out.extend_from_slice(path);
    let check = blake3::hash(&out[body_start..]);
    out.extend_from_slice(&check.as_bytes()[..CHECK_BYTES]);
}

type Decoded<'a> = ((&'a [u8], Algorithm, Entry), usize);

fn decode_record(bytes: &[u8]) -> Option<Decoded<'_>> {
    let body_len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    if body_len < FIXED_BODY_BYTES {
        return None;
    }
    let body = bytes.get(4..4 + body_len)?;
    let check = bytes.get(4 + body_len..4 + body_len + CHECK_BYTES)?;
    if &blake3::hash(body).as_bytes()[..CHECK_BYTES] != check {
        return None;
    }
    let algorithm = algorithm_of(body[0])?;
    let u64_at = |i: usize| -> Option<u64> {
        Some(u64::from_le_bytes(
            body.get(1 + 8 * i..9 + 8 * i)?.try_into().ok()?,
        ))
    };
    let key = StatKey {
        dev: u64_at(0)?,
        ino: u64_at(1)?,
        size: u64_at(2)?,
        mtime_ns: u64_at(3)? as i64,
        ctime_ns: u64_at(4)? as i64,
    };
    let hashed_at_ns = u64_at(5)? as i64;
    let digest: Digest32 = body.get(49..81)?.try_into().ok()?;
    let entry = Entry {
        key,
        hashed_at_ns,
        digest,
    };
    Some((
        (&body[FIXED_BODY_BYTES..], algorithm, entry),
        4 + body_len + CHECK_BYTES,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut cache = StatCache::open(&path).unwrap();
        let old = 1_000_000_123;
        let now = now_ns();
        cache.record([
            (b"/a".to_vec(), Algorithm::Blake3, key(old), now, [7; 32]),
            (
                b"/racy".to_vec(),
                Algorithm::Blake3,
                key(now - 1_000),
                now,
                [8; 32],
            ),
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
        cache.record([(
            b"/a".to_vec(),
            Algorithm::Blake3,
            key(5_000_000_001),
            now_ns(),
            [1; 32],
        )]);
        cache.flush().unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"\x40\0\0\0garbage").unwrap();
        let mut again = StatCache::open(&path).unwrap();
        assert!(again.damaged && again.len() == 1);
        again.record([(
            b"/b".to_vec(),
            Algorithm::Sha256,
            key(5_000_000_001),
            now_ns(),
            [2; 32],
        )]);
        again.flush().unwrap();
        let clean = StatCache::open(&path).unwrap();
        assert!(!clean.damaged && clean.len() == 2);
    }
}
