//! The `gpdata` binary: parses the command line and hands over to the library.

fn main() {
    std::process::exit(gpdata::cli::run());
}
