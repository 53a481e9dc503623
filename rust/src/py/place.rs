//! `place_file`: clone/copy/link a file to a destination atomically.

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::place::{self, PlaceMode};

/// Place `src` at `dst`; returns the method used ("reflink", "copy", "hardlink").
#[pyfunction]
#[pyo3(signature = (src, dst, /, *, mode="auto"))]
pub fn place_file(
    py: Python<'_>,
    src: PathBuf,
    dst: PathBuf,
    mode: &str,
) -> PyResult<&'static str> {
    let mode = PlaceMode::parse(mode)?;
    let placed = py.detach(|| place::place_file(&src, &dst, mode))?;
    Ok(placed.name())
}
