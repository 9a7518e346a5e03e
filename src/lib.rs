//! gpdata: register, audit and write to the ICB about the data flows that leave an English GP
//! practice.
//!
//! The library is a pipeline of typed stages; the binary in `main.rs` only parses the command
//! line and calls [`cli::run`].
//!
//! ```text
//! YAML ──yaml──▶ Node tree (spans) ──register::load──▶ Register ──policy::evaluate──▶ Audit
//!                                                                                     │
//!      template (Tera) ◀── letter::context ◀───────────────────────────────────────────┘
//!           │ Markdown
//!           ▼
//!      letter::blocks ──pdf::layout──▶ pages ──pdf::write──▶ PDF bytes
//! ```

pub mod audit;
pub mod catalogue;
pub mod cli;
pub mod dates;
pub mod diag;
pub mod discover;
pub mod english;
pub mod explain;
pub mod files;
pub mod import;
pub mod letter;
pub mod limits;
pub mod ods;
pub mod output;
pub mod pdf;
pub mod policy;
pub mod reader;
pub mod record;
pub mod register;
pub mod report;
pub mod serve;
pub mod source;
pub mod status;
pub mod suggest;
pub mod validate;
pub mod workers;
pub mod yaml;
