//! The `gpdata` binary: parses the command line and hands over to the library.

fn main() {
    ignore_file_size_signal();
    std::process::exit(gpdata::cli::run());
}

/// Under a file-size limit (`ulimit -f`) the kernel kills a process that writes past it with
/// SIGXFSZ, leaving no message and a half-written temporary file. Ignored, the write fails with
/// an error instead, which gpdata reports as `cannot-write` after removing the temporary file.
#[cfg(unix)]
fn ignore_file_size_signal() {
    // SAFETY: setting a signal's disposition to SIG_IGN before any thread starts has no
    // preconditions; no handler code runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

#[cfg(not(unix))]
fn ignore_file_size_signal() {}
