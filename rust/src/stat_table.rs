//! The in-memory table of a stat cache and its record encoding, compact
//! enough for millions of entries: one arena for all paths, fixed-size slots,
//! and an index from a 64-bit hash of (algorithm, path) to a slot. A hash
//! collision can only cost a cache miss: every lookup re-checks the path.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::os::unix::fs::MetadataExt;

use crate::fast::{ctime_ns, mtime_ns};
use crate::file_hash::{Algorithm, Digest32};

/// Record body bytes before the path.
pub const FIXED_BODY_BYTES: usize = 1 + 8 * 6 + 32;
/// Checksum bytes after each record body.
pub const CHECK_BYTES: usize = 8;

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

/// What the cache knows about one (path, algorithm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedDigest {
    pub key: StatKey,
    /// Wall-clock time just before the file was read.
    pub hashed_at_ns: i64,
    pub digest: Digest32,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    entry: CachedDigest,
    path_start: u64,
    path_len: u32,
    algorithm: u8,
}

/// The hash of (algorithm, path) is already uniform; don't hash it again.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn algorithm_byte(algorithm: Algorithm) -> u8 {
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

fn path_hash(algorithm: u8, path: &[u8]) -> u64 {
    // SipHash with fixed keys: deterministic, and the input is our own paths.
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write_u8(algorithm);
    hasher.write(path);
    hasher.finish()
}

/// Entries by (path, algorithm).
#[derive(Default)]
pub struct StatTable {
    slots: Vec<Slot>,
    paths: Vec<u8>,
    index: HashMap<u64, u32, BuildHasherDefault<Identity>>,
}

impl StatTable {
    /// Live entries.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn path_of(&self, slot: &Slot) -> &[u8] {
        let start = slot.path_start as usize;
        &self.paths[start..start + slot.path_len as usize]
    }

    fn find(&self, algorithm: u8, path: &[u8]) -> Option<u32> {
        let index = *self.index.get(&path_hash(algorithm, path))?;
        let slot = &self.slots[index as usize];
        (slot.algorithm == algorithm && self.path_of(slot) == path).then_some(index)
    }

    /// The entry for `path` under `algorithm`.
    pub fn get(&self, path: &[u8], algorithm: Algorithm) -> Option<&CachedDigest> {
        let index = self.find(algorithm_byte(algorithm), path)?;
        Some(&self.slots[index as usize].entry)
    }

    /// Insert, or replace an older entry; returns the slot if the table changed.
    pub fn upsert(
        &mut self,
        path: &[u8],
        algorithm: Algorithm,
        entry: CachedDigest,
    ) -> Option<u32> {
        let algorithm = algorithm_byte(algorithm);
        if let Some(index) = self.find(algorithm, path) {
            let slot = &mut self.slots[index as usize];
            if slot.entry.hashed_at_ns > entry.hashed_at_ns || slot.entry == entry {
                return None;
            }
            slot.entry = entry;
            return Some(index);
        }
        let index = u32::try_from(self.slots.len()).ok()?;
        let path_len = u32::try_from(path.len()).ok()?;
        self.slots.push(Slot {
            entry,
            path_start: self.paths.len() as u64,
            path_len,
            algorithm,
        });
        self.paths.extend_from_slice(path);
        // On a (vanishingly rare) hash collision the older slot is orphaned.
        self.index.insert(path_hash(algorithm, path), index);
        Some(index)
    }

    /// Append the record of slot `index` to `out`.
    pub fn encode_slot(&self, index: u32, out: &mut Vec<u8>) {
        let slot = &self.slots[index as usize];
        encode_record(out, self.path_of(slot), slot.algorithm, &slot.entry);
    }

    /// Slots of the live entries.
    pub fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.index.values().copied()
    }

    /// Apply one decoded record (from disk).
    pub fn apply(&mut self, record: &DecodedRecord<'_>) {
        self.upsert(record.path, record.algorithm, record.entry);
    }
}

/// A record read back from the cache file.
pub struct DecodedRecord<'a> {
    pub path: &'a [u8],
    pub algorithm: Algorithm,
    pub entry: CachedDigest,
}

/// `u32le(len(body)) || body || BLAKE3(body)[..8]`.
pub fn encode_record(out: &mut Vec<u8>, path: &[u8], algorithm: u8, e: &CachedDigest) {
    let body_len = FIXED_BODY_BYTES + path.len();
    out.extend_from_slice(&(body_len as u32).to_le_bytes());
    let body_start = out.len();
    out.push(algorithm);
    for n in [e.key.dev, e.key.ino, e.key.size] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    for n in [e.key.mtime_ns, e.key.ctime_ns, e.hashed_at_ns] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(&e.digest);
    out.extend_from_slice(path);
    let check = blake3::hash(&out[body_start..]);
    out.extend_from_slice(&check.as_bytes()[..CHECK_BYTES]);
}

/// Encode a new entry for `algorithm` (public form of `encode_record`).
pub fn encode_entry(out: &mut Vec<u8>, path: &[u8], algorithm: Algorithm, e: &CachedDigest) {
    encode_record(out, path, algorithm_byte(algorithm), e);
}

/// Decode `body || check` (the bytes after the length prefix); None if damaged.
pub fn decode_body(body_and_check: &[u8]) -> Option<DecodedRecord<'_>> {
    let split = body_and_check.len().checked_sub(CHECK_BYTES)?;
    let (body, check) = body_and_check.split_at(split);
    if body.len() < FIXED_BODY_BYTES || &blake3::hash(body).as_bytes()[..CHECK_BYTES] != check {
        return None;
    }
    let algorithm = algorithm_of(body[0])?;
    let word = |i: usize| -> Option<[u8; 8]> { body.get(1 + 8 * i..9 + 8 * i)?.try_into().ok() };
    let key = StatKey {
        dev: u64::from_le_bytes(word(0)?),
        ino: u64::from_le_bytes(word(1)?),
        size: u64::from_le_bytes(word(2)?),
        mtime_ns: i64::from_le_bytes(word(3)?),
        ctime_ns: i64::from_le_bytes(word(4)?),
    };
    let entry = CachedDigest {
        key,
        hashed_at_ns: i64::from_le_bytes(word(5)?),
        digest: body.get(49..81)?.try_into().ok()?,
    };
    Some(DecodedRecord {
        path: &body[FIXED_BODY_BYTES..],
        algorithm,
        entry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: i64) -> CachedDigest {
        CachedDigest {
            key: StatKey {
                dev: 1,
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
        assert!(table.upsert(b"/a", Algorithm::Blake3, entry(10)).is_some());
        assert!(table.upsert(b"/a", Algorithm::Blake3, entry(5)).is_none());
        assert!(table.upsert(b"/a", Algorithm::Blake3, entry(20)).is_some());
        assert!(table.upsert(b"/a", Algorithm::Sha256, entry(1)).is_some());
        assert_eq!(table.len(), 2);
        assert_eq!(
            table.get(b"/a", Algorithm::Blake3).unwrap().hashed_at_ns,
            20
        );
        assert!(table.get(b"/b", Algorithm::Blake3).is_none());
    }

    #[test]
    fn records_round_trip_and_damage_is_detected() {
        let mut out = Vec::new();
        encode_entry(&mut out, b"/some/path", Algorithm::Sha256, &entry(7));
        let decoded = decode_body(&out[4..]).unwrap();
        assert_eq!(
            (decoded.path, decoded.algorithm, decoded.entry),
            (&b"/some/path"[..], Algorithm::Sha256, entry(7))
        );
        let last = out.len() - 1;
        out[last] ^= 1;
        assert!(decode_body(&out[4..]).is_none());
    }
}
