//! The documented limits on input, in one place so the README, the loader and the tests agree.

/// Largest register or policy file accepted, in bytes (10 MiB).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Deepest nesting of YAML collections accepted. A register needs five levels and a policy with
/// nested `any`/`all` about ten; the limit refuses pathological input early and keeps the
/// recursive reader well inside a 2 MiB thread stack even in debug builds (measured: 32 levels
/// fit, 48 do not).
pub const MAX_DEPTH: usize = 24;

/// Stack size for worker threads, well above what `MAX_DEPTH` needs.
pub const WORKER_STACK: usize = 8 * 1024 * 1024;

/// Most flows accepted in one register. England's busiest practices list well under a hundred;
/// the limit exists so that a generated or corrupted file cannot make a letter of a million pages.
pub const MAX_FLOWS: usize = 2_000;

/// Most YAML aliases (`*name`) accepted in one file; anchors are rare in registers, and a small
/// cap makes "billion laughs" expansion impossible.
pub const MAX_ALIASES: usize = 1_000;

/// Most YAML nodes accepted in one file (a 10 MiB register holds far fewer).
pub const MAX_NODES: usize = 2_000_000;

/// Most parser events in one file: about two per node, so the node cap is the one that bites.
pub const MAX_EVENTS: usize = 2 * MAX_NODES + 1_000;

/// Most events YAML aliases may replay in one file (the guard against "billion laughs").
pub const MAX_REPLAYED_EVENTS: usize = 100_000;

/// Most Markdown one letter's template may write, in bytes. The letter for a register of
/// `MAX_FLOWS` flows with long names writes about 3.3 MB (measured); a template whose loops
/// run away is stopped here
/// instead of filling memory and a PDF of tens of thousands of pages.
pub const MAX_LETTER_BYTES: usize = 16 * 1024 * 1024;

/// Longest one letter's template may take to render. A letter takes milliseconds; a template
/// with loops nested past reason is stopped here and the run reports it.
pub const MAX_TEMPLATE_SECONDS: u64 = 10;
