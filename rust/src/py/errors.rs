//! The one conversion from `CoreError` to Python exceptions. No product
//! text: `consist/_native.py` turns these builtins into `ConsistError`s.
//!
//! - `Io` -> `OSError(errno, strerror, filename)`; CPython picks the subclass
//!   (`FileNotFoundError`, `PermissionError`, ...) from the errno.
//! - `InvalidPath`, `SymlinkRejected`, `InvalidArgument` ->
//!   `ValueError(kind, reason, path)`.
//! - `ThreadPool` -> `RuntimeError(reason)`.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::PyErr;

use crate::error::CoreError;

/// Every variant, by the `kind` name Python sees (for the totality test).
pub const ERROR_KINDS: [&str; 5] = [
    "io",
    "invalid_path",
    "symlink_rejected",
    "invalid_argument",
    "thread_pool",
];

impl From<CoreError> for PyErr {
    fn from(err: CoreError) -> PyErr {
        match err {
            CoreError::Io { path, source } => {
                let errno = source.raw_os_error().unwrap_or(libc::EIO);
                let text = source.to_string();
                // Rust appends " (os error N)"; Python's strerror has no suffix.
                let strerror = match text.find(" (os error") {
                    Some(cut) => text[..cut].to_string(),
                    None => text,
                };
                PyOSError::new_err((errno, strerror, path.to_string_lossy().into_owned()))
            }
            CoreError::InvalidPath { path, reason } => {
                PyValueError::new_err(("invalid_path", reason, path.to_string_lossy().into_owned()))
            }
            CoreError::SymlinkRejected { path } => PyValueError::new_err((
                "symlink_rejected",
                "symbolic link".to_string(),
                path.to_string_lossy().into_owned(),
            )),
            CoreError::InvalidArgument { reason } => {
                PyValueError::new_err(("invalid_argument", reason, String::new()))
            }
            CoreError::ThreadPool { reason } => PyRuntimeError::new_err(reason),
        }
    }
}

/// Build one example of a variant by kind name, so tests can check that the
/// Python boundary maps every kind.
pub fn example_error(kind: &str) -> Option<CoreError> {
    let path = std::path::PathBuf::from("/example/path");
    Some(match kind {
        "io" => CoreError::io(path, std::io::Error::from_raw_os_error(libc::ENOENT)),
        "invalid_path" => CoreError::InvalidPath {
            path,
            reason: "name is not valid UTF-8".into(),
        },
        "symlink_rejected" => CoreError::SymlinkRejected { path },
        "invalid_argument" => CoreError::InvalidArgument {
            reason: "threads must be at least 1".into(),
        },
        "thread_pool" => CoreError::ThreadPool {
            reason: "cannot spawn".into(),
        },
        _ => return None,
    })
}
