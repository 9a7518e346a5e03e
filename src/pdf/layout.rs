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
/// Type sizes, in points: the letter's text, the footer and annex notes, table cells.
const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;
const TABLE: f32 = 8.8;
/// A line's height as a multiple of its type size.
const LEADING: f32 = 1.32;
/// Where the baseline sits below a line's top, as a multiple of the type size (Liberation
/// Sans's ascent, so capitals touch the top of the line box).
const ASCENT: f32 = 0.93;
/// The space after a paragraph, the indent of a list item's text, and the padding in a cell.
const PARA_GAP: f32 = 6.5;
const HANG: f32 = 15.0;
const CELL_PAD: f32 = 3.5;

/// The height of one line of text of `size`.
fn line_height(size: f32) -> f32 {
    size * LEADING
}

/// How far below a line's top the baseline of text of `size` sits.
fn baseline(size: f32) -> f32 {
    size * ASCENT
}

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
    /// A run of text; `y` is the baseline, measured down from the top of the page.
    Text {
        /// Left edge.
        x: f32,
        /// Baseline from the top.
        y: f32,
        /// Face.
        style: Style,
        /// Size in points.
        size: f32,
        /// The text (spaces included, so extraction keeps word boundaries).
        text: String,
        /// Owner.
        owner: Owner,
    },
    /// A horizontal line.
    Rule {
        /// Start.
        x1: f32,
        /// End.
        x2: f32,
        /// Height from the top.
        y: f32,
        /// Thickness (not length: the line runs from `x1` to `x2`).
        thickness: f32,
        /// Grey level (0 black, 1 white).
        grey: f32,
    },
    /// A filled rectangle (table header shading).
    Fill {
        /// Left.
        x: f32,
        /// Top, from the top of the page.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Grey level.
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
    #[allow(clippy::too_many_arguments)]
    fn paragraph(
        &mut self,
        runs: &[(Style, &str)],
        size: f32,
        x: f32,
        width: f32,
        align: Align,
        owner: Owner,
        gap: f32,
    ) {
        let lines = break_lines(self.fam, runs, size, width);
        let h = line_height(size);
        for (line, line_width) in lines {
            if self.y + h > Self::bottom() {
                self.new_page();
            }
            let base = self.y + baseline(size);
            let shift = if align == Align::Right {
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

    fn lines_height(&self, runs: &[(Style, &str)], size: f32, width: f32) -> f32 {
        break_lines(self.fam, runs, size, width).len() as f32 * line_height(size)
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
                let size = if *level <= 2 { 11.5 } else { BODY };
                let r = runs(inline, true);
                let need = self.lines_height(&r, size, width)
                    + next.map_or(0.0, |_| 3.0 * line_height(BODY))
                    + 8.0;
                if need > self.room() && self.y > TOP {
                    self.new_page();
                }
                self.y += 5.0;
                let id = self.elem(Tag::H(*level), parent);
                self.out.elems[id].title = Some(title.clone());
                self.out
                    .outline
                    .push((*level, title, self.out.pages.len(), self.y));
                self.paragraph(&r, size, x, width, Align::Left, Owner::Elem(id), 3.0);
            }
            Block::Paragraph(inline) => {
                let id = self.elem(Tag::P, parent);
                self.paragraph(
                    &runs(inline, false),
                    BODY,
                    x,
                    width,
                    Align::Left,
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
                    if line_height(BODY) > self.room() {
                        self.new_page();
                    }
                    let lbl = self.elem(Tag::Lbl, Some(li));
                    let base = self.y + baseline(BODY);
                    self.page.push(Op::Text {
                        x: x + 2.0,
                        y: base,
                        style: Style::Regular,
                        size: BODY,
                        text: label,
                        owner: Owner::Elem(lbl),
                    });
                    let body = self.elem(Tag::LBody, Some(li));
                    for (j, b) in item.iter().enumerate() {
                        self.block(b, Some(body), x + HANG, width - HANG, item.get(j + 1));
                    }
                    // Items are separated by a small gap rather than a paragraph gap.
                    self.y -= PARA_GAP - 2.0;
                }
                self.y += PARA_GAP - 2.0;
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
                        *mn = mn.max(face.width(word, TABLE).min(width / cols as f32 * 1.5));
                    }
                }
                let whole: f32 = inline
                    .iter()
                    .map(|s| {
                        self.fam
                            .face(Style::of(s.bold || bold, s.italic))
                            .width(&s.text, TABLE)
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
        let line_h = line_height(TABLE);
        let header_lines: Vec<CellLines> = (0..cols)
            .map(|c| break_lines(self.fam, &runs(&cell(header, c), true), TABLE, widths[c]))
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
        if header_h.min(Self::bottom() - TOP) + line_h * 2.0 + pad > self.room() {
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
                .map(|c| break_lines(self.fam, &runs(&cell(row, c), false), TABLE, widths[c]))
                .collect();
            self.table_row(&grid, &lines, &cells);
        }
        self.y += PARA_GAP + 2.0;
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
            grey: 0.9,
        });
        self.cells(grid.x, grid.widths, lines, 0, usize::MAX, |c| {
            owners.map_or(Owner::Artifact, |o| Owner::Elem(o[c]))
        });
        self.y += h;
        self.page.push(Op::Rule {
            x1: grid.x,
            x2: grid.x + grid.width,
            y: self.y,
            thickness: 0.6,
            grey: 0.35,
        });
    }

    /// Places one row, keeping it whole when it fits on a fresh page and splitting it between
    /// lines only when it is taller than a page; the header repeats on each new page.
    fn table_row(&mut self, grid: &Grid, lines: &[CellLines], owners: &[usize]) {
        let pad = 2.0 * CELL_PAD;
        let line_h = line_height(TABLE);
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
            self.page.push(Op::Rule {
                x1: grid.x,
                x2: grid.x + grid.width,
                y: self.y,
                thickness: 0.3,
                grey: 0.6,
            });
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
        let line_h = line_height(TABLE);
        let mut cx = x;
        for (c, column) in lines.iter().enumerate() {
            for (i, (line, _)) in column.iter().skip(skip).take(take).enumerate() {
                let base = self.y + CELL_PAD + i as f32 * line_h + baseline(TABLE);
                for (dx, style, text) in line {
                    self.page.push(Op::Text {
                        x: cx + CELL_PAD + dx,
                        y: base,
                        style: *style,
                        size: TABLE,
                        text: text.clone(),
                        owner: owner(c),
                    });
                }
            }
            cx += widths[c] + 2.0 * CELL_PAD;
        }
    }

    fn plain_lines(
        &mut self,
        lines: &[String],
        size: f32,
        style: Style,
        align: Align,
        gap_after: f32,
    ) {
        for (i, line) in lines.iter().enumerate() {
            let id = self.elem(Tag::P, None);
            let gap = if i + 1 == lines.len() { gap_after } else { 0.0 };
            self.paragraph(
                &[(style, line.as_str())],
                size,
                LEFT,
                WIDTH,
                align,
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
        15.0,
        Style::Bold,
        Align::Right,
        2.0,
    );
    ts.plain_lines(&f.practice_lines, SMALL, Style::Regular, Align::Right, 16.0);
    ts.plain_lines(&f.recipient_lines, BODY, Style::Regular, Align::Left, 14.0);
    ts.plain_lines(
        std::slice::from_ref(&f.date),
        BODY,
        Style::Regular,
        Align::Left,
        2.0,
    );
    ts.plain_lines(
        &[format!("Our ref: {}", f.our_ref)],
        BODY,
        Style::Regular,
        Align::Left,
        14.0,
    );
    if !f.salutation.is_empty() {
        ts.plain_lines(
            &[format!("{},", f.salutation)],
            BODY,
            Style::Regular,
            Align::Left,
            8.0,
        );
    }
    let subject = visible(&letter.subject);
    if !subject.is_empty() {
        let id = ts.elem(Tag::H(1), None);
        ts.out.elems[id].title = Some(subject.clone());
        ts.out.outline.push((1, subject, ts.out.pages.len(), ts.y));
        ts.paragraph(
            &[(Style::Bold, letter.subject.as_str())],
            11.0,
            LEFT,
            WIDTH,
            Align::Left,
            Owner::Elem(id),
            8.0,
        );
    }
    for (i, block) in letter.body.iter().enumerate() {
        ts.block(block, None, LEFT, WIDTH, letter.body.get(i + 1));
    }
    // Keep the closing, signature and cc together. A sheet for the practice has none.
    if !f.closing.is_empty() {
        let closing_h = (4.0 + f.signatory_lines.len() as f32) * line_height(BODY) + 40.0;
        if closing_h > ts.room() {
            ts.new_page();
        }
        ts.y += 4.0;
        ts.plain_lines(
            &[format!("{},", f.closing)],
            BODY,
            Style::Regular,
            Align::Left,
            34.0,
        );
        ts.plain_lines(
            std::slice::from_ref(&f.signatory),
            BODY,
            Style::Bold,
            Align::Left,
            0.0,
        );
        ts.plain_lines(&f.signatory_lines, BODY, Style::Regular, Align::Left, 12.0);
    }
    if !f.cc.is_empty() {
        ts.plain_lines(
            &[format!("cc: {}", f.cc.join("; "))],
            SMALL,
            Style::Regular,
            Align::Left,
            0.0,
        );
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
        let y = PAGE_HEIGHT - BOTTOM / 2.0;
        let left = format!("{} · Our ref: {}", f.practice_name, f.our_ref);
        page.push(Op::Text {
            x: LEFT,
            y,
            style: Style::Regular,
            size: 8.0,
            text: left,
            owner: Owner::Artifact,
        });
        let number = format!("Page {} of {}", i + 1, total);
        let w = fam.face(Style::Regular).width(&number, 8.0);
        page.push(Op::Text {
            x: PAGE_WIDTH - RIGHT - w,
            y,
            style: Style::Regular,
            size: 8.0,
            text: number,
            owner: Owner::Artifact,
        });
    }
    out
}
