//! Content digests of single files: BLAKE3 (byte-identical to `b3sum`) and
//! SHA-256 (identical to `hashlib.sha256`), and many files in parallel.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::Digest as _;

use crate::error::{CoreError, CoreResult};

/// A 32-byte digest (both algorithms produce 32 bytes).
pub type Digest32 = [u8; 32];

/// Below this size a plain `read()` is cheaper than setting up a mapping
/// (the same threshold BLAKE3's own `io.rs` uses).
pub const MMAP_MIN_BYTES: u64 = 16 * 1024;
/// Above this size BLAKE3's rayon tree split pays for its coordination.
pub const RAYON_MIN_BYTES: u64 = 128 * 1024;
/// Read buffer for small files and for unmappable files.
const READ_BUF_BYTES: usize = 64 * 1024;

/// Content bytes read by this process: lets tests prove the stat cache
/// answered without reading a file.
static BYTES_READ: AtomicU64 = AtomicU64::new(0);

/// Total content bytes hashed by this process so far.
pub fn bytes_read() -> u64 {
    BYTES_READ.load(Ordering::Relaxed)
}

/// The content hash functions the core offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Blake3,
    Sha256,
}

impl Algorithm {
    /// Parse the user-facing name (`"blake3"`, `"sha256"`).
    pub fn parse(name: &str) -> CoreResult<Self> {
        match name {
            "blake3" => Ok(Algorithm::Blake3),
            "sha256" => Ok(Algorithm::Sha256),
            other => Err(CoreError::InvalidArgument {
                reason: format!("unknown algorithm {other:?} (expected \"blake3\" or \"sha256\")"),
            }),
        }
    }

    /// The name used in tagged digests (`blake3:<hex>`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Blake3 => "blake3",
            Algorithm::Sha256 => "sha256",
        }
    }
}

enum Hasher {
    Blake3(Box<blake3::Hasher>),
    Sha256(sha2::Sha256),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Blake3 => Hasher::Blake3(Box::new(blake3::Hasher::new())),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Blake3(h) => {
                if bytes.len() as u64 >= RAYON_MIN_BYTES && rayon::current_num_threads() > 1 {
                    h.update_rayon(bytes);
                } else {
                    h.update(bytes);
                }
            }
            // sha2 picks the SHA-NI backend at run time (cpufeatures).
            Hasher::Sha256(h) => h.update(bytes),
        }
        BYTES_READ.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    }

    fn finalize(self) -> Digest32 {
        match self {
            Hasher::Blake3(h) => *h.finalize().as_bytes(),
            Hasher::Sha256(h) => h.finalize().into(),
        }
    }
}

/// Hash one file by path.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("x");
/// std::fs::write(&path, b"abc").unwrap();
/// let digest = _core::file_hash::hash_path(&path, _core::file_hash::Algorithm::Blake3).unwrap();
/// assert_eq!(digest, *blake3::hash(b"abc").as_bytes());
/// ```
pub fn hash_path(path: &Path, algorithm: Algorithm) -> CoreResult<Digest32> {
    let file = File::open(path).map_err(CoreError::at(path))?;
    let len = file.metadata().map_err(CoreError::at(path))?.len();
    hash_open_file(&file, len, path, algorithm)
}

/// Hash an already opened file whose size (from `fstat`) is `len`.
pub fn hash_open_file(
    file: &File,
    len: u64,
    path: &Path,
    algorithm: Algorithm,
) -> CoreResult<Digest32> {
    let mut hasher = Hasher::new(algorithm);
    if len >= MMAP_MIN_BYTES {
        if let Some(map) = map_file(file) {
            hasher.update(&map);
            return Ok(hasher.finalize());
        }
    }
    read_all(file, path, &mut hasher)?;
    Ok(hasher.finalize())
}

fn map_file(file: &File) -> Option<memmap2::Mmap> {
    // SAFETY: the mapping is read-only and dropped before we return. Another
    // process truncating the file while we hash it could fault, which is the
    // same risk `b3sum` and BLAKE3's `update_mmap` accept; the speed of
    // hashing page-cache data without copying is the point of this path.
    // Files that cannot be mapped (pipes, procfs) fall back to reads.
    unsafe { memmap2::Mmap::map(file) }.ok()
}

fn read_all(file: &File, path: &Path, hasher: &mut Hasher) -> CoreResult<()> {
    thread_local! {
        // One buffer per thread: zeroing 64 KiB for every small file would
        // cost more than reading it.
        static BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; READ_BUF_BYTES]);
    }
    BUF.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => read_into(file, path, hasher, &mut buf),
        // Re-entered on this thread (cannot happen today): use a fresh buffer.
        Err(_) => read_into(file, path, hasher, &mut vec![0u8; READ_BUF_BYTES]),
    })
}

fn read_into(mut file: &File, path: &Path, hasher: &mut Hasher, buf: &mut [u8]) -> CoreResult<()> {
    loop {
        match file.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(CoreError::io(path, e)),
        }
    }
}

/// Hash many files in parallel on the current rayon pool, in input order.
pub fn hash_paths(paths: &[PathBuf], algorithm: Algorithm) -> CoreResult<Vec<Digest32>> {
    paths
        .par_iter()
        .map(|path| hash_path(path, algorithm))
        .collect()
}

/// Hash bytes already in memory (symlink targets, fast identities).
pub fn hash_bytes(bytes: &[u8], algorithm: Algorithm) -> Digest32 {
    match algorithm {
        Algorithm::Blake3 => *blake3::hash(bytes).as_bytes(),
        Algorithm::Sha256 => sha2::Sha256::digest(bytes).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_around_thresholds_match_one_shot_hashes() {
        let dir = tempfile::tempdir().unwrap();
        for len in [
            0,
            1,
            MMAP_MIN_BYTES - 1,
            MMAP_MIN_BYTES,
            MMAP_MIN_BYTES + 1,
            RAYON_MIN_BYTES + 7,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = dir.path().join(format!("f{len}"));
            std::fs::write(&path, &data).unwrap();
            for algo in [Algorithm::Blake3, Algorithm::Sha256] {
                assert_eq!(
                    hash_path(&path, algo).unwrap(),
                    hash_bytes(&data, algo),
                    "{len}"
                );
            }
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = hash_path(Path::new("/no/such/file"), Algorithm::Blake3).unwrap_err();
        assert!(err.to_string().contains("/no/such/file"));
    }
}
