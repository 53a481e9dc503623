//! Errors of the core. No product text here: the Python layer words them.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The operating system refused an operation on `path`.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A path cannot be part of a digest (NUL byte, not UTF-8, ...).
    #[error("{path}: {reason}")]
    InvalidPath { path: PathBuf, reason: String },
    /// A symbolic link was found while the policy rejects them.
    #[error("{path}: symbolic link rejected by the symlink policy")]
    SymlinkRejected { path: PathBuf },
    /// An argument value is not one the core accepts.
    #[error("invalid argument: {reason}")]
    InvalidArgument { reason: String },
    /// A dedicated thread pool could not be started.
    #[error("thread pool: {reason}")]
    ThreadPool { reason: String },
}

impl CoreError {
    /// Wrap an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CoreError::Io {
            path: path.into(),
            source,
        }
    }

    /// A closure for `map_err` that attaches `path`.
    pub fn at(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> CoreError + '_ {
        move |source| CoreError::io(path, source)
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
