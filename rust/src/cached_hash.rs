//! Hashing one file with an optional stat cache in front of it: an
//! unchanged, trusted entry answers without reading the file; otherwise the
//! file is read and its new digest is remembered for the cache.

use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{CoreError, CoreResult};
use crate::file_hash::{hash_open_file, Algorithm, Digest32};
use crate::stat_cache::{now_ns, Learned, StatCache, StatKey};

/// The shared state of one parallel pass over many files.
pub struct CacheSession<'a> {
    cache: &'a StatCache,
    new: Mutex<Vec<Learned>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<'a> CacheSession<'a> {
    pub fn new(cache: &'a StatCache) -> Self {
        CacheSession {
            cache,
            new: Mutex::new(Vec::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// What the pass learned: (new entries, hits, misses), for `StatCache::absorb`.
    pub fn finish(self) -> (Vec<Learned>, u64, u64) {
        let new = self.new.into_inner().unwrap_or_else(|e| e.into_inner());
        (new, self.hits.into_inner(), self.misses.into_inner())
    }
}

/// Absolute path bytes used as the cache key.
pub fn cache_key_path(path: &Path) -> CoreResult<Vec<u8>> {
    let abs = std::path::absolute(path).map_err(CoreError::at(path))?;
    Ok(abs.as_os_str().as_bytes().to_vec())
}

impl CacheSession<'_> {
    /// The cached digest if trusted; counts the hit or the miss.
    pub fn lookup(&self, abs: &[u8], algorithm: Algorithm, key: &StatKey) -> Option<Digest32> {
        let found = self.cache.lookup(abs, algorithm, key);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }
}

/// Digest and hashed size of one file. `known` is the stat the caller
/// already has (from a directory walk); without it the path is stat'ed here.
/// `id` names the file when the session's new entries are absorbed.
pub fn hash_file_cached(
    path: &Path,
    id: usize,
    abs: &[u8],
    algorithm: Algorithm,
    session: &CacheSession<'_>,
) -> CoreResult<(Digest32, u64)> {
    let key = StatKey::of(&std::fs::metadata(path).map_err(CoreError::at(path))?);
    if let Some(digest) = session.lookup(abs, algorithm, &key) {
        return Ok((digest, key.size));
    }
    hash_file_uncached(path, id, key, algorithm, Some(session))
}

/// A file just read and hashed.
pub struct Fresh {
    pub digest: Digest32,
    /// The stat of the open file (the caller's `known` stat without a cache).
    pub key: StatKey,
    /// Wall-clock time taken before the read.
    pub hashed_at_ns: i64,
    /// True when a cache may remember it: the stat was checked and did not
    /// change while the file was read.
    pub cacheable: bool,
}

/// Read and hash one file; with `for_cache`, stat the open file before and
/// after reading so the caller can tell whether the digest may be cached.
pub fn read_and_hash(
    path: &Path,
    known: StatKey,
    algorithm: Algorithm,
    for_cache: bool,
) -> CoreResult<Fresh> {
    let hashed_at_ns = now_ns();
    let file = File::open(path).map_err(CoreError::at(path))?;
    if !for_cache {
        // No cache: the walk's size is enough to pick read vs mmap; skip fstat.
        let digest = hash_open_file(&file, known.size, path, algorithm)?;
        return Ok(Fresh {
            digest,
            key: known,
            hashed_at_ns,
            cacheable: false,
        });
    }
    let before = StatKey::of(&file.metadata().map_err(CoreError::at(path))?);
    let digest = hash_open_file(&file, before.size, path, algorithm)?;
    let after = StatKey::of(&file.metadata().map_err(CoreError::at(path))?);
    Ok(Fresh {
        digest,
        key: before,
        hashed_at_ns,
        cacheable: after == before,
    })
}

/// Read and hash one file (after a cache miss, or with no cache); with a
/// session, remember the digest unless the file changed while being read.
pub fn hash_file_uncached(
    path: &Path,
    id: usize,
    known: StatKey,
    algorithm: Algorithm,
    session: Option<&CacheSession<'_>>,
) -> CoreResult<(Digest32, u64)> {
    let fresh = read_and_hash(path, known, algorithm, session.is_some())?;
    if let (Some(session), true) = (session, fresh.cacheable) {
        let mut new = session.new.lock().unwrap_or_else(|e| e.into_inner());
        new.push((id, algorithm, fresh.key, fresh.hashed_at_ns, fresh.digest));
    }
    Ok((fresh.digest, fresh.key.size))
}

/// Hash many files in parallel through the cache, then write it back.
pub fn hash_paths_cached(
    paths: &[PathBuf],
    algorithm: Algorithm,
    cache: &mut StatCache,
) -> CoreResult<Vec<Digest32>> {
    cache.refresh()?;
    let keys = paths
        .iter()
        .map(|p| cache_key_path(p))
        .collect::<CoreResult<Vec<_>>>()?;
    let session = CacheSession::new(cache);
    let digests = paths
        .par_iter()
        .zip(keys.par_iter())
        .enumerate()
        .map(|(id, (path, abs))| {
            hash_file_cached(path, id, abs, algorithm, &session).map(|(d, _)| d)
        })
        .collect::<CoreResult<Vec<_>>>();
    let learned = session.finish();
    cache.absorb(learned, |id| keys[id].clone())?;
    let digests = digests?;
    cache.flush()?;
    Ok(digests)
}
