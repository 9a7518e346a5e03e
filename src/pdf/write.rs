//! Drawing a layout with krilla: glyphs placed by our own metrics, structure tags, outline,
//! metadata, and the optional PDF/A-2b validator.

use std::num::NonZeroU16;

use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::KrillaGlyph;

use crate::letter::Letter;

use super::fonts::{family, is_undrawn};
use super::layout::{self, Elem, Layout, Op, Owner, PAGE_HEIGHT, PAGE_WIDTH};

/// What kind of PDF to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfOptions {
    /// Write structure tags and an outline (accessible PDF).
    pub tagged: bool,
    /// Validate and write PDF/A-2b.
    pub pdfa: bool,
}

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// krilla refused the document (e.g. a validator failed).
    #[error("the PDF could not be written: {0}")]
    Krilla(String),
}

/// Writes a letter already laid out as PDF bytes; `letter` gives the document's metadata
/// (title, author, subject, date).
pub fn write(letter: &Letter, layout: &Layout, options: PdfOptions) -> Result<Vec<u8>, PdfError> {
    let mut settings = SerializeSettings {
        enable_tagging: options.tagged || options.pdfa,
        ascii_compatible: false,
        ..SerializeSettings::default()
    };
    if options.pdfa || options.tagged {
        let mut builder = ConfigurationBuilder::new();
        if options.pdfa {
            builder = builder.with_archival_validator(Archival::A2_B);
        }
        if options.tagged {
            builder = builder.with_accessibility_validator(Accessibility::UA1);
        }
        let config = builder
            .finish()
            .map_err(|e| PdfError::Krilla(format!("{e:?}")))?;
        settings.configuration = config;
    }
    let mut document = Document::new_with(settings);
    let fam = family();
    let mut ids: Vec<Vec<Identifier>> = vec![Vec::new(); layout.elems.len()];
    for ops in &layout.pages {
        let mut page = document.start_page_with(PageSettings::new(
            Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid size"),
        ));
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    style,
                    size,
                    text,
                    owner,
                } => {
                    let face = fam.face(*style);
                    let mut glyphs = Vec::with_capacity(text.len());
                    for (offset, c) in text.char_indices().filter(|(_, c)| !is_undrawn(*c)) {
                        let (id, advance) = face.glyph(c);
                        glyphs.push(KrillaGlyph::new(
                            id,
                            advance,
                            0.0,
                            0.0,
                            0.0,
                            offset..offset + c.len_utf8(),
                            None,
                        ));
                    }
                    let tag = match owner {
                        Owner::Elem(_) => ContentTag::Span(SpanTag::empty()),
                        Owner::Artifact => {
                            ContentTag::Artifact(Artifact::with_kind(ArtifactType::Footer))
                        }
                    };
                    let id = surface.start_tagged(tag);
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &glyphs,
                        face.font.clone(),
                        text,
                        *size,
                        false,
                    );
                    surface.end_tagged();
                    if let Owner::Elem(e) = owner {
                        ids[*e].push(id);
                    }
                }
                Op::Rule {
                    x1,
                    x2,
                    y,
                    thickness,
                    grey,
                } => fill_rect(
                    &mut surface,
                    *x1,
                    *y - thickness / 2.0,
                    x2 - x1,
                    *thickness,
                    *grey,
                ),
                Op::Fill { x, y, w, h, grey } => fill_rect(&mut surface, *x, *y, *w, *h, *grey),
            }
        }
        surface.finish();
        page.finish();
    }
    if options.tagged || options.pdfa {
        document.set_tag_tree(tag_tree(&layout.elems, ids));
        let mut outline = Outline::new();
        for (level, title, page, y) in &layout.outline {
            if *level <= 2 {
                let dest = XyzDestination::new(*page, Point::from_xy(0.0, *y));
                outline.push_child(OutlineNode::new(title.clone(), dest));
            }
        }
        document.set_outline(outline);
    }
    document.set_metadata(metadata(letter));
    document.finish().map_err(|e| match e {
        // Name each failed check, so a report of this defect says what to mend.
        krilla::error::KrillaError::Validation(ref errors) => PdfError::Krilla(format!(
            "{e}: {}",
            errors
                .iter()
                .map(|(error, _)| format!("{error:?}"))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        other => PdfError::Krilla(other.to_string()),
    })
}

/// Fills a rectangle as a layout artifact (rules and table shading carry no content).
fn fill_rect(surface: &mut krilla::surface::Surface, x: f32, y: f32, w: f32, h: f32, grey: f32) {
    let Some(rect) = Rect::from_xywh(x, y, w, h) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(rect);
    if let Some(path) = pb.finish() {
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::Layout,
        )));
        surface.set_fill(Some(grey_fill(grey)));
        surface.draw_path(&path);
        surface.end_tagged();
    }
}

fn grey_fill(grey: f32) -> Fill {
    let v = (grey.clamp(0.0, 1.0) * 255.0).round() as u8;
    Fill {
        paint: rgb::Color::new(v, v, v).into(),
        ..Fill::default()
    }
}

fn metadata(letter: &Letter) -> Metadata {
    let d = letter.meta.date;
    let date = DateTime::new(d.year() as u16)
        .month(d.month() as u8)
        .day(d.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    Metadata::new()
        .title(letter.meta.title.clone())
        .authors(vec![letter.meta.author.clone()])
        .description(letter.meta.subject.clone())
        .creator("gpdata".to_string())
        .producer(format!("gpdata {}", env!("CARGO_PKG_VERSION")))
        .language("en-GB".to_string())
        .creation_date(date)
}

/// Builds the tag tree: leaves take their content identifiers, containers their children.
fn tag_tree(elems: &[Elem], mut ids: Vec<Vec<Identifier>>) -> TagTree {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); elems.len()];
    let mut roots = Vec::new();
    for (i, e) in elems.iter().enumerate() {
        match e.parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    fn build(
        i: usize,
        elems: &[Elem],
        children: &[Vec<usize>],
        ids: &mut [Vec<Identifier>],
    ) -> TagGroup {
        let e = &elems[i];
        let kind: TagKind = match e.tag {
            layout::Tag::P => Tag::P.into(),
            layout::Tag::H(level) => Tag::Hn(
                NonZeroU16::new(u16::from(level.max(1))).unwrap_or(NonZeroU16::MIN),
                e.title.clone(),
            )
            .into(),
            layout::Tag::L { ordered } => Tag::L(if ordered {
                ListNumbering::Decimal
            } else {
                ListNumbering::Disc
            })
            .into(),
            layout::Tag::LI => Tag::LI.into(),
            layout::Tag::Lbl => Tag::Lbl.into(),
            layout::Tag::LBody => Tag::LBody.into(),
            layout::Tag::Table => Tag::Table.into(),
            layout::Tag::THead => Tag::THead.into(),
            layout::Tag::TBody => Tag::TBody.into(),
            layout::Tag::TR => Tag::TR.into(),
            layout::Tag::TH => Tag::TH(TableHeaderScope::Column).into(),
            layout::Tag::TD => Tag::TD.into(),
        };
        let mut group = TagGroup::new(kind);
        for id in std::mem::take(&mut ids[i]) {
            group.push(id);
        }
        for &c in &children[i] {
            let child = build(c, elems, children, ids);
            group.push(child);
        }
        group
    }
    let mut tree = TagTree::new().with_lang(Some("en-GB".to_string()));
    for r in roots {
        let group = build(r, elems, &children, &mut ids);
        tree.push(group);
    }
    tree
}
