//! The letter as a document: the frame (addresses, date, references, signature) taken from the
//! register, and the body blocks parsed from the template's Markdown.

use serde::Serialize;

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
}

/// Inline content: styled runs.
pub type Inline = Vec<Run>;

/// A block of the letter body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// A heading, level 1–6 (level 1 is the letter's subject line).
    Heading(u8, Inline),
    /// A paragraph.
    Paragraph(Inline),
    /// A bulleted or numbered list; each item holds blocks.
    List {
        /// The number of the first item, for numbered lists.
        start: Option<u64>,
        /// The items.
        items: Vec<Vec<Block>>,
    },
    /// A table with a header row.
    Table {
        /// Header cells.
        header: Vec<Inline>,
        /// Body rows.
        rows: Vec<Vec<Inline>>,
    },
}

/// Everything outside the body: who writes to whom, when, under what reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frame {
    /// The practice's name (letterhead).
    pub practice_name: String,
    /// Letterhead lines under the name: address, telephone, email, ODS code.
    pub practice_lines: Vec<String>,
    /// Recipient block: addressee, role, ICB name, address.
    pub recipient_lines: Vec<String>,
    /// "14 May 2026".
    pub date: String,
    /// Our reference.
    pub our_ref: String,
    /// "Dear Dr Okafor" / "Dear Chief Clinical Information Officer".
    pub salutation: String,
    /// "Yours sincerely" / "Yours faithfully".
    pub closing: String,
    /// Signatory's name (or the practice's name when none is given).
    pub signatory: String,
    /// Lines under the name: role, practice, ODS code.
    pub signatory_lines: Vec<String>,
    /// Copies to.
    pub cc: Vec<String>,
}

/// Document metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    /// Title, e.g. "Data sharing enquiry: Riverside Medical Centre (B82005)".
    pub title: String,
    /// The practice (author).
    pub author: String,
    /// Subject line.
    pub subject: String,
    /// The letter date (creation date in the PDF).
    pub date: jiff::civil::Date,
}

/// A whole letter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letter {
    /// Metadata.
    pub meta: Meta,
    /// The frame.
    pub frame: Frame,
    /// The subject line (the body's first level-1 heading).
    pub subject: String,
    /// The body blocks after the subject.
    pub body: Vec<Block>,
    /// What follows the signature (the annex), as blocks.
    pub annex: Vec<Block>,
    /// The body exactly as the template rendered it (Markdown), up to the signature.
    pub markdown: String,
    /// The annex as the template rendered it (Markdown); empty when there is none.
    pub annex_markdown: String,
    /// The questions the letter puts, as the correspondence record keeps them.
    #[serde(skip)]
    pub asked: Vec<crate::record::Asked>,
}

/// Plain text of inline runs.
pub fn plain(inline: &Inline) -> String {
    inline.iter().map(|s| s.text.as_str()).collect()
}
