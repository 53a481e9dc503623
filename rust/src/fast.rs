//! The `fast` strategy: a metadata identity (name, size, mtime) instead of
//! a content digest. It is tagged `fast:` everywhere so that it can never be
//! compared with a content digest by mistake.

use std::path::Path;

use crate::error::{CoreError, CoreResult};
use crate::file_hash::Digest32;

/// Domain separation for metadata identities; bump the version if the
/// encoding below changes.
pub const FAST_CONTEXT: &str = "consist fast identity v1";

/// The identity of a file from its name, size and modification time.
///
/// Encoding: `u64le(len(name)) || name || u64le(size) || i64le(mtime_ns)`,
/// hashed with BLAKE3 `derive_key(FAST_CONTEXT)`.
///
/// ```
/// let a = _core::fast::fast_identity(b"a.csv", 10, 1);
/// assert_ne!(a, _core::fast::fast_identity(b"b.csv", 10, 1));
/// ```
pub fn fast_identity(name: &[u8], size: u64, mtime_ns: i64) -> Digest32 {
    let mut hasher = blake3::Hasher::new_derive_key(FAST_CONTEXT);
    hasher.update(&(name.len() as u64).to_le_bytes());
    hasher.update(name);
    hasher.update(&size.to_le_bytes());
    hasher.update(&mtime_ns.to_le_bytes());
    *hasher.finalize().as_bytes()
}

/// Modification time in nanoseconds since the epoch.
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    use std::os::unix::fs::MetadataExt;
    meta.mtime()
        .saturating_mul(1_000_000_000)
        .saturating_add(meta.mtime_nsec())
}

/// Change time in nanoseconds since the epoch.
pub fn ctime_ns(meta: &std::fs::Metadata) -> i64 {
    use std::os::unix::fs::MetadataExt;
    meta.ctime()
        .saturating_mul(1_000_000_000)
        .saturating_add(meta.ctime_nsec())
}

/// Fast identity of a single file: its own file name stands for the path,
/// so the identity survives moving the file's folder but not a rename.
pub fn fast_identity_of_path(path: &Path) -> CoreResult<Digest32> {
    let meta = std::fs::metadata(path).map_err(CoreError::at(path))?;
    let name = path
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or_default();
    Ok(fast_identity(name, meta.len(), mtime_ns(&meta)))
}
