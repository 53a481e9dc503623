//! consist's native core: file hashing, directory digests, stat cache and
//! copy-on-write file placement. Pure Rust; pyo3 lives only in `py/`.

pub mod error;
pub mod fast;
pub mod file_hash;
pub mod threads;

#[cfg(feature = "python")]
mod py;
