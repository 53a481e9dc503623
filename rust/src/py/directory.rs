//! `digest_directory` and the compact manifest handed to Python.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::stat_cache::StatCacheHandle;
use crate::dir_digest::{self, Manifest, Progress, Strategy};
use crate::error::{CoreError, CoreResult};
use crate::file_hash::Algorithm;
use crate::glob::Glob;
use crate::threads::with_threads;
use crate::walk::{Kind, SymlinkPolicy, WalkOptions};

/// A digested tree's entries, kept in Rust; rows are built on access.
#[pyclass(frozen, module = "consist._core")]
pub struct ManifestHandle {
    manifest: Manifest,
}

/// One manifest row: (path, kind, size, executable, digest bytes or None).
type Row<'py> = (String, &'static str, u64, bool, Option<Bound<'py, PyBytes>>);

#[pymethods]
impl ManifestHandle {
    fn __len__(&self) -> usize {
        self.manifest.len()
    }

    /// Row `index` (0-based, must be in range).
    fn entry<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Row<'py>> {
        let Some(e) = self.manifest.entries.get(index) else {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "manifest index out of range",
            ));
        };
        let digest = (e.kind != Kind::Dir).then(|| PyBytes::new(py, &e.digest));
        Ok((
            self.manifest.rel_path(index).to_string(),
            e.kind.name(),
            e.size,
            e.executable,
            digest,
        ))
    }

    /// (files, folders, symlinks, total file bytes).
    fn counts(&self) -> (u64, u64, u64, u64) {
        let mut counts = (0, 0, 0, 0);
        for e in &self.manifest.entries {
            match e.kind {
                Kind::File => {
                    counts.0 += 1;
                    counts.3 += e.size;
                }
                Kind::Dir => counts.1 += 1,
                Kind::Symlink => counts.2 += 1,
            }
        }
        counts
    }
}

/// Progress counters another Python thread can poll during a digest.
#[pyclass(frozen, module = "consist._core")]
#[derive(Default)]
pub struct ProgressHandle {
    progress: Progress,
}

#[pymethods]
impl ProgressHandle {
    #[new]
    fn new() -> Self {
        ProgressHandle::default()
    }

    /// (total_files, total_bytes, done_files, done_bytes); totals are 0 until the walk ends.
    fn snapshot(&self) -> (u64, u64, u64, u64) {
        let p = &self.progress;
        (
            p.total_files.load(Ordering::Relaxed),
            p.total_bytes.load(Ordering::Relaxed),
            p.done_files.load(Ordering::Relaxed),
            p.done_bytes.load(Ordering::Relaxed),
        )
    }
}

fn compile(patterns: Option<Vec<String>>) -> CoreResult<Vec<Glob>> {
    patterns
        .unwrap_or_default()
        .iter()
        .map(|p| Glob::new(p))
        .collect()
}

fn parse_strategy(strategy: &str, algorithm: &str) -> CoreResult<Strategy> {
    let algorithm = Algorithm::parse(algorithm)?;
    match strategy {
        "full" => Ok(Strategy::Full(algorithm)),
        "fast" => Ok(Strategy::Fast),
        other => Err(CoreError::InvalidArgument {
            reason: format!("unknown strategy {other:?} (expected \"full\" or \"fast\")"),
        }),
    }
}

/// Digest a folder; returns (root digest bytes, manifest).
#[pyfunction]
#[pyo3(signature = (
    path, /, *, algorithm="blake3", strategy="full", include=None, exclude=None,
    ignore_dotfiles=false, symlinks="error", threads=None, cache=None, progress=None
))]
#[allow(clippy::too_many_arguments)]
pub fn digest_directory<'py>(
    py: Python<'py>,
    path: PathBuf,
    algorithm: &str,
    strategy: &str,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    ignore_dotfiles: bool,
    symlinks: &str,
    threads: Option<usize>,
    cache: Option<Bound<'py, StatCacheHandle>>,
    progress: Option<Bound<'py, ProgressHandle>>,
) -> PyResult<(Bound<'py, PyBytes>, ManifestHandle)> {
    let strategy = parse_strategy(strategy, algorithm)?;
    let options = WalkOptions {
        include: compile(include)?,
        exclude: compile(exclude)?,
        ignore_dotfiles,
        symlinks: SymlinkPolicy::parse(symlinks)?,
    };
    let cache = cache.as_ref().map(|c| c.get());
    let progress = progress.as_ref().map(|p| &p.get().progress);
    let digest = py.detach(|| {
        with_threads(threads, || {
            let mut guard = cache.map(StatCacheHandle::lock);
            dir_digest::digest_directory(&path, &options, strategy, guard.as_deref_mut(), progress)
        })
        .and_then(|r| r)
    })?;
    Ok((
        PyBytes::new(py, &digest.root),
        ManifestHandle {
            manifest: digest.manifest,
        },
    ))
}
