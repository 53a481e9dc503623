//! Directory digest, format v1 (documented in docs/formats/directory-digest.md).
//!
//! The root digest is BLAKE3 in `derive_key` mode with context
//! `"consist directory digest v1"` over:
//!
//! ```text
//! header := u8(len(tag)) || tag            tag = "blake3" | "sha256" | "fast"
//! record := u8(kind)                        b'f' file, b'd' folder, b'l' symlink
//!           || u32le(len(path)) || path     relative, '/'-separated, UTF-8
//!           || u8(executable)               0 or 1 (owner execute bit; files only)
//!           || u64le(size)                  bytes; symlink: target length; folder: 0
//!           || u8(len(digest)) || digest    32 bytes; folders: none (length 0)
//! ```
//!
//! Records follow the walk order of `walk.rs`. A file's digest is its content
//! digest (`blake3`/`sha256`) or its fast identity (`fast`); a symlink's is
//! the hash of its target text (BLAKE3 for `fast`).

use std::path::Path;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::cached_hash::{cache_key_path, read_and_hash, CacheSession};
use crate::error::CoreResult;
use crate::fast::fast_identity;
use crate::file_hash::{hash_bytes, Algorithm, Digest32};
use crate::stat_cache::{StatCache, StatKey};
use crate::walk::{walk, Kind, Walk, WalkEntry, WalkOptions};

/// Domain-separation context; names the format version.
pub const DIR_CONTEXT: &str = "consist directory digest v1";

/// Content digests (`Full`) or metadata identities (`Fast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Full(Algorithm),
    Fast,
}

impl Strategy {
    /// The digest tag (`blake3`, `sha256`, `fast`).
    pub fn tag(self) -> &'static str {
        match self {
            Strategy::Full(a) => a.name(),
            Strategy::Fast => "fast",
        }
    }
}

/// One manifest row (the walk's entry, digest filled in); the path lives
/// in `Manifest`. One array serves the walk, the hashing pass and the
/// manifest, so a million-file tree is never held twice.
pub type ManifestEntry = WalkEntry;

/// The entries of a digested tree, compactly stored.
#[derive(Debug, Default)]
pub struct Manifest {
    paths: String,
    ends: Vec<usize>,
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    pub fn rel_path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.paths[start..self.ends[i]]
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Root digest plus manifest.
#[derive(Debug)]
pub struct DirDigest {
    pub root: Digest32,
    pub manifest: Manifest,
}

/// Counters a caller may poll from another thread while a digest runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub total_files: AtomicU64,
    pub total_bytes: AtomicU64,
    pub done_files: AtomicU64,
    pub done_bytes: AtomicU64,
}

/// Digest the tree under `root`.
///
/// ```
/// use _core::dir_digest::{digest_directory, Strategy};
/// use _core::file_hash::Algorithm;
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("a"), b"x").unwrap();
/// let d = digest_directory(dir.path(), &Default::default(), Strategy::Full(Algorithm::Blake3), None, None).unwrap();
/// assert_eq!(d.manifest.len(), 1);
/// ```
pub fn digest_directory(
    root: &Path,
    options: &WalkOptions,
    strategy: Strategy,
    cache: Option<&mut StatCache>,
    progress: Option<&Progress>,
) -> CoreResult<DirDigest> {
    let mut tree = walk(root, options)?;
    if let Some(p) = progress {
        let files = tree.entries.iter().filter(|e| e.kind == Kind::File);
        let (count, bytes) = files.fold((0, 0), |(c, b), e| (c + 1, b + e.size));
        p.total_files.store(count, Ordering::Relaxed);
        p.total_bytes.store(bytes, Ordering::Relaxed);
    }
    // Taken out so the entries can change while the paths are read.
    let mut entries = std::mem::take(&mut tree.entries);
    for (index, target) in &tree.link_targets {
        let algorithm = match strategy {
            Strategy::Full(a) => a,
            Strategy::Fast => Algorithm::Blake3,
        };
        entries[*index].digest = hash_bytes(target.as_bytes(), algorithm);
    }
    match strategy {
        Strategy::Fast => {
            for (i, e) in entries.iter_mut().enumerate() {
                if e.kind == Kind::File {
                    e.digest = fast_identity(tree.rel_path(i).as_bytes(), e.size, e.mtime_ns);
                }
            }
        }
        Strategy::Full(algorithm) => {
            hash_tree_files(root, &tree, &mut entries, algorithm, cache, progress)?;
        }
    }
    let (paths, ends) = tree.into_paths();
    let manifest = Manifest {
        paths,
        ends,
        entries,
    };
    Ok(DirDigest {
        root: combine(strategy.tag(), &manifest),
        manifest,
    })
}

/// A file read in this pass and not yet remembered by the cache.
const NOT_LEARNED: i64 = i64::MIN;

/// Fill in the content digests of the walked files, through `cache` if given.
///
/// New cache entries are not buffered as records: each file only notes its
/// hash time, and the cache takes them in afterwards, path by path, from
/// the walk (bounded memory for a million files).
fn hash_tree_files(
    root: &Path,
    tree: &Walk,
    entries: &mut [ManifestEntry],
    algorithm: Algorithm,
    mut cache: Option<&mut StatCache>,
    progress: Option<&Progress>,
) -> CoreResult<()> {
    let mut root_key = Vec::new();
    if let Some(cache) = cache.as_deref_mut() {
        cache.refresh()?;
        root_key = cache_key_path(root)?;
        // "/data/" and "/data" must give the same keys as hash_file does.
        while root_key.len() > 1 && root_key.ends_with(b"/") {
            root_key.pop();
        }
        if !root_key.ends_with(b"/") {
            root_key.push(b'/');
        }
    }
    let session = cache.as_deref().map(CacheSession::new);
    let learned_at: Vec<AtomicI64> = match session {
        Some(_) => (0..entries.len())
            .map(|_| AtomicI64::new(NOT_LEARNED))
            .collect(),
        None => Vec::new(),
    };
    let result = entries
        .par_iter_mut()
        .enumerate()
        .try_for_each_init(Vec::new, |abs, (i, e)| {
            if e.kind != Kind::File {
                return Ok(());
            }
            let rel = tree.rel_path(i);
            let known = stat_key(e);
            if let Some(session) = &session {
                // Hits (the common case when warm) build no PathBuf at all.
                abs.clear();
                abs.extend_from_slice(&root_key);
                abs.extend_from_slice(rel.as_bytes());
                if let Some(digest) = session.lookup(abs, algorithm, &known) {
                    e.digest = digest;
                    return Ok(());
                }
            }
            let fresh = read_and_hash(&tree.root.join(rel), known, algorithm, session.is_some())?;
            e.digest = fresh.digest;
            e.size = fresh.key.size;
            // A file changed since the walk is not cached: its key would differ.
            if fresh.cacheable && fresh.key == known {
                learned_at[i].store(fresh.hashed_at_ns, Ordering::Relaxed);
            }
            if let Some(p) = progress {
                p.done_files.fetch_add(1, Ordering::Relaxed);
                p.done_bytes.fetch_add(fresh.key.size, Ordering::Relaxed);
            }
            CoreResult::Ok(())
        });
    let counts = session.map(CacheSession::finish);
    let (Some(counts), Some(cache)) = (counts, cache) else {
        return result;
    };
    // What was learned is kept even when a later file failed.
    cache.absorb(counts, |_| Vec::new())?;
    let mut abs = root_key.clone();
    for (i, at) in learned_at.iter().enumerate() {
        let at = at.load(Ordering::Relaxed);
        if at == NOT_LEARNED {
            continue;
        }
        abs.truncate(root_key.len());
        abs.extend_from_slice(tree.rel_path(i).as_bytes());
        let e = &entries[i];
        cache.learn(&abs, algorithm, stat_key(e), at, e.digest)?;
    }
    result?;
    cache.flush()
}

fn stat_key(e: &WalkEntry) -> StatKey {
    StatKey {
        dev: e.dev,
        ino: e.ino,
        size: e.size,
        mtime_ns: e.mtime_ns,
        ctime_ns: e.ctime_ns,
    }
}

/// The v1 combine over an ordered manifest.
pub fn combine(tag: &str, manifest: &Manifest) -> Digest32 {
    let records = (0..manifest.len()).map(|i| (manifest.rel_path(i), manifest.entries[i]));
    combine_records(tag, records)
}

/// The v1 combine over `(relative path, entry)` records, in order.
pub fn combine_records<'a>(
    tag: &str,
    records: impl IntoIterator<Item = (&'a str, ManifestEntry)>,
) -> Digest32 {
    const FLUSH_BYTES: usize = 64 * 1024;
    let mut hasher = blake3::Hasher::new_derive_key(DIR_CONTEXT);
    let mut buf = Vec::with_capacity(FLUSH_BYTES + 512);
    buf.push(tag.len() as u8);
    buf.extend_from_slice(tag.as_bytes());
    for (path, e) in records {
        buf.push(e.kind.tag());
        buf.extend_from_slice(&(path.len() as u32).to_le_bytes());
        buf.extend_from_slice(path.as_bytes());
        buf.push(u8::from(e.executable));
        buf.extend_from_slice(&e.size.to_le_bytes());
        if e.kind == Kind::Dir {
            buf.push(0);
        } else {
            buf.push(32);
            buf.extend_from_slice(&e.digest);
        }
        if buf.len() >= FLUSH_BYTES {
            hasher.update(&buf);
            buf.clear();
        }
    }
    hasher.update(&buf);
    *hasher.finalize().as_bytes()
}
