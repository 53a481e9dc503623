//! The only place pyo3 is used: the `consist._core` extension module.

use pyo3::prelude::*;

mod directory;
mod errors;
mod hashing;
mod place;
mod stat_cache;

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_KINDS", errors::ERROR_KINDS.to_vec())?;
    m.add_function(wrap_pyfunction!(hashing::hash_file, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::hash_files, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::fast_file_identity, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::hash_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::debug_bytes_read, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::debug_raise_error, m)?)?;
    m.add_function(wrap_pyfunction!(directory::digest_directory, m)?)?;
    m.add_function(wrap_pyfunction!(place::place_file, m)?)?;
    m.add_class::<directory::ManifestHandle>()?;
    m.add_class::<directory::ProgressHandle>()?;
    m.add_class::<stat_cache::StatCacheHandle>()?;
    Ok(())
}
