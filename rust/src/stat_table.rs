//! The in-memory table of a stat cache, compact enough for millions of
//! entries (80 bytes per slot, plus the file name and 11-21 index bytes):
//!
//! - entries that share a folder, a device and an algorithm share a *group*,
//!   which stores the folder path (and the device number) once;
//! - a slot holds the other stat fields, the hash time, the digest, its
//!   group and the offset of its name in one name arena;
//! - a fingerprint index maps a 32-bit hash of (algorithm, path) to a slot,
//!   and every candidate is re-checked against the stored path.

use std::hash::Hasher;

use crate::file_hash::{Algorithm, Digest32};
use crate::fingerprint_index::FingerprintIndex;
use crate::stat_record::{algorithm_byte, encode_record, DecodedRecord};
pub use crate::stat_record::{CachedDigest, StatKey};

/// Entries sharing a folder (stored with its trailing '/'), a device and an algorithm.
#[derive(Debug, Clone, Copy)]
struct Group {
    dev: u64,
    dir_at: u32,
    dir_len: u32,
    algorithm: u8,
}

/// One entry; its path is `group folder || name`.
#[derive(Debug, Clone, Copy)]
struct Slot {
    ino: u64,
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    hashed_at_ns: i64,
    digest: Digest32,
    group: u32,
    /// Offset in `names` of `u16le(len) || name`.
    name_at: u32,
}

// The per-entry cost the P12 memory target is budgeted on.
const _: () = assert!(std::mem::size_of::<Slot>() == 80);

/// Offsets are u32 (a 4 GiB name arena, ~100 million entries); past that,
/// new entries are simply not cached.
fn offset(len: usize) -> Option<u32> {
    u32::try_from(len).ok().filter(|&n| n != u32::MAX)
}

/// Split an absolute path into (folder with trailing '/', name).
fn split(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => path.split_at(i + 1),
        None => (b"", path),
    }
}

fn fingerprint(hasher: std::hash::DefaultHasher) -> u32 {
    let h = hasher.finish();
    (h ^ (h >> 32)) as u32
}

fn path_fingerprint(algorithm: u8, path: &[u8]) -> u32 {
    // SipHash with fixed keys: deterministic, and the input is our own paths.
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write_u8(algorithm);
    hasher.write(path);
    fingerprint(hasher)
}

fn group_fingerprint(algorithm: u8, dev: u64, dir: &[u8]) -> u32 {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write_u8(algorithm);
    hasher.write_u64(dev);
    hasher.write(dir);
    fingerprint(hasher)
}

/// Entries by (path, algorithm).
#[derive(Debug, Default)]
pub struct StatTable {
    slots: Vec<Slot>,
    names: Vec<u8>,
    index: FingerprintIndex,
    groups: Vec<Group>,
    dirs: Vec<u8>,
    group_index: FingerprintIndex,
}

impl StatTable {
    /// Live entries.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn name(&self, slot: &Slot) -> &[u8] {
        let at = slot.name_at as usize;
        let len = u16::from_le_bytes([self.names[at], self.names[at + 1]]) as usize;
        &self.names[at + 2..at + 2 + len]
    }

    fn dir(&self, group: &Group) -> &[u8] {
        let at = group.dir_at as usize;
        &self.dirs[at..at + group.dir_len as usize]
    }

    fn find(&self, fingerprint: u32, algorithm: u8, path: &[u8]) -> Option<u32> {
        let (dir, name) = split(path);
        self.index.find(fingerprint, |i| {
            let slot = &self.slots[i as usize];
            let group = &self.groups[slot.group as usize];
            group.algorithm == algorithm && self.name(slot) == name && self.dir(group) == dir
        })
    }

    fn entry(&self, index: u32) -> CachedDigest {
        let slot = &self.slots[index as usize];
        CachedDigest {
            key: StatKey {
                dev: self.groups[slot.group as usize].dev,
                ino: slot.ino,
                size: slot.size,
                mtime_ns: slot.mtime_ns,
                ctime_ns: slot.ctime_ns,
            },
            hashed_at_ns: slot.hashed_at_ns,
            digest: slot.digest,
        }
    }

    /// The entry for `path` under `algorithm`.
    pub fn get(&self, path: &[u8], algorithm: Algorithm) -> Option<CachedDigest> {
        let algorithm = algorithm_byte(algorithm);
        let index = self.find(path_fingerprint(algorithm, path), algorithm, path)?;
        Some(self.entry(index))
    }

    fn group_for(&mut self, algorithm: u8, dev: u64, dir: &[u8]) -> Option<u32> {
        let fingerprint = group_fingerprint(algorithm, dev, dir);
        let found = self.group_index.find(fingerprint, |g| {
            let group = &self.groups[g as usize];
            group.dev == dev && group.algorithm == algorithm && self.dir(group) == dir
        });
        if found.is_some() {
            return found;
        }
        let id = offset(self.groups.len())?;
        self.groups.push(Group {
            dev,
            dir_at: offset(self.dirs.len())?,
            dir_len: u32::try_from(dir.len()).ok()?,
            algorithm,
        });
        self.dirs.extend_from_slice(dir);
        self.group_index.insert(fingerprint, id);
        Some(id)
    }

    /// Insert, or replace an older entry; returns the slot if the table changed.
    pub fn upsert(
        &mut self,
        path: &[u8],
        algorithm: Algorithm,
        entry: CachedDigest,
    ) -> Option<u32> {
        let algorithm = algorithm_byte(algorithm);
        let fingerprint = path_fingerprint(algorithm, path);
        let existing = self.find(fingerprint, algorithm, path);
        if let Some(index) = existing {
            let old = self.entry(index);
            if old.hashed_at_ns > entry.hashed_at_ns || old == entry {
                return None;
            }
        }
        let (dir, name) = split(path);
        let group = self.group_for(algorithm, entry.key.dev, dir)?;
        let mut slot = Slot {
            ino: entry.key.ino,
            size: entry.key.size,
            mtime_ns: entry.key.mtime_ns,
            ctime_ns: entry.key.ctime_ns,
            hashed_at_ns: entry.hashed_at_ns,
            digest: entry.digest,
            group,
            name_at: 0,
        };
        if let Some(index) = existing {
            slot.name_at = self.slots[index as usize].name_at;
            self.slots[index as usize] = slot;
            return Some(index);
        }
        let index = offset(self.slots.len())?;
        slot.name_at = offset(self.names.len())?;
        let name_len = u16::try_from(name.len()).ok()?;
        self.names.extend_from_slice(&name_len.to_le_bytes());
        self.names.extend_from_slice(name);
        self.slots.push(slot);
        self.index.insert(fingerprint, index);
        Some(index)
    }

    /// Append the record of slot `index` to `out`.
    pub fn encode_slot(&self, index: u32, out: &mut Vec<u8>) {
        let slot = &self.slots[index as usize];
        let group = &self.groups[slot.group as usize];
        let path = [self.dir(group), self.name(slot)];
        encode_record(out, path, group.algorithm, &self.entry(index));
    }

    /// Slots of the live entries (every slot is live: updates happen in place).
    pub fn live_slots(&self) -> impl Iterator<Item = u32> {
        0..self.slots.len() as u32
    }

    /// Apply one decoded record (from disk).
    pub fn apply(&mut self, record: &DecodedRecord<'_>) {
        self.upsert(record.path, record.algorithm, record.entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: i64, dev: u64) -> CachedDigest {
        CachedDigest {
            key: StatKey {
                dev,
                ino: 2,
                size: 3,
                mtime_ns: 4,
                ctime_ns: 5,
            },
            hashed_at_ns: at,
            digest: [at as u8; 32],
        }
    }

    #[test]
    fn newer_entries_win_and_algorithms_are_separate() {
        let mut table = StatTable::default();
        assert!(table
            .upsert(b"/a", Algorithm::Blake3, entry(10, 1))
            .is_some());
        assert!(table
            .upsert(b"/a", Algorithm::Blake3, entry(5, 1))
            .is_none());
        assert!(table
            .upsert(b"/a", Algorithm::Blake3, entry(20, 1))
            .is_some());
        assert!(table
            .upsert(b"/a", Algorithm::Sha256, entry(1, 1))
            .is_some());
        assert_eq!(table.len(), 2);
        assert_eq!(table.get(b"/a", Algorithm::Blake3), Some(entry(20, 1)));
        assert!(table.get(b"/b", Algorithm::Blake3).is_none());
    }

    #[test]
    fn folders_are_shared_and_paths_come_back_whole() {
        let mut table = StatTable::default();
        let paths: Vec<Vec<u8>> = (0..3000)
            .map(|i| format!("/data/d{}/f{i}", i % 7).into_bytes())
            .collect();
        for (i, path) in paths.iter().enumerate() {
            table.upsert(path, Algorithm::Blake3, entry(i as i64, 9));
        }
        // A moved device re-groups the entry; a path without '/' still works.
        table.upsert(&paths[0], Algorithm::Blake3, entry(5000, 8));
        table.upsert(b"bare", Algorithm::Blake3, entry(1, 9));
        assert_eq!(table.groups.len(), 9);
        assert_eq!(
            table.get(&paths[0], Algorithm::Blake3),
            Some(entry(5000, 8))
        );
        assert_eq!(
            table.get(&paths[2999], Algorithm::Blake3),
            Some(entry(2999, 9))
        );
        assert_eq!(table.get(b"bare", Algorithm::Blake3), Some(entry(1, 9)));
        assert!(table.get(b"/data/d1/f0", Algorithm::Blake3).is_none());
        let mut out = Vec::new();
        table.encode_slot(2999, &mut out);
        let decoded = crate::stat_record::decode_body(&out[4..]).unwrap();
        assert_eq!(decoded.path, &paths[2999][..]);
    }
}
