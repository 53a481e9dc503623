//! Deterministic directory walk.
//!
//! Order: entries sorted by their *sort key*, the relative path bytes with a
//! `/` appended for directories. That equals a pre-order walk in which the
//! children of each folder are sorted by `name` (`name/` for folders), so the
//! walk streams without a global sort and a folder's record comes right
//! before its contents. Paths use `/` and must be valid UTF-8 without NUL.

use std::fs::{self, DirEntry, FileType, Metadata};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, CoreResult};
use crate::fast::{ctime_ns, mtime_ns};
use crate::file_hash::Digest32;
use crate::glob::{any_matches, Glob};

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
}

impl Kind {
    /// The kind byte of the v1 record format.
    pub fn tag(self) -> u8 {
        match self {
            Kind::File => b'f',
            Kind::Dir => b'd',
            Kind::Symlink => b'l',
        }
    }

    /// The user-facing name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Dir => "dir",
            Kind::Symlink => "symlink",
        }
    }
}

/// What to do with symbolic links inside the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymlinkPolicy {
    /// Fail with `CoreError::SymlinkRejected` (the default).
    Error,
    /// Record the link itself: its target text, never the target's content.
    RecordTarget,
}

impl SymlinkPolicy {
    pub fn parse(name: &str) -> CoreResult<Self> {
        match name {
            "error" => Ok(SymlinkPolicy::Error),
            "record_target" => Ok(SymlinkPolicy::RecordTarget),
            other => Err(CoreError::InvalidArgument {
                reason: format!(
                    "unknown symlink policy {other:?} (expected \"error\" or \"record_target\")"
                ),
            }),
        }
    }
}

/// Which entries the walk keeps.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    pub ignore_dotfiles: bool,
    pub symlinks: SymlinkPolicy,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            include: Vec::new(),
            exclude: Vec::new(),
            ignore_dotfiles: false,
            symlinks: SymlinkPolicy::Error,
        }
    }
}

/// One walked entry; the relative path lives in `Walk::paths`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkEntry {
    pub kind: Kind,
    pub executable: bool,
    /// File size; for a symlink, the length of its target text; 0 for folders.
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub dev: u64,
    pub ino: u64,
    /// Zeros after the walk; the directory digest fills in files and symlinks.
    pub digest: Digest32,
}

/// The walk result: entries in canonical order with their relative paths
/// packed into one buffer (compact for a million files).
#[derive(Debug, Default)]
pub struct Walk {
    pub root: PathBuf,
    pub entries: Vec<WalkEntry>,
    paths: String,
    ends: Vec<usize>,
    /// (entry index, link target) for recorded symlinks.
    pub link_targets: Vec<(usize, String)>,
}

impl Walk {
    /// Relative path of entry `i`.
    pub fn rel_path(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.paths[start..self.ends[i]]
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Give up the path buffer (moved into the manifest).
    pub fn into_paths(self) -> (String, Vec<usize>) {
        (self.paths, self.ends)
    }

    fn push(&mut self, rel: &str, entry: WalkEntry) {
        self.paths.push_str(rel);
        self.ends.push(self.paths.len());
        self.entries.push(entry);
    }

    fn truncate(&mut self, len: usize) {
        self.entries.truncate(len);
        self.ends.truncate(len);
        let end = self.ends.last().copied().unwrap_or(0);
        self.paths.truncate(end);
    }
}

/// Walk `root` (a folder; a link to a folder is followed for the root only).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::create_dir(dir.path().join("a")).unwrap();
/// std::fs::write(dir.path().join("a/x"), b"1").unwrap();
/// std::fs::write(dir.path().join("a-b"), b"2").unwrap();
/// let walk = _core::walk::walk(dir.path(), &Default::default()).unwrap();
/// let paths: Vec<_> = (0..walk.len()).map(|i| walk.rel_path(i)).collect();
/// assert_eq!(paths, ["a-b", "a", "a/x"]);
/// ```
pub fn walk(root: &Path, options: &WalkOptions) -> CoreResult<Walk> {
    let meta = fs::metadata(root).map_err(CoreError::at(root))?;
    if !meta.is_dir() {
        return Err(CoreError::io(
            root,
            std::io::Error::from_raw_os_error(libc::ENOTDIR),
        ));
    }
    let mut walk = Walk {
        root: root.to_path_buf(),
        ..Walk::default()
    };
    let mut rel = String::new();
    walk_dir(
        root,
        &mut rel,
        options.include.is_empty(),
        options,
        &mut walk,
    )?;
    Ok(walk)
}

struct Child {
    key: Vec<u8>,
    entry: DirEntry,
    file_type: FileType,
}

fn walk_dir(
    dir: &Path,
    rel: &mut String,
    included: bool,
    options: &WalkOptions,
    walk: &mut Walk,
) -> CoreResult<()> {
    let mut children = read_children(dir, options)?;
    children.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    for child in children {
        let is_dir = child.file_type.is_dir();
        let name_len = child.key.len() - usize::from(is_dir);
        // A bad name may still be excluded by a pattern (matched on its
        // lossy form); otherwise `visit` rejects it.
        let name = String::from_utf8_lossy(&child.key[..name_len]);
        let parent_len = rel.len();
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str(&name);
        let result = visit(&child, rel, is_dir, included, options, walk);
        rel.truncate(parent_len);
        result?;
    }
    Ok(())
}

fn visit(
    child: &Child,
    rel: &str,
    is_dir: bool,
    included: bool,
    options: &WalkOptions,
    walk: &mut Walk,
) -> CoreResult<()> {
    if any_matches(&options.exclude, rel, is_dir) {
        return Ok(());
    }
    // Built only when needed: a PathBuf per file would cost more than its stat.
    let path = || child.entry.path();
    let name_len = child.key.len() - usize::from(is_dir);
    if let Err(reason) = check_name(&child.key[..name_len]) {
        return Err(CoreError::InvalidPath {
            path: path(),
            reason: reason.into(),
        });
    }
    let included = included || any_matches(&options.include, rel, is_dir);
    let meta = child
        .entry
        .metadata()
        .map_err(|e| CoreError::io(path(), e))?;
    if is_dir {
        let mark = walk.len();
        walk.push(rel, entry_of(Kind::Dir, &meta, 0));
        let mut sub = rel.to_string();
        walk_dir(&path(), &mut sub, included, options, walk)?;
        // With include patterns, keep a folder only if something inside it was kept.
        if !options.include.is_empty() && !included && walk.len() == mark + 1 {
            walk.truncate(mark);
        }
        return Ok(());
    }
    if !included {
        return Ok(());
    }
    if child.file_type.is_file() {
        walk.push(rel, entry_of(Kind::File, &meta, meta.len()));
    } else if child.file_type.is_symlink() {
        if options.symlinks == SymlinkPolicy::Error {
            return Err(CoreError::SymlinkRejected { path: path() });
        }
        let target = fs::read_link(path()).map_err(|e| CoreError::io(path(), e))?;
        let target = target
            .into_os_string()
            .into_string()
            .map_err(|_| CoreError::InvalidPath {
                path: path(),
                reason: "symbolic link target is not valid UTF-8".into(),
            })?;
        let mut entry = entry_of(Kind::Symlink, &meta, target.len() as u64);
        entry.executable = false;
        walk.link_targets.push((walk.len(), target));
        walk.push(rel, entry);
    } else {
        return Err(CoreError::InvalidPath {
            path: path(),
            reason: "is not a regular file, folder or symbolic link (fifo, socket or device)"
                .into(),
        });
    }
    Ok(())
}

fn read_children(dir: &Path, options: &WalkOptions) -> CoreResult<Vec<Child>> {
    let mut children = Vec::new();
    for entry in fs::read_dir(dir).map_err(CoreError::at(dir))? {
        let entry = entry.map_err(CoreError::at(dir))?;
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        if options.ignore_dotfiles && bytes.first() == Some(&b'.') {
            continue;
        }
        let file_type = entry.file_type().map_err(CoreError::at(&entry.path()))?;
        let mut key = bytes.to_vec();
        if file_type.is_dir() {
            key.push(b'/');
        }
        children.push(Child {
            key,
            entry,
            file_type,
        });
    }
    Ok(children)
}

/// Reject names a digest cannot carry unambiguously; returns the reason.
pub fn check_name(name: &[u8]) -> Result<(), &'static str> {
    if name.contains(&0) {
        Err("name contains a NUL byte")
    } else if std::str::from_utf8(name).is_err() {
        Err("name is not valid UTF-8")
    } else {
        Ok(())
    }
}

fn entry_of(kind: Kind, meta: &Metadata, size: u64) -> WalkEntry {
    WalkEntry {
        kind,
        // Git's rule: the owner's execute bit is what "executable" means.
        executable: kind == Kind::File && meta.mode() & 0o100 != 0,
        size,
        mtime_ns: mtime_ns(meta),
        ctime_ns: ctime_ns(meta),
        dev: meta.dev(),
        ino: meta.ino(),
        digest: [0; 32],
    }
}
