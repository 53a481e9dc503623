//! `#[pyfunction]`s for file hashing: extract arguments, detach from the
//! interpreter for all file work, convert the result to `bytes`.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::CoreError;
use crate::file_hash::{self, Algorithm};
use crate::threads::with_threads;

/// Hash one file; returns the 32 raw digest bytes.
#[pyfunction]
#[pyo3(signature = (path, /, *, algorithm="blake3", threads=None))]
pub fn hash_file<'py>(
    py: Python<'py>,
    path: PathBuf,
    algorithm: &str,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyBytes>> {
    let algorithm = Algorithm::parse(algorithm)?;
    let digest = py.detach(|| {
        with_threads(threads, || file_hash::hash_path(&path, algorithm)).and_then(|r| r)
    })?;
    Ok(PyBytes::new(py, &digest))
}

/// Hash many files in parallel; returns raw digests in input order.
#[pyfunction]
#[pyo3(signature = (paths, /, *, algorithm="blake3", threads=None))]
pub fn hash_files<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    algorithm: &str,
    threads: Option<usize>,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let algorithm = Algorithm::parse(algorithm)?;
    let digests = py.detach(|| {
        with_threads(threads, || file_hash::hash_paths(&paths, algorithm)).and_then(|r| r)
    })?;
    Ok(digests.iter().map(|d| PyBytes::new(py, d)).collect())
}

/// Below this size, releasing the GIL costs more than hashing
/// (the same threshold blake3-py uses).
const DETACH_MIN_BYTES: usize = 2048;

/// BLAKE3 of in-memory bytes; with `context`, BLAKE3 `derive_key(context)`
/// (domain separation for identity records).
#[pyfunction]
#[pyo3(signature = (data, /, *, context=None))]
pub fn hash_bytes<'py>(py: Python<'py>, data: &[u8], context: Option<&str>) -> Bound<'py, PyBytes> {
    let hash = || match context {
        Some(context) => {
            let mut hasher = blake3::Hasher::new_derive_key(context);
            hasher.update(data);
            *hasher.finalize().as_bytes()
        }
        None => *blake3::hash(data).as_bytes(),
    };
    // `data` borrows an immutable `bytes` object the caller keeps alive.
    let digest = if data.len() >= DETACH_MIN_BYTES {
        py.detach(hash)
    } else {
        hash()
    };
    PyBytes::new(py, &digest)
}

/// Metadata identity of one file (`fast` strategy).
#[pyfunction]
#[pyo3(signature = (path, /))]
pub fn fast_file_identity<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyBytes>> {
    let digest = py.detach(|| crate::fast::fast_identity_of_path(&path))?;
    Ok(PyBytes::new(py, &digest))
}

/// Content bytes hashed by this process (tests use it to prove a cache hit).
#[pyfunction]
pub fn debug_bytes_read() -> u64 {
    file_hash::bytes_read()
}

/// Raise an example of one `CoreError` kind (for the mapping test).
#[pyfunction]
pub fn debug_raise_error(kind: &str) -> PyResult<()> {
    match super::errors::example_error(kind) {
        Some(err) => Err(err.into()),
        None => Err(CoreError::InvalidArgument {
            reason: format!("unknown error kind {kind:?}"),
        }
        .into()),
    }
}
