//! `StatCacheHandle`: one loaded stat cache shared by calls in a process.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::cached_hash::hash_paths_cached;
use crate::file_hash::Algorithm;
use crate::stat_cache::StatCache;
use crate::threads::with_threads;

/// A loaded cache file; calls on one handle run one at a time.
#[pyclass(frozen, module = "consist._core")]
pub struct StatCacheHandle {
    inner: Mutex<StatCache>,
}

impl StatCacheHandle {
    /// Exclusive access; a panic elsewhere cannot leave the map inconsistent
    /// (records are inserted whole), so a poisoned lock is still usable.
    pub fn lock(&self) -> MutexGuard<'_, StatCache> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl StatCacheHandle {
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let cache = py.detach(|| StatCache::open(&path))?;
        Ok(StatCacheHandle {
            inner: Mutex::new(cache),
        })
    }

    /// Hash files through the cache (and write new entries back).
    #[pyo3(signature = (paths, /, *, algorithm="blake3", threads=None))]
    fn hash_files<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<PathBuf>,
        algorithm: &str,
        threads: Option<usize>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let algorithm = Algorithm::parse(algorithm)?;
        let digests = py.detach(|| {
            with_threads(threads, || {
                hash_paths_cached(&paths, algorithm, &mut self.lock())
            })
            .and_then(|r| r)
        })?;
        Ok(digests.iter().map(|d| PyBytes::new(py, d)).collect())
    }

    /// (hits, misses, live entries) since the handle was opened.
    fn stats(&self) -> (u64, u64, usize) {
        let cache = self.lock();
        (cache.hits, cache.misses, cache.len())
    }

    /// Write pending entries now (calls already write back when they learn something).
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.lock().flush())?;
        Ok(())
    }

    /// Merge entries other processes wrote since the last call.
    fn refresh(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.lock().refresh())?;
        Ok(())
    }

    #[getter]
    fn path(&self) -> PathBuf {
        self.lock().path().to_path_buf()
    }
}
