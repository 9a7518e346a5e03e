//! Typesetting: line breaking by glyph advances, pagination, lists and tables, producing pages
//! of positioned text and lines plus the structure tree used for tagging.

use crate::letter::model::{Block, Inline, Letter, Run};

use super::fonts::{Family, Style, family, is_blank, is_undrawn};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.276;
/// A4 in points.
pub const PAGE_HEIGHT: f32 = 841.89;
/// Margins, in points.
const LEFT: f32 = 62.0;
const RIGHT: f32 = 56.7;
const TOP: f32 = 52.0;
const BOTTOM: f32 = 64.0;
/// A line's height as a multiple of its type size.
const LEADING: f32 = 1.32;
/// Where the baseline sits below a line's top, as a multiple of the type size (Liberation
/// Sans's ascent, so capitals touch the top of the line box).
const ASCENT: f32 = 0.93;
/// The space after a paragraph, the indent of a list item's text, and the padding in a cell.
const PARA_GAP: f32 = 6.5;
const HANG: f32 = 15.0;
const CELL_PAD: f32 = 3.5;

/// How a paragraph or line is set: its type size, whether it is bold throughout, and the margin
/// it keeps to. One value per kind of text below, so a size is never passed without its
/// leading or its face.
#[derive(Debug, Clone, Copy)]
struct TextStyle {
    /// The type size, in points.
    size_pt: f32,
    /// Bold throughout; in running text a run's own bold and italic still apply.
    bold: bool,
    /// The margin its lines keep to.
    align: Align,
}

impl TextStyle {
    const fn regular(size_pt: f32) -> TextStyle {
        TextStyle {
            size_pt,
            bold: false,
            align: Align::Left,
        }
    }

    const fn bold(self) -> TextStyle {
        TextStyle { bold: true, ..self }
    }

    const fn right(self) -> TextStyle {
        TextStyle {
            align: Align::Right,
            ..self
        }
    }

    /// The face of a line set whole in this style.
    fn face(self) -> Style {
        Style::of(self.bold, false)
    }

    /// The height of one line.
    fn line_height(self) -> f32 {
        self.size_pt * LEADING
    }

    /// How far below a line's top its baseline sits.
    fn baseline(self) -> f32 {
        self.size_pt * ASCENT
    }
}

/// The letter's text.
const BODY: TextStyle = TextStyle::regular(10.5);
/// The practice's address lines and the cc line: read once, so smaller than the text.
const SMALL: TextStyle = TextStyle::regular(9.0);
/// Table cells: a little smaller than the text, so four columns of questions fit A4's width.
const TABLE: TextStyle = TextStyle::regular(8.8);
/// The page footer, which is furniture rather than content.
const FOOTER: TextStyle = TextStyle::regular(8.0);
/// The practice's name, at the top right as on its own letterhead.
const PRACTICE_NAME: TextStyle = TextStyle::regular(15.0).bold().right();
/// The letter's subject line: one step above the text.
const SUBJECT: TextStyle = TextStyle::regular(11.0).bold();
/// Headings of levels 1 and 2, a half step above the subject; deeper headings are bold text.
const HEADING: TextStyle = TextStyle::regular(11.5).bold();

/// Gaps in the letterhead, in points, that group its lines: a line and the one it belongs
/// with (the practice's name and address, the date and the reference) sit close; the
/// recipient, the date and the reference are set apart; the letterhead ends with a wider gap so
/// it reads as the sender's; the salutation and the subject stand off the text they open.
const LINKED: f32 = 2.0;
const GROUP_GAP: f32 = 14.0;
const LETTERHEAD_GAP: f32 = 16.0;
const OPENING_GAP: f32 = 8.0;

/// A heading's space above and below, in points: more above than below, so it binds to the
/// text it heads.
const HEADING_ABOVE: f32 = 5.0;
const HEADING_BELOW: f32 = 3.0;
/// A heading moves to the next page unless this many lines of what follows fit under it.
const HEADING_KEEPS_LINES: f32 = 3.0;

/// A list label's inset from the list's edge, and the gap between items (in place of a
/// paragraph gap, so a list reads as one block).
const LABEL_INSET: f32 = 2.0;
const ITEM_GAP: f32 = 2.0;

/// The most one word may claim of a column's width, as a multiple of an equal share: a long URL
/// or code is broken between characters rather than starving the other columns.
const LONGEST_WORD_SHARE: f32 = 1.5;
/// A table starts on the next page unless its header and this many lines of its first row fit,
/// so a header never stands alone at the foot of a page.
const TABLE_FIRST_LINES: f32 = 2.0;
/// The space after a table: a paragraph gap and a little more, as the last row has a rule.
const TABLE_GAP: f32 = PARA_GAP + 2.0;

/// How a table's lines are drawn: the header's rule darker and heavier than the rows' so the
/// header reads as one, and its shading light enough for black text to keep its contrast.
#[derive(Debug, Clone, Copy)]
struct Stroke {
    thickness: f32,
    grey: f32,
}
const HEADER_RULE: Stroke = Stroke {
    thickness: 0.6,
    grey: 0.35,
};
const ROW_RULE: Stroke = Stroke {
    thickness: 0.3,
    grey: 0.6,
};
const HEADER_SHADE: f32 = 0.9;

/// The space above the closing, and the space left under it for a signature in ink.
const CLOSING_ABOVE: f32 = 4.0;
const SIGNATURE_SPACE: f32 = 34.0;
/// The closing, signature and cc are kept on one page. Their height is estimated before they
/// are set: the closing, signatory and cc lines with one to spare, plus the space above the
/// closing and for the signature (4 + 34, rounded up). The signatory's detail lines are added.
const CLOSING_LINES: f32 = 4.0;
const CLOSING_SPACE: f32 = 40.0;
/// Space after the signatory's details, so a cc line below does not read as one of them.
const BEFORE_CC: f32 = 12.0;

/// The footer's baseline, halfway down the bottom margin.
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - BOTTOM / 2.0;

/// The content width between margins.
pub const WIDTH: f32 = PAGE_WIDTH - LEFT - RIGHT;

/// The tagged-PDF structure type of an element (`pdf::write` maps each to krilla's tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Paragraph.
    P,
    /// Heading of a level.
    H(u8),
    /// A list, numbered or bulleted.
    L {
        /// Numbered (`1.`, `2.`) rather than bulleted.
        ordered: bool,
    },
    /// List item.
    LI,
    /// List label.
    Lbl,
    /// List item body.
    LBody,
    /// Table.
    Table,
    /// Table header group.
    THead,
    /// Table body group.
    TBody,
    /// Row.
    TR,
    /// Header cell.
    TH,
    /// Data cell.
    TD,
}

/// A structure element; leaves own text, containers own elements.
#[derive(Debug, Clone)]
pub struct Elem {
    /// Its structure type.
    pub tag: Tag,
    /// Its parent, or `None` at the top level.
    pub parent: Option<usize>,
    /// Text for headings (the outline entry).
    pub title: Option<String>,
}

/// Who a drawn item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Real content of a structure element.
    Elem(usize),
    /// Page furniture (footer, rules, repeated table headers).
    Artifact,
}

/// Something to draw.
#[derive(Debug, Clone)]
pub enum Op {
    /// A run of text in one face. Positions are in points, `x` from the page's left edge and
    /// `y` down from its top, as text is set (krilla's own origin is the same).
    Text {
        /// Where the run starts.
        x: f32,
        /// The run's baseline.
        y: f32,
        /// The face it is set in.
        style: Style,
        /// Its type size, in points.
        size: f32,
        /// The text (spaces included, so extraction keeps word boundaries).
        text: String,
        /// The structure element it is content of, or page furniture.
        owner: Owner,
    },
    /// A horizontal line across a table, always page furniture (a rule is not content).
    Rule {
        /// Where it starts, from the page's left edge.
        x1: f32,
        /// Where it ends.
        x2: f32,
        /// The line's centre, down from the top of the page.
        y: f32,
        /// Thickness (not length: the line runs from `x1` to `x2`).
        thickness: f32,
        /// Grey level (0 black, 1 white).
        grey: f32,
    },
    /// A filled rectangle (table header shading), page furniture like a rule.
    Fill {
        /// Its left edge, from the page's left edge.
        x: f32,
        /// Its top edge, down from the top of the page.
        y: f32,
        /// Its width.
        w: f32,
        /// Its height.
        h: f32,
        /// Grey level (0 black, 1 white).
        grey: f32,
    },
}

/// A laid-out document.
#[derive(Debug, Default)]
pub struct Layout {
    /// Pages of drawing operations.
    pub pages: Vec<Vec<Op>>,
    /// Structure elements, in reading order.
    pub elems: Vec<Elem>,
    /// Headings for the outline: (level, title, page, y).
    pub outline: Vec<(u8, String, usize, f32)>,
}

/// One line of text: segments of uniform style with their x offsets.
type Line = Vec<(f32, Style, String)>;

/// A cell's text broken into lines, each with its width.
type CellLines = Vec<(Line, f32)>;

/// Breaks styled text into lines no wider than `width`.
pub fn break_lines(
    fam: &Family,
    runs: &[(Style, &str)],
    size: f32,
    width: f32,
) -> Vec<(Line, f32)> {
    // Words keep their styled pieces; the space before a word takes the style of that word's
    // first piece.
    let mut words: Vec<Vec<(Style, String)>> = Vec::new();
    let mut new_word = true;
    for (style, text) in runs {
        for (i, part) in text.split(is_blank).enumerate() {
            if i > 0 {
                new_word = true;
            }
            if part.is_empty() {
                continue;
            }
            if new_word || words.is_empty() {
                words.push(Vec::new());
                new_word = false;
            }
            if let Some(w) = words.last_mut() {
                w.push((*style, part.to_string()));
            }
        }
    }
    let piece_width = |pieces: &[(Style, String)]| -> f32 {
        pieces
            .iter()
            .map(|(s, t)| fam.face(*s).width(t, size))
            .sum()
    };
    let mut lines: Vec<(Line, f32)> = Vec::new();
    let mut line: Line = Vec::new();
    let mut x = 0.0f32;
    let flush = |line: &mut Line, x: &mut f32, lines: &mut Vec<(Line, f32)>| {
        if !line.is_empty() {
            lines.push((std::mem::take(line), *x));
        }
        *x = 0.0;
    };
    for word in words {
        let w = piece_width(&word);
        let space = fam.face(word[0].0).width(" ", size);
        if !line.is_empty() && x + space + w > width {
            flush(&mut line, &mut x, &mut lines);
        }
        if w > width {
            // A word longer than the line (a URL, a long code) is broken between characters.
            for (style, text) in word {
                for c in text.chars() {
                    let cw = fam.face(style).glyph(c).1 * size;
                    if x + cw > width && !line.is_empty() {
                        flush(&mut line, &mut x, &mut lines);
                    }
                    push_text(&mut line, x, style, &c.to_string());
                    x += cw;
                }
            }
            continue;
        }
        if !line.is_empty() {
            push_text(&mut line, x, word[0].0, " ");
            x += space;
        }
        for (style, text) in word {
            let tw = fam.face(style).width(&text, size);
            push_text(&mut line, x, style, &text);
            x += tw;
        }
    }
    flush(&mut line, &mut x, &mut lines);
    lines
}

/// The text a reader sees: without undrawn characters, with blanks as spaces, trimmed. Used for
/// heading titles (outline entries), which must not be empty.
fn visible(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if is_blank(c) { ' ' } else { c })
        .filter(|c| !is_undrawn(*c))
        .collect();
    kept.trim().to_string()
}

fn push_text(line: &mut Line, x: f32, style: Style, text: &str) {
    match line.last_mut() {
        Some((_, s, t)) if *s == style => t.push_str(text),
        _ => line.push((x, style, text.to_string())),
    }
}

fn runs(inline: &Inline, bold: bool) -> Vec<(Style, &str)> {
    inline
        .iter()
        .map(
            |Run {
                 text,
                 bold: b,
                 italic,
             }| (Style::of(*b || bold, *italic), text.as_str()),
        )
        .collect()
}

/// A table's geometry, shared by its header and rows.
struct Grid<'a> {
    x: f32,
    width: f32,
    widths: &'a [f32],
    /// The header's lines and height, when it repeats on each page.
    header: Option<(&'a [CellLines], f32)>,
}

/// Horizontal alignment of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

struct Typesetter {
    fam: &'static Family,
    out: Layout,
    page: Vec<Op>,
    y: f32,
}

impl Typesetter {
    fn new() -> Self {
        Typesetter {
            fam: family(),
            out: Layout::default(),
            page: Vec::new(),
            y: TOP,
        }
    }

    fn bottom() -> f32 {
        PAGE_HEIGHT - BOTTOM
    }

    fn new_page(&mut self) {
        self.out.pages.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    fn elem(&mut self, tag: Tag, parent: Option<usize>) -> usize {
        self.out.elems.push(Elem {
            tag,
            parent,
            title: None,
        });
        self.out.elems.len() - 1
    }

    fn room(&self) -> f32 {
        Self::bottom() - self.y
    }

    /// Sets a paragraph at `x`..`x + width`, breaking across pages between lines.
    fn paragraph(
        &mut self,
        runs: &[(Style, &str)],
        style: TextStyle,
        x: f32,
        width: f32,
        owner: Owner,
        gap: f32,
    ) {
        let size = style.size_pt;
        let lines = break_lines(self.fam, runs, size, width);
        let h = style.line_height();
        for (line, line_width) in lines {
            if self.y + h > Self::bottom() {
                self.new_page();
            }
            let base = self.y + style.baseline();
            let shift = if style.align == Align::Right {
                width - line_width
            } else {
                0.0
            };
            for (dx, style, text) in line {
                self.page.push(Op::Text {
                    x: x + shift + dx,
                    y: base,
                    style,
                    size,
                    text,
                    owner,
                });
            }
            self.y += h;
        }
        self.y += gap;
    }

    fn lines_height(&self, runs: &[(Style, &str)], style: TextStyle, width: f32) -> f32 {
        break_lines(self.fam, runs, style.size_pt, width).len() as f32 * style.line_height()
    }

    fn block(
        &mut self,
        block: &Block,
        parent: Option<usize>,
        x: f32,
        width: f32,
        next: Option<&Block>,
    ) {
        match block {
            Block::Heading(level, inline) => {
                let title = visible(&crate::letter::model::plain(inline));
                if title.is_empty() {
                    // An empty heading (`##` alone in a template) shows nothing and would be a
                    // heading without a title, which PDF/UA forbids.
                    return;
                }
                let style = if *level <= 2 { HEADING } else { BODY.bold() };
                let r = runs(inline, style.bold);
                let need = self.lines_height(&r, style, width)
                    + next.map_or(0.0, |_| HEADING_KEEPS_LINES * BODY.line_height())
                    + (HEADING_ABOVE + HEADING_BELOW);
                if need > self.room() && self.y > TOP {
                    self.new_page();
                }
                self.y += HEADING_ABOVE;
                let id = self.elem(Tag::H(*level), parent);
                self.out.elems[id].title = Some(title.clone());
                self.out
                    .outline
                    .push((*level, title, self.out.pages.len(), self.y));
                self.paragraph(&r, style, x, width, Owner::Elem(id), HEADING_BELOW);
            }
            Block::Paragraph(inline) => {
                let id = self.elem(Tag::P, parent);
                self.paragraph(
                    &runs(inline, BODY.bold),
                    BODY,
                    x,
                    width,
                    Owner::Elem(id),
                    PARA_GAP,
                );
            }
            Block::List { start, items } => {
                let list = self.elem(
                    Tag::L {
                        ordered: start.is_some(),
                    },
                    parent,
                );
                for (i, item) in items.iter().enumerate() {
                    let li = self.elem(Tag::LI, Some(list));
                    let label = match start {
                        Some(n) => format!("{}.", n + i as u64),
                        None => "•".to_string(),
                    };
                    if BODY.line_height() > self.room() {
                        self.new_page();
                    }
                    let lbl = self.elem(Tag::Lbl, Some(li));
                    let base = self.y + BODY.baseline();
                    self.page.push(Op::Text {
                        x: x + LABEL_INSET,
                        y: base,
                        style: BODY.face(),
                        size: BODY.size_pt,
                        text: label,
                        owner: Owner::Elem(lbl),
                    });
                    let body = self.elem(Tag::LBody, Some(li));
                    for (j, b) in item.iter().enumerate() {
                        self.block(b, Some(body), x + HANG, width - HANG, item.get(j + 1));
                    }
                    self.y -= PARA_GAP - ITEM_GAP;
                }
                self.y += PARA_GAP - ITEM_GAP;
            }
            Block::Table { header, rows } => self.table(header, rows, parent, x, width),
        }
    }

    fn table(
        &mut self,
        header: &[Inline],
        rows: &[Vec<Inline>],
        parent: Option<usize>,
        x: f32,
        width: f32,
    ) {
        let cols = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        let cell = |row: &[Inline], c: usize| row.get(c).cloned().unwrap_or_default();
        // Column widths from content: every column gets its longest word, the rest of the
        // width is shared in proportion to how much each column would like beyond that.
        let mut min = vec![0.0f32; cols];
        let mut natural = vec![0.0f32; cols];
        for (ri, row) in std::iter::once(header)
            .chain(rows.iter().map(Vec::as_slice))
            .enumerate()
        {
            for (c, (mn, nat)) in min.iter_mut().zip(natural.iter_mut()).enumerate() {
                let inline = cell(row, c);
                let bold = ri == 0;
                for span in &inline {
                    let face = self.fam.face(Style::of(span.bold || bold, span.italic));
                    for word in span.text.split_whitespace() {
                        *mn = mn.max(
                            face.width(word, TABLE.size_pt)
                                .min(width / cols as f32 * LONGEST_WORD_SHARE),
                        );
                    }
                }
                let whole: f32 = inline
                    .iter()
                    .map(|s| {
                        self.fam
                            .face(Style::of(s.bold || bold, s.italic))
                            .width(&s.text, TABLE.size_pt)
                    })
                    .sum();
                *nat = nat.max(whole);
            }
        }
        let pad = 2.0 * CELL_PAD;
        let inner = width - pad * cols as f32;
        let min_total: f32 = min.iter().sum();
        let widths: Vec<f32> = if min_total >= inner {
            min.iter().map(|m| m / min_total * inner).collect()
        } else {
            let want: Vec<f32> = natural
                .iter()
                .zip(&min)
                .map(|(n, m)| (n - m).max(0.0))
                .collect();
            let want_total: f32 = want.iter().sum();
            let spare = inner - min_total;
            min.iter()
                .zip(&want)
                .map(|(m, w)| {
                    if want_total > 0.0 {
                        m + spare * (w / want_total).min(1.0)
                    } else {
                        m + spare / cols as f32
                    }
                })
                .collect()
        };
        // If no column wants more than it has, the table would stop short; stretch the last.
        let used: f32 = widths.iter().sum();
        let mut widths = widths;
        if used < inner
            && let Some(last) = widths.last_mut()
        {
            *last += inner - used;
        }
        let table = self.elem(Tag::Table, parent);
        let thead = self.elem(Tag::THead, Some(table));
        let line_h = TABLE.line_height();
        let header_lines: Vec<CellLines> = (0..cols)
            .map(|c| {
                break_lines(
                    self.fam,
                    &runs(&cell(header, c), true),
                    TABLE.size_pt,
                    widths[c],
                )
            })
            .collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_h + pad;
        // A header taller than half a page (only a custom template can write one) is not
        // repeated: it is set once like a body row, so it splits across pages instead of
        // running off the bottom.
        let repeat = header_h <= (Self::bottom() - TOP) / 2.0;
        let grid = Grid {
            x,
            width,
            widths: &widths,
            header: repeat.then_some((header_lines.as_slice(), header_h)),
        };
        if header_h.min(Self::bottom() - TOP) + line_h * TABLE_FIRST_LINES + pad > self.room() {
            self.new_page();
        }
        let hrow = self.elem(Tag::TR, Some(thead));
        let hcells: Vec<usize> = (0..cols).map(|_| self.elem(Tag::TH, Some(hrow))).collect();
        if repeat {
            self.table_header(&grid, Some(&hcells));
        } else {
            self.table_row(&grid, &header_lines, &hcells);
        }
        let tbody = self.elem(Tag::TBody, Some(table));
        for row in rows {
            let tr = self.elem(Tag::TR, Some(tbody));
            let cells: Vec<usize> = (0..cols).map(|_| self.elem(Tag::TD, Some(tr))).collect();
            let lines: Vec<CellLines> = (0..cols)
                .map(|c| {
                    break_lines(
                        self.fam,
                        &runs(&cell(row, c), false),
                        TABLE.size_pt,
                        widths[c],
                    )
                })
                .collect();
            self.table_row(&grid, &lines, &cells);
        }
        self.y += TABLE_GAP;
    }

    /// Draws the shaded header row; `owners` are its TH elements the first time, and `None`
    /// (page furniture) when it is repeated on a new page.
    fn table_header(&mut self, grid: &Grid, owners: Option<&[usize]>) {
        let Some((lines, h)) = grid.header else {
            return;
        };
        self.page.push(Op::Fill {
            x: grid.x,
            y: self.y,
            w: grid.width,
            h,
            grey: HEADER_SHADE,
        });
        self.cells(grid.x, grid.widths, lines, 0, usize::MAX, |c| {
            owners.map_or(Owner::Artifact, |o| Owner::Elem(o[c]))
        });
        self.y += h;
        self.rule(grid, HEADER_RULE);
    }

    /// Draws a rule across the table at `self.y`.
    fn rule(&mut self, grid: &Grid, stroke: Stroke) {
        self.page.push(Op::Rule {
            x1: grid.x,
            x2: grid.x + grid.width,
            y: self.y,
            thickness: stroke.thickness,
            grey: stroke.grey,
        });
    }

    /// Places one row, keeping it whole when it fits on a fresh page and splitting it between
    /// lines only when it is taller than a page; the header repeats on each new page.
    fn table_row(&mut self, grid: &Grid, lines: &[CellLines], owners: &[usize]) {
        let pad = 2.0 * CELL_PAD;
        let line_h = TABLE.line_height();
        let header_h = grid.header.map_or(0.0, |(_, h)| h);
        let total = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let fresh = ((Self::bottom() - TOP - header_h - pad) / line_h).floor() as usize;
        let mut done = 0;
        let mut fresh_page = false;
        while done < total {
            let fit = ((self.room() - pad) / line_h).floor().max(0.0) as usize;
            if !fresh_page && (fit == 0 || (fit < total - done && total - done <= fresh)) {
                self.new_page();
                self.table_header(grid, None);
                fresh_page = true;
                continue;
            }
            // On a fresh page always place at least one line, so no input can loop for ever.
            let take = fit.max(1).min(total - done);
            fresh_page = false;
            self.cells(grid.x, grid.widths, lines, done, take, |c| {
                Owner::Elem(owners[c])
            });
            self.y += take as f32 * line_h + pad;
            self.rule(grid, ROW_RULE);
            done += take;
        }
    }

    /// Draws lines `skip..skip + take` of each column's cell text in a table row at `self.y`.
    fn cells(
        &mut self,
        x: f32,
        widths: &[f32],
        lines: &[CellLines],
        skip: usize,
        take: usize,
        owner: impl Fn(usize) -> Owner,
    ) {
        let line_h = TABLE.line_height();
        let mut cx = x;
        for (c, column) in lines.iter().enumerate() {
            for (i, (line, _)) in column.iter().skip(skip).take(take).enumerate() {
                let base = self.y + CELL_PAD + i as f32 * line_h + TABLE.baseline();
                for (dx, style, text) in line {
                    self.page.push(Op::Text {
                        x: cx + CELL_PAD + dx,
                        y: base,
                        style: *style,
                        size: TABLE.size_pt,
                        text: text.clone(),
                        owner: owner(c),
                    });
                }
            }
            cx += widths[c] + 2.0 * CELL_PAD;
        }
    }

    /// Sets each of `lines` as its own paragraph (an address, a signatory's details), with
    /// `gap_after` below the last.
    fn plain_lines(&mut self, lines: &[String], style: TextStyle, gap_after: f32) {
        for (i, line) in lines.iter().enumerate() {
            let id = self.elem(Tag::P, None);
            let gap = if i + 1 == lines.len() { gap_after } else { 0.0 };
            self.paragraph(
                &[(style.face(), line.as_str())],
                style,
                LEFT,
                WIDTH,
                Owner::Elem(id),
                gap,
            );
        }
    }
}

/// Lays out a letter: frame, subject, body, closing, cc, the annex from a new page; then page
/// footers.
pub fn layout(letter: &Letter) -> Layout {
    let mut ts = Typesetter::new();
    let f = &letter.frame;
    ts.plain_lines(
        std::slice::from_ref(&f.practice_name),
        PRACTICE_NAME,
        LINKED,
    );
    ts.plain_lines(&f.practice_lines, SMALL.right(), LETTERHEAD_GAP);
    ts.plain_lines(&f.recipient_lines, BODY, GROUP_GAP);
    ts.plain_lines(std::slice::from_ref(&f.date), BODY, LINKED);
    ts.plain_lines(&[format!("Our ref: {}", f.our_ref)], BODY, GROUP_GAP);
    if !f.salutation.is_empty() {
        ts.plain_lines(&[format!("{},", f.salutation)], BODY, OPENING_GAP);
    }
    let subject = visible(&letter.subject);
    if !subject.is_empty() {
        let id = ts.elem(Tag::H(1), None);
        ts.out.elems[id].title = Some(subject.clone());
        ts.out.outline.push((1, subject, ts.out.pages.len(), ts.y));
        ts.paragraph(
            &[(SUBJECT.face(), letter.subject.as_str())],
            SUBJECT,
            LEFT,
            WIDTH,
            Owner::Elem(id),
            OPENING_GAP,
        );
    }
    for (i, block) in letter.body.iter().enumerate() {
        ts.block(block, None, LEFT, WIDTH, letter.body.get(i + 1));
    }
    // Keep the closing, signature and cc together. A sheet for the practice has none.
    if !f.closing.is_empty() {
        let closing_h =
            (CLOSING_LINES + f.signatory_lines.len() as f32) * BODY.line_height() + CLOSING_SPACE;
        if closing_h > ts.room() {
            ts.new_page();
        }
        ts.y += CLOSING_ABOVE;
        ts.plain_lines(&[format!("{},", f.closing)], BODY, SIGNATURE_SPACE);
        ts.plain_lines(std::slice::from_ref(&f.signatory), BODY.bold(), 0.0);
        ts.plain_lines(&f.signatory_lines, BODY, BEFORE_CC);
    }
    if !f.cc.is_empty() {
        ts.plain_lines(&[format!("cc: {}", f.cc.join("; "))], SMALL, 0.0);
    }
    if !letter.annex.is_empty() {
        ts.new_page();
        for (i, block) in letter.annex.iter().enumerate() {
            ts.block(block, None, LEFT, WIDTH, letter.annex.get(i + 1));
        }
    }
    ts.new_page();
    let mut out = ts.out;
    let total = out.pages.len();
    let fam = family();
    for (i, page) in out.pages.iter_mut().enumerate() {
        let y = FOOTER_BASELINE;
        let left = format!("{} · Our ref: {}", f.practice_name, f.our_ref);
        page.push(Op::Text {
            x: LEFT,
            y,
            style: FOOTER.face(),
            size: FOOTER.size_pt,
            text: left,
            owner: Owner::Artifact,
        });
        let number = format!("Page {} of {}", i + 1, total);
        let w = fam.face(FOOTER.face()).width(&number, FOOTER.size_pt);
        page.push(Op::Text {
            x: PAGE_WIDTH - RIGHT - w,
            y,
            style: FOOTER.face(),
            size: FOOTER.size_pt,
            text: number,
            owner: Owner::Artifact,
        });
    }
    out
}
