//! The embedded font family (Gpdata Sans: Liberation Sans without hinting, SIL OFL 1.1; built by
//! `scripts/fonts/build.py`) and its glyph metrics.
//!
//! krilla embeds and subsets the fonts but does not measure text, so widths come from skrifa:
//! each style's character map and advance widths are read straight from the font's tables.

use std::sync::OnceLock;

use krilla::text::{Font, GlyphId};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

const REGULAR: &[u8] = include_bytes!("fonts/GpdataSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("fonts/GpdataSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("fonts/GpdataSans-Italic.ttf");
const BOLD_ITALIC: &[u8] = include_bytes!("fonts/GpdataSans-BoldItalic.ttf");

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
    charmap: Charmap<'static>,
    advances: GlyphMetrics<'static>,
    upem: f32,
    /// Glyph and advance for U+0000..U+017F (Latin, Latin-1, Latin Extended-A): nearly every
    /// character of a letter, so measuring rarely needs the `cmap` search.
    latin: Vec<Option<(GlyphId, f32)>>,
    fallback: (GlyphId, f32),
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
        // The font's own tables are looked up per character (a binary search in `cmap`, an
        // index into `hmtx`): cheaper than building a table of all 2,600 characters at start-up.
        let mut face = Face {
            font,
            charmap: skrifa.charmap(),
            advances: skrifa.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem,
            latin: Vec::new(),
            fallback: (GlyphId::new(0), 0.5),
            ascent: metrics.ascent / upem,
        };
        face.latin = ('\0'..='\u{17f}').map(|c| face.lookup(c)).collect();
        // Characters the font lacks are drawn as '?' so that width and text stay consistent.
        if let Some(question) = face.lookup('?') {
            face.fallback = question;
        }
        face
    }

    fn lookup(&self, c: char) -> Option<(GlyphId, f32)> {
        let gid = self.charmap.map(c)?;
        let advance = self.advances.advance_width(gid).unwrap_or(0.0) / self.upem;
        Some((GlyphId::new(gid.to_u32()), advance))
    }

    /// The glyph id and advance (in ems) for a character; nothing, and no width, for a
    /// character that is never drawn (see [`is_undrawn`]).
    pub fn glyph(&self, c: char) -> (GlyphId, f32) {
        if is_undrawn(c) {
            return (GlyphId::new(0), 0.0);
        }
        let cached = self.latin.get(c as usize).copied();
        cached
            .unwrap_or_else(|| self.lookup(c))
            .unwrap_or(self.fallback)
    }

    /// The width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }
}

/// True when a PDF letter can show `c`: the regular and bold faces both have it, or it is
/// white space or never drawn. Anything else would print as `?`.
pub fn can_draw(c: char) -> bool {
    if is_undrawn(c) || is_blank(c) {
        return true;
    }
    let family = family();
    [Style::Regular, Style::Bold].into_iter().all(|style| {
        let face = family.face(style);
        face.latin
            .get(c as usize)
            .copied()
            .unwrap_or_else(|| face.lookup(c))
            .is_some()
    })
}

/// True for characters that are measured as nothing and never drawn: control characters and
/// the byte-order mark or noncharacters. A NUL or bell pasted into a register, or written into a
/// custom template, has no glyph to show, and PDF/UA forbids mapping glyphs to such code points.
pub fn is_undrawn(c: char) -> bool {
    c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// True for the control characters that stand for white space (tab, line and page breaks):
/// the typesetter treats them as a space between words.
pub fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}')
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
