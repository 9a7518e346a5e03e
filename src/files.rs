//! Reading input files into [`SourceFile`]s: size-capped, decoded as UTF-8 (with a BOM or
//! UTF-16 handled), and every failure a diagnostic against the file. Kept apart from
//! [`crate::source`], which holds the span types that diagnostics are built on.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::limits::MAX_FILE_BYTES;
use crate::source::{SourceFile, display_path};

/// Why a file could not be read as text; each becomes a diagnostic against the file.
pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    let name = display_path(path);
    let fail = |code: Code, message: String, help: &str| {
        Box::new(
            Diagnostic::error(code, message)
                .with_file_name(&name)
                .with_help(help),
        )
    };
    // Look before opening: opening a named pipe with no writer blocks for ever.
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return Err(fail(
            Code::UnreadableFile,
            format!("`{name}` is not a regular file (it is a pipe, device or socket)"),
            "save the register to a file and name that file",
        ));
    }
    let file = fs::File::open(path).map_err(|e| {
        fail(
            Code::UnreadableFile,
            format!("cannot read `{name}`: {}", io_reason(&e)),
            "check the path and that you have permission to read the file",
        )
    })?;
    let meta = file.metadata().map_err(|e| {
        fail(
            Code::UnreadableFile,
            format!("cannot read `{name}`: {}", io_reason(&e)),
            "check the path and that you have permission to read the file",
        )
    })?;
    if meta.is_dir() {
        return Err(fail(
            Code::UnreadableFile,
            format!("`{name}` is a folder, not a file"),
            "name a .yaml file, or pass the folder to a command that scans folders",
        ));
    }
    let bytes = read_capped(file, &name, meta.len())?;
    decode(&name, bytes)
}

/// The name standard input goes by in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads a register from standard input (`-` on the command line), with the same size limit
/// and encoding checks as a file.
pub fn read_stdin() -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    let bytes = read_capped(std::io::stdin().lock(), STDIN_NAME, 64 * 1024)?;
    decode(STDIN_NAME, bytes)
}

/// Reads all of `reader`, refusing more than `MAX_FILE_BYTES`. One byte past the cap is read,
/// so an over-size file (or an endless pipe) is caught without reading it all.
fn read_capped(reader: impl Read, name: &str, expected: u64) -> Result<Vec<u8>, Box<Diagnostic>> {
    let fail = |code: Code, message: String, help: &str| {
        Box::new(
            Diagnostic::error(code, message)
                .with_file_name(name)
                .with_help(help),
        )
    };
    let mut bytes = Vec::with_capacity(expected.min(MAX_FILE_BYTES) as usize + 1);
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            fail(
                Code::UnreadableFile,
                format!("cannot read `{name}`: {}", io_reason(&e)),
                "check the file is a regular file you can read",
            )
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(
            Code::FileTooLarge,
            format!(
                "`{name}` is larger than the {} MiB limit",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            "a register is normally well under 1 MB; check this is the right file",
        ));
    }
    Ok(bytes)
}

/// Turns raw bytes into a source file, refusing encodings other than UTF-8 with a clear reason.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Box<Diagnostic>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        // The byte-order mark at 1:1 is what gives the encoding away.
        let source = SourceFile::new(name, "");
        return Err(Box::new(
            Diagnostic::error(
                Code::InvalidEncoding,
                format!("`{name}` is UTF-16, not UTF-8"),
            )
            .at(&source, source.span_at(0, 0))
            .with_help("save the file as UTF-8 (in Notepad: Save As, Encoding: UTF-8)"),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let source = SourceFile::new(name, valid);
            let span = source.span_at(offset, 0);
            Err(Box::new(
                Diagnostic::error(
                    Code::InvalidEncoding,
                    format!("`{name}` is not valid UTF-8 text (bad byte at offset {offset})"),
                )
                .at(&source, span)
                .with_help(
                    "save the file as UTF-8; if it is not a register at all, remove it from the folder",
                ),
            ))
        }
    }
}

/// A short, lower-case reason for an I/O error, without Rust's "(os error N)" suffix.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match error.kind() {
        NotFound => "no such file or folder".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}
