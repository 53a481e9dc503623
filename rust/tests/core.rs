//! Integration tests of the pure-Rust core (run with `cargo test --no-default-features`).
// Helpers outside #[test] fns may unwrap too: a failure here is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use _core::dir_digest::{digest_directory, Strategy, DIR_CONTEXT};
use _core::file_hash::Algorithm;
use _core::place::{place_file, PlaceMode, Placed};
use _core::stat_cache::{StatCache, StatKey};
use _core::walk::{SymlinkPolicy, WalkOptions};
use serde_json::Value;

fn vectors() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/dir-digest-v1.json");
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn build_tree(root: &Path, tree: &[Value]) {
    for item in tree {
        let path = root.join(item["path"].as_str().unwrap());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        match item["kind"].as_str().unwrap() {
            "dir" => fs::create_dir_all(&path).unwrap(),
            "symlink" => {
                std::os::unix::fs::symlink(item["target"].as_str().unwrap(), &path).unwrap()
            }
            _ => {
                fs::write(&path, item["content"].as_str().unwrap()).unwrap();
                let mode = if item["executable"].as_bool().unwrap_or(false) {
                    0o755
                } else {
                    0o644
                };
                fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
                if let Some(ns) = item["mtime_ns"].as_u64() {
                    let file = fs::File::options().write(true).open(&path).unwrap();
                    file.set_modified(UNIX_EPOCH + Duration::from_nanos(ns))
                        .unwrap();
                }
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn shared_vectors_match() {
    let doc = vectors();
    assert_eq!(doc["context"].as_str().unwrap(), DIR_CONTEXT);
    let list = doc["vectors"].as_array().unwrap();
    assert!(list.len() >= 10);
    for v in list {
        let name = v["name"].as_str().unwrap();
        let algorithm = Algorithm::parse(v["algorithm"].as_str().unwrap()).unwrap();
        let strategy = match v["strategy"].as_str().unwrap() {
            "fast" => Strategy::Fast,
            _ => Strategy::Full(algorithm),
        };
        let expected = v["digest"].as_str().unwrap();
        // The vector's own bytes hash to its digest.
        let encoded: Vec<u8> = (0..v["encoded_hex"].as_str().unwrap().len() / 2)
            .map(|i| {
                u8::from_str_radix(&v["encoded_hex"].as_str().unwrap()[2 * i..2 * i + 2], 16)
                    .unwrap()
            })
            .collect();
        let mut hasher = blake3::Hasher::new_derive_key(DIR_CONTEXT);
        hasher.update(&encoded);
        assert_eq!(
            format!("{}:{}", strategy.tag(), hasher.finalize().to_hex()),
            expected,
            "{name}"
        );
        // And the core reproduces it from the tree on disk.
        let dir = tempfile::tempdir().unwrap();
        build_tree(dir.path(), v["tree"].as_array().unwrap());
        let options = WalkOptions {
            symlinks: SymlinkPolicy::parse(v["symlinks"].as_str().unwrap()).unwrap(),
            ..WalkOptions::default()
        };
        let digest = digest_directory(dir.path(), &options, strategy, None, None).unwrap();
        assert_eq!(
            format!("{}:{}", strategy.tag(), hex(&digest.root)),
            expected,
            "{name}"
        );
    }
}

#[test]
fn renaming_and_empty_entries_change_the_digest() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("a"), b"x").unwrap();
    let blake3 = Strategy::Full(Algorithm::Blake3);
    let digest = |root: &Path| {
        digest_directory(root, &WalkOptions::default(), blake3, None, None)
            .unwrap()
            .root
    };
    let first = digest(root);
    fs::rename(root.join("a"), root.join("b")).unwrap();
    let renamed = digest(root);
    assert_ne!(first, renamed);
    fs::create_dir(root.join("empty")).unwrap();
    let with_dir = digest(root);
    assert_ne!(renamed, with_dir);
    fs::write(root.join("empty-file"), b"").unwrap();
    assert_ne!(with_dir, digest(root));
}

#[test]
fn symlinks_are_rejected_by_default() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("nowhere", dir.path().join("l")).unwrap();
    let err = digest_directory(
        dir.path(),
        &WalkOptions::default(),
        Strategy::Fast,
        None,
        None,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        _core::error::CoreError::SymlinkRejected { .. }
    ));
}

#[test]
fn stat_cache_answers_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("t");
    fs::create_dir(&tree).unwrap();
    fs::write(tree.join("f"), vec![1u8; 100_000]).unwrap();
    let old = UNIX_EPOCH + Duration::from_secs(1_000_000);
    fs::File::options()
        .write(true)
        .open(tree.join("f"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    // ctime is "now", so wait out the racy window before the first hash.
    std::thread::sleep(Duration::from_millis(50));
    let strategy = Strategy::Full(Algorithm::Blake3);
    let mut cache = StatCache::open(&dir.path().join("cache")).unwrap();
    let first = digest_directory(
        &tree,
        &WalkOptions::default(),
        strategy,
        Some(&mut cache),
        None,
    )
    .unwrap();
    let mut reopened = StatCache::open(&dir.path().join("cache")).unwrap();
    let read_before = _core::file_hash::bytes_read();
    let second = digest_directory(
        &tree,
        &WalkOptions::default(),
        strategy,
        Some(&mut reopened),
        None,
    )
    .unwrap();
    assert_eq!(first.root, second.root);
    assert_eq!((reopened.hits, reopened.misses), (1, 0));
    // Other tests may hash concurrently, so only require that *we* read nothing big.
    assert!(_core::file_hash::bytes_read() - read_before < 100_000);
}

#[test]
fn placement_copies_atomically_with_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.sh");
    fs::write(&src, b"#!/bin/sh\n").unwrap();
    fs::set_permissions(&src, fs::Permissions::from_mode(0o750)).unwrap();
    let dst = dir.path().join("out/dst.sh");
    let how = place_file(&src, &dst, PlaceMode::Auto).unwrap();
    assert!(matches!(how, Placed::Copy | Placed::Reflink));
    assert_eq!(fs::read(&dst).unwrap(), b"#!/bin/sh\n");
    assert_eq!(
        fs::metadata(&dst).unwrap().permissions().mode() & 0o7777,
        0o750
    );
    let leftovers: Vec<_> = fs::read_dir(dst.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1);
    assert!(place_file(&src, &src, PlaceMode::Copy).is_err());
}

#[test]
fn stat_cache_keeps_every_entry_across_batched_writes() {
    // More entries than one write batch (65,536), so the first batch starts
    // the file and later ones append; names repeat in every folder.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache");
    let (count, folders) = (70_000u64, 100);
    let key = |i: u64| StatKey {
        dev: 1 + i % 2,
        ino: i,
        size: 32,
        mtime_ns: 1_000_000_000 + i as i64,
        ctime_ns: 1_000_000_000 + i as i64,
    };
    let file = |i: u64| format!("/data/d{}/f{}", i % folders, i / folders).into_bytes();
    let mut cache = StatCache::open(&path).unwrap();
    let at = _core::stat_cache::now_ns();
    for i in 0..count {
        let digest = [(i % 251) as u8; 32];
        cache
            .learn(&file(i), Algorithm::Blake3, key(i), at, digest)
            .unwrap();
    }
    cache.flush().unwrap();
    let reopened = StatCache::open(&path).unwrap();
    assert_eq!(reopened.len(), count as usize);
    for i in (0..count).step_by(997) {
        let found = reopened.lookup(&file(i), Algorithm::Blake3, &key(i));
        assert_eq!(found, Some([(i % 251) as u8; 32]));
        assert_eq!(reopened.lookup(&file(i), Algorithm::Sha256, &key(i)), None);
    }
}
