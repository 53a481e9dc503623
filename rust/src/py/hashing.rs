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
