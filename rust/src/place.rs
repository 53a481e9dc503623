//! Placing a file at a destination: copy-on-write clone (reflink) where the
//! filesystem supports it, else an in-kernel copy, else plain read/write;
//! hard links only on request. Always through a temp name in the destination
//! folder and an atomic rename, so an interrupted placement never leaves a
//! truncated file under the final name. Permission bits are preserved.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{CoreError, CoreResult};

/// How to place a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceMode {
    /// Reflink if possible, else copy.
    Auto,
    /// Reflink or fail.
    Reflink,
    /// Always an independent copy (never a reflink attempt).
    Copy,
    /// A hard link: shares the inode, so a later write through either name changes both.
    Hardlink,
}

impl PlaceMode {
    pub fn parse(name: &str) -> CoreResult<Self> {
        match name {
            "auto" => Ok(PlaceMode::Auto),
            "reflink" => Ok(PlaceMode::Reflink),
            "copy" => Ok(PlaceMode::Copy),
            "hardlink" => Ok(PlaceMode::Hardlink),
            other => Err(CoreError::InvalidArgument {
                reason: format!(
                    "unknown placement mode {other:?} (expected auto, reflink, copy or hardlink)"
                ),
            }),
        }
    }
}

/// How a file was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    Reflink,
    Copy,
    Hardlink,
}

impl Placed {
    pub fn name(self) -> &'static str {
        match self {
            Placed::Reflink => "reflink",
            Placed::Copy => "copy",
            Placed::Hardlink => "hardlink",
        }
    }
}

/// A unique temp name next to `path` (same folder, so rename is atomic).
pub fn temp_sibling(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.consist-tmp-{}-{n}", std::process::id()))
}

/// Place `src` at `dst`, creating `dst`'s folder if needed.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let (src, dst) = (dir.path().join("a"), dir.path().join("sub/b"));
/// std::fs::write(&src, b"data").unwrap();
/// let how = _core::place::place_file(&src, &dst, _core::place::PlaceMode::Copy).unwrap();
/// assert_eq!((how.name(), std::fs::read(&dst).unwrap()), ("copy", b"data".to_vec()));
/// ```
pub fn place_file(src: &Path, dst: &Path, mode: PlaceMode) -> CoreResult<Placed> {
    let src_meta = fs::metadata(src).map_err(CoreError::at(src))?;
    if !src_meta.is_file() {
        return Err(CoreError::io(
            src,
            std::io::Error::from_raw_os_error(libc::EISDIR),
        ));
    }
    if let Ok(dst_meta) = fs::metadata(dst) {
        if dst_meta.dev() == src_meta.dev() && dst_meta.ino() == src_meta.ino() {
            return Err(CoreError::InvalidPath {
                path: dst.to_path_buf(),
                reason: "source and destination are the same file".into(),
            });
        }
    }
    if let Some(parent) = dst.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(CoreError::at(parent))?;
    }
    let tmp = temp_sibling(dst);
    let result = place_at_temp(src, &tmp, dst, &src_meta, mode).and_then(|placed| {
        fs::rename(&tmp, dst)
            .map(|()| placed)
            .map_err(CoreError::at(dst))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Errors name `dst` (the path the caller knows), not the temp name.
fn place_at_temp(
    src: &Path,
    tmp: &Path,
    dst: &Path,
    src_meta: &fs::Metadata,
    mode: PlaceMode,
) -> CoreResult<Placed> {
    if mode == PlaceMode::Hardlink {
        fs::hard_link(src, tmp).map_err(CoreError::at(dst))?;
        return Ok(Placed::Hardlink);
    }
    let mut input = File::open(src).map_err(CoreError::at(src))?;
    let mut output = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)
        .map_err(CoreError::at(dst))?;
    let placed = match mode {
        PlaceMode::Reflink => {
            reflink(&input, &output).map_err(CoreError::at(dst))?;
            Placed::Reflink
        }
        PlaceMode::Auto if reflink(&input, &output).is_ok() => Placed::Reflink,
        _ => {
            copy_contents(&mut input, &mut output, src_meta.len()).map_err(CoreError::at(dst))?;
            Placed::Copy
        }
    };
    let mode_bits = src_meta.mode() & 0o7777;
    output
        .set_permissions(Permissions::from_mode(mode_bits))
        .map_err(CoreError::at(dst))?;
    Ok(placed)
}

/// Clone all of `input` into `output` (Linux `FICLONE`; same filesystem only).
fn reflink(input: &File, output: &File) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // FICLONE = _IOW(0x94, 9, int)
        const FICLONE: libc::c_ulong = 0x4004_9409;
        // SAFETY: both descriptors are open for the duration of the call;
        // the ioctl reads only the integer descriptor passed by value.
        let rc = unsafe { libc::ioctl(output.as_raw_fd(), FICLONE as _, input.as_raw_fd()) };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (input, output);
        Err(std::io::Error::from(ErrorKind::Unsupported))
    }
}

/// In-kernel copy with `copy_file_range`; plain read/write where it is not available.
fn copy_contents(input: &mut File, output: &mut File, len: u64) -> std::io::Result<()> {
    let mut copied: u64 = 0;
    #[cfg(target_os = "linux")]
    while copied < len {
        let chunk = usize::try_from(len - copied)
            .unwrap_or(usize::MAX)
            .min(1 << 30);
        // SAFETY: valid descriptors; null offsets use and advance the file positions.
        let n = unsafe {
            libc::copy_file_range(
                input.as_raw_fd(),
                std::ptr::null_mut(),
                output.as_raw_fd(),
                std::ptr::null_mut(),
                chunk,
                0,
            )
        };
        if n > 0 {
            copied += n as u64;
            continue;
        }
        if n == 0 {
            break; // the file shrank while copying; read/write finishes the job
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EXDEV | libc::ENOSYS | libc::EOPNOTSUPP | libc::EINVAL | libc::EPERM)
                if copied == 0 =>
            {
                break
            }
            _ => return Err(err),
        }
    }
    let _ = copied;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => output.write_all(&buf[..n])?,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
