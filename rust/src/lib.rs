//! consist's native core: file hashing, directory digests, stat cache and
//! copy-on-write file placement. Pure Rust; pyo3 lives only in `py/`.

pub mod cached_hash;
pub mod dir_digest;
pub mod error;
pub mod fast;
pub mod file_hash;
pub mod fingerprint_index;
pub mod glob;
pub mod place;
pub mod stat_cache;
pub mod stat_record;
pub mod stat_table;
pub mod threads;
pub mod walk;

#[cfg(feature = "python")]
mod py;
