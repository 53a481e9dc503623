//! Errors of the core. No product text here: the Python layer words them.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    InvalidPath { path: PathBuf, reason: String },
}

pub type CoreResult<T> = Result<T, CoreError>;
