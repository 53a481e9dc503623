//! consist's native core: file hashing, directory digests, stat cache and
//! copy-on-write file placement. Pure Rust; pyo3 lives only in `py/`.

pub mod error;

#[cfg(feature = "python")]
mod py;
