//! Writes N synthetic registers for benchmarks: `cargo run --release --example synth -- N DIR
//! [SEED]`. The same N and seed always give the same files (see `tests/support/synth.rs`).

#[path = "../tests/support/synth.rs"]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: synth COUNT DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2026);
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for index in 0..count {
        let path = dir.join(format!("practice-{index:05}.yaml"));
        if let Err(e) = std::fs::write(&path, synth::register(seed, index)) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!("wrote {count} registers to {}", dir.display());
    ExitCode::SUCCESS
}
