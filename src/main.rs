//! The `gpdata` binary: parses the command line and hands over to the library.

/// mimalloc, not the system allocator: bulk `check` and `audit` allocate and free millions of
/// small tree nodes on every core, where glibc's allocator took a quarter of the time (see
/// BENCHMARKS.md). Unix only: the Windows build keeps the system allocator, so it needs no C
/// compiler beyond the cross linker.
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    ignore_file_size_signal();
    keep_freed_memory();
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

/// mimalloc's `purge_delay` option, by its place in `mi_option_e` (mimalloc 3's `mimalloc.h`;
/// the crate names only some options). The test below holds it to that option's default.
#[cfg(unix)]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc to keep memory it has freed rather than hand it back to the system a second
/// later. A gpdata run is short and its peak is bounded by its batches (`workers.rs`), and
/// handing memory back splits the kernel's huge pages: `audit` of 1,000 registers took 6,400
/// page faults with it and 340 without, and 15 % longer.
#[cfg(unix)]
fn keep_freed_memory() {
    // SAFETY: sets one integer option; mimalloc reads options at any time and from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[cfg(not(unix))]
fn keep_freed_memory() {}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_meant() {
        // mimalloc 3 delays purging by 1,000 ms unless told otherwise; no other option of its
        // has that default, so a renumbered enum fails here rather than tuning the wrong option.
        let value = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }
}
