//! The PDF: embedded fonts, typesetting, and writing with krilla.

pub mod fonts;
pub mod layout;
pub mod write;

pub use write::{PdfError, PdfOptions};

use crate::letter::Letter;

/// Typesets and writes a letter.
pub fn render(letter: &Letter, options: PdfOptions) -> Result<Vec<u8>, PdfError> {
    let layout = layout::layout(letter);
    write::write(letter, &layout, options)
}
