//! The embedded font family (Liberation Sans, SIL OFL 1.1) and its glyph metrics.
//!
//! krilla embeds and subsets the fonts but does not measure text, so widths come from skrifa:
//! each style's character map and advance widths are read once per process into a table.

use std::collections::HashMap;
use std::sync::OnceLock;

use krilla::text::{Font, GlyphId};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

const REGULAR: &[u8] = include_bytes!("fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("fonts/LiberationSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("fonts/LiberationSans-Italic.ttf");
const BOLD_ITALIC: &[u8] = include_bytes!("fonts/LiberationSans-BoldItalic.ttf");

/// A text style: which face of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Regular.
    Regular,
    /// Bold.
    Bold,
    /// Italic.
    Italic,
    /// Bold italic.
    BoldItalic,
}

impl Style {
    /// The style for a bold/italic combination.
    pub fn of(bold: bool, italic: bool) -> Style {
        match (bold, italic) {
            (false, false) => Style::Regular,
            (true, false) => Style::Bold,
            (false, true) => Style::Italic,
            (true, true) => Style::BoldItalic,
        }
    }
}

/// One face: the krilla font to draw with and the metrics to measure with.
pub struct Face {
    /// The font handed to krilla.
    pub font: Font,
    glyphs: HashMap<char, (u32, f32)>,
    fallback: (u32, f32),
    /// Ascender as a fraction of the em.
    pub ascent: f32,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        // These are our own vendored files, checked by the tests: failure is a build defect.
        let font = Font::new(krilla::Data::from(bytes), 0).expect("embedded font parses");
        let skrifa = FontRef::new(bytes).expect("embedded font parses");
        let metrics = skrifa.metrics(Size::unscaled(), LocationRef::default());
        let upem = f32::from(metrics.units_per_em);
        let advances = skrifa.glyph_metrics(Size::unscaled(), LocationRef::default());
        let mut glyphs = HashMap::new();
        for (codepoint, gid) in skrifa.charmap().mappings() {
            if let Some(c) = char::from_u32(codepoint) {
                let advance = advances.advance_width(gid).unwrap_or(0.0) / upem;
                glyphs.insert(c, (gid.to_u32(), advance));
            }
        }
        // Characters the font lacks are drawn as '?' so that width and text stay consistent.
        let fallback = glyphs.get(&'?').copied().unwrap_or((0, 0.5));
        Face {
            font,
            glyphs,
            fallback,
            ascent: metrics.ascent / upem,
        }
    }

    /// The glyph id and advance (in ems) for a character.
    pub fn glyph(&self, c: char) -> (GlyphId, f32) {
        let (id, advance) = self.glyphs.get(&c).copied().unwrap_or(self.fallback);
        (GlyphId::new(id), advance)
    }

    /// The width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }
}

/// The four faces, each loaded the first time it is used (most letters never need italics).
pub struct Family {
    faces: [OnceLock<Face>; 4],
}

impl Family {
    /// The face for a style.
    pub fn face(&self, style: Style) -> &Face {
        self.faces[style as usize].get_or_init(|| {
            Face::load(match style {
                Style::Regular => REGULAR,
                Style::Bold => BOLD,
                Style::Italic => ITALIC,
                Style::BoldItalic => BOLD_ITALIC,
            })
        })
    }
}

/// The family, shared by every letter in the process.
pub fn family() -> &'static Family {
    static FAMILY: Family = Family {
        faces: [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ],
    };
    &FAMILY
}
