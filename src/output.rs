//! Writing output files atomically: a temporary file in the same folder, synced, then renamed
//! over the target, so an interrupted run never leaves a truncated file under the real name.

use crate::source::display_path;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically. The temporary file is removed if anything fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(PART_PREFIX)
        .suffix(PART_SUFFIX)
        .tempfile_in(folder_of(path))?;
    tmp.write_all(bytes)?;
    // tempfile creates files readable by the owner only; a letter is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The folder a file is written in: its parent, or `.` for a bare file name.
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The prefix and suffix of the temporary files `write_atomic` makes.
const PART_PREFIX: &str = ".gpdata-";
const PART_SUFFIX: &str = ".part";

/// One run's exclusive hold on an output folder (an advisory lock on the folder itself,
/// released when dropped or when the process dies, even by SIGKILL).
#[derive(Debug)]
pub struct FolderLock {
    _dir: std::fs::File,
    /// Temporary files left by an interrupted earlier run, removed on taking the lock.
    pub swept: usize,
}

/// Why an output folder could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another gpdata run holds the folder.
    #[error("another `gpdata letter` run is writing to `{0}`; wait for it to finish")]
    Busy(String),
}

/// Takes the output folder for this run, then removes temporary files that only a killed run
/// can have left (a live run would hold the lock). On systems where a folder cannot be locked,
/// runs go ahead unlocked and nothing is swept.
pub fn lock_folder(dir: &Path) -> Result<Option<FolderLock>, LockError> {
    let Ok(handle) = std::fs::File::open(dir) else {
        return Ok(None);
    };
    match handle.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(LockError::Busy(display_path(dir)));
        }
        Err(std::fs::TryLockError::Error(_)) => return Ok(None),
    }
    let mut swept = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let is_part = name.starts_with(PART_PREFIX) && name.ends_with(PART_SUFFIX);
            if is_part
                && entry.file_type().is_ok_and(|t| t.is_file())
                && std::fs::remove_file(entry.path()).is_ok()
            {
                swept += 1;
            }
        }
    }
    Ok(Some(FolderLock {
        _dir: handle,
        swept,
    }))
}
