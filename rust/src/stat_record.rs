//! A stat cache entry: when it may be trusted, and its on-disk record.
//!
//! `u32le(len(body)) || body || BLAKE3(body)[..8]`, with
//! `body = u8 algorithm || u64 dev || u64 ino || u64 size || i64 mtime_ns ||
//! i64 ctime_ns || i64 hashed_at_ns || digest[32] || path bytes`.

use std::os::unix::fs::MetadataExt;
use std::time::{SystemTime, UNIX_EPOCH};

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

/// Timestamp granularity assumed for filesystems with nanosecond stamps:
/// the kernel stamps files from a coarse clock that lags by up to one tick
/// (1-10 ms), so anything this close to the hash time is not trusted.
const FINE_GRANULARITY_NS: i64 = 20_000_000;
/// Granularity assumed when stamps are whole seconds (ext3, some NFS, FAT has 2 s).
const COARSE_GRANULARITY_NS: i64 = 2_000_000_000;

impl CachedDigest {
    /// Git's racy-clean rule: a stamp within the granularity of the moment
    /// the file was hashed may hide a later same-size write; don't trust it.
    pub fn trusted(&self) -> bool {
        let (mtime, ctime) = (self.key.mtime_ns, self.key.ctime_ns);
        let whole_seconds = mtime % 1_000_000_000 == 0 && ctime % 1_000_000_000 == 0;
        let granularity = if whole_seconds {
            COARSE_GRANULARITY_NS
        } else {
            FINE_GRANULARITY_NS
        };
        let horizon = self.hashed_at_ns.saturating_sub(granularity);
        mtime < horizon && ctime < horizon
    }
}

/// Wall-clock time in nanoseconds, taken before a file is read.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub fn algorithm_byte(algorithm: Algorithm) -> u8 {
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

/// A record read back from the cache file.
pub struct DecodedRecord<'a> {
    pub path: &'a [u8],
    pub algorithm: Algorithm,
    pub entry: CachedDigest,
}

/// Append one record; the path is given in pieces (folder, name) that are
/// written back to back, so the table never rebuilds a path to save it.
pub fn encode_record(out: &mut Vec<u8>, path: [&[u8]; 2], algorithm: u8, e: &CachedDigest) {
    let body_len = FIXED_BODY_BYTES + path[0].len() + path[1].len();
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
    out.extend_from_slice(path[0]);
    out.extend_from_slice(path[1]);
    let check = blake3::hash(&out[body_start..]);
    out.extend_from_slice(&check.as_bytes()[..CHECK_BYTES]);
}

/// Encode a new entry for `algorithm` (public form of `encode_record`).
pub fn encode_entry(out: &mut Vec<u8>, path: &[u8], algorithm: Algorithm, e: &CachedDigest) {
    encode_record(out, [path, b""], algorithm_byte(algorithm), e);
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

    #[test]
    fn records_round_trip_and_damage_is_detected() {
        let entry = CachedDigest {
            key: StatKey {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns: 4,
                ctime_ns: 5,
            },
            hashed_at_ns: 7,
            digest: [7; 32],
        };
        let mut out = Vec::new();
        encode_entry(&mut out, b"/some/path", Algorithm::Sha256, &entry);
        let decoded = decode_body(&out[4..]).unwrap();
        assert_eq!(
            (decoded.path, decoded.algorithm, decoded.entry),
            (&b"/some/path"[..], Algorithm::Sha256, entry)
        );
        let last = out.len() - 1;
        out[last] ^= 1;
        assert!(decode_body(&out[4..]).is_none());
    }
}
