//! The letter: Tera templates render Markdown, which becomes document blocks inside a frame
//! taken from the register; `text` and `crate::pdf` turn the result into files.

pub mod actions;
pub mod blocks;
pub mod context;
pub mod model;
pub mod render;
pub mod sequence;
pub mod templates;
pub mod text;

pub use context::{Extras, LetterOptions};
pub use model::Letter;
pub use render::Renderer;
