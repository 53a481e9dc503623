//! Integration tests of the pure-Rust core (run with `cargo test --no-default-features`).

#[test]
fn error_displays_path() {
    let err = _core::error::CoreError::InvalidPath {
        path: "a/b".into(),
        reason: "nul byte".into(),
    };
    assert!(err.to_string().contains("a/b"));
}
