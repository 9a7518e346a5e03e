//! `gpdata import`: a practice's or an LMC's spreadsheet of data sharing agreements (xlsx, ods
//! or CSV) turned into registers, one per practice, from a documented column layout that
//! follows the common LMC checklist columns. Nothing is guessed silently: a cell gpdata cannot
//! read is left `unknown` in the register, with a diagnostic naming its sheet, row and column,
//! and the words written kept in the flow's notes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use calamine::{Data, Reader};
use jiff::civil::Date;

use crate::catalogue::Catalogue;
use crate::diag::{Code, Diagnostic};
use crate::english;
use crate::record::write::quote;
use crate::register::Mechanism;
use crate::suggest;

/// What a column holds, and the headers that name it (compared ignoring case, spaces, hyphens,
/// underscores and full stops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The practice's ODS code (for a sheet covering several practices).
    Practice,
    /// The practice's name.
    PracticeName,
    /// The ICB's ODS code.
    Icb,
    /// The agreement's or flow's name.
    Name,
    /// Who receives the data.
    Organisation,
    /// What it is for, in words.
    Purpose,
    /// Direct care, secondary use or both.
    CareOrSecondary,
    /// The legal basis, in words.
    LegalBasis,
    /// Whether a statute or contract requires it.
    Obligation,
    /// Whether a DPIA is held.
    Dpia,
    /// The agreement's status.
    Status,
    /// When it was signed.
    Signed,
    /// When it ends.
    Expires,
    /// The agreement's reference.
    Reference,
    /// Anything else.
    Notes,
}

/// Every column and its headers: the layout documented in the README.
pub const COLUMNS: &[(Column, &[&str])] = &[
    (
        Column::Practice,
        &[
            "practice ods code",
            "practice code",
            "ods code",
            "practice ods",
        ],
    ),
    (Column::PracticeName, &["practice name", "practice"]),
    (Column::Icb, &["icb ods code", "icb code", "icb"]),
    (
        Column::Name,
        &[
            "agreement",
            "agreement name",
            "dsa",
            "dsa name",
            "data sharing agreement",
            "name",
            "flow",
            "title",
        ],
    ),
    (
        Column::Organisation,
        &[
            "organisation",
            "organization",
            "recipient",
            "other party",
            "shared with",
            "partner",
        ],
    ),
    (
        Column::Purpose,
        &["purpose", "purpose of sharing", "description"],
    ),
    (
        Column::CareOrSecondary,
        &[
            "direct care or secondary",
            "direct care / secondary",
            "direct care or secondary use",
            "direct care / secondary use",
            "care or secondary",
            "direct care",
            "type of use",
            "use",
        ],
    ),
    (
        Column::LegalBasis,
        &[
            "legal basis",
            "lawful basis",
            "article 6",
            "legal basis article 6",
        ],
    ),
    (
        Column::Obligation,
        &[
            "obligation",
            "required by",
            "contractual or voluntary",
            "mandatory",
        ],
    ),
    (
        Column::Dpia,
        &[
            "dpia",
            "dpia held",
            "dpia in place",
            "data protection impact assessment",
        ],
    ),
    (
        Column::Status,
        &["status", "agreement status", "dsa status"],
    ),
    (
        Column::Signed,
        &["signed", "date signed", "start date", "start", "signed on"],
    ),
    (
        Column::Expires,
        &["expires", "expiry", "expiry date", "end date", "end"],
    ),
    (
        Column::Reference,
        &["reference", "ref", "dsa reference", "agreement reference"],
    ),
    (
        Column::Notes,
        &[
            "notes",
            "comments",
            "actions",
            "practice action",
            "practice actions",
        ],
    ),
];

fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.' | '/' | '(' | ')' | '?'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The column a header names.
pub fn column_of(header: &str) -> Option<Column> {
    let h = normalise(header);
    COLUMNS
        .iter()
        .find(|(_, names)| names.iter().any(|n| normalise(n) == h))
        .map(|(c, _)| *c)
}

/// A cell as read: text, or a date the spreadsheet stored as one.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Text (numbers are written as the sheet shows them).
    Text(String),
    /// A date.
    Date(Date),
}

impl CellValue {
    fn text(&self) -> String {
        match self {
            CellValue::Text(t) => t.trim().to_string(),
            CellValue::Date(d) => d.to_string(),
        }
    }
}

/// A sheet as read: its name, header row and data rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet's name ("" for CSV).
    pub name: String,
    /// The header row.
    pub headers: Vec<String>,
    /// The rows after it, as read.
    pub rows: Vec<Vec<CellValue>>,
}

/// Reads a spreadsheet (by its ending: .xlsx, .xlsm, .ods, .xls or .csv): the sheet named
/// `sheet`, or the first.
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<Sheet, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    if ext == "csv" {
        return read_csv(path);
    }
    let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "the workbook has no sheet `{s}`; its sheets are {}",
                    english::and_list(&names)
                )
            })?,
        None => names.first().cloned().ok_or("the workbook has no sheets")?,
    };
    let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
    let mut rows = range.rows();
    let headers = rows
        .next()
        .map(|r| r.iter().map(|c| cell(c).text()).collect())
        .unwrap_or_default();
    let rows = rows
        .map(|r| r.iter().map(cell).collect::<Vec<_>>())
        .collect();
    Ok(Sheet {
        name,
        headers,
        rows,
    })
}

fn cell(data: &Data) -> CellValue {
    match data {
        Data::DateTime(dt) => excel_date(dt.as_f64())
            .map_or_else(|| CellValue::Text(dt.as_f64().to_string()), CellValue::Date),
        Data::DateTimeIso(s) => crate::dates::parse(s.get(..10).unwrap_or(s))
            .map_or_else(|_| CellValue::Text(s.clone()), CellValue::Date),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            CellValue::Text(format!("{}", *f as i64))
        }
        Data::Float(f) => CellValue::Text(f.to_string()),
        Data::Int(i) => CellValue::Text(i.to_string()),
        Data::Bool(b) => CellValue::Text(if *b { "yes" } else { "no" }.to_string()),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Text(format!("{e:?}")),
        Data::Empty => CellValue::Text(String::new()),
        _ => CellValue::Text(data.to_string()),
    }
}

/// The date of an Excel serial day (days since 30 December 1899, the 1900 date system).
fn excel_date(serial: f64) -> Option<Date> {
    let days = serial.floor() as i64;
    let base = jiff::civil::date(1899, 12, 30);
    base.checked_add(jiff::Span::new().days(days)).ok()
}

fn read_csv(path: &Path) -> Result<Sheet, String> {
    let bytes = std::fs::read(path).map_err(|e| crate::files::io_reason(&e))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        rows.push(
            record
                .iter()
                .map(|c| CellValue::Text(c.to_string()))
                .collect(),
        );
    }
    Ok(Sheet {
        name: String::new(),
        headers,
        rows,
    })
}

/// One flow read from a row.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The sheet row number (1-based, as the spreadsheet shows it).
    pub number: usize,
    /// The practice's ODS code.
    pub practice: Option<String>,
    /// The practice's name.
    pub practice_name: Option<String>,
    /// The ICB's ODS code.
    pub icb: Option<String>,
    /// The flow's name.
    pub name: String,
    /// Who receives it.
    pub recipient: String,
    /// YAML lines for the facts read (`purpose: secondary`), in register order.
    pub facts: Vec<String>,
    /// Notes to keep: the spreadsheet's own words where they were not read as a fact.
    pub notes: Vec<String>,
    /// The catalogue entry the name matches.
    pub catalogue: Option<String>,
}

/// The spreadsheet column letter of a 0-based index: 0 → A, 27 → AB.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Reads the sheet's rows; problems are diagnostics placed at `FILE [SHEET!A1]`.
pub fn read_rows(
    file: &str,
    sheet: &Sheet,
    catalogue: &Catalogue,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Row> {
    let place = |col: usize, row: usize| {
        let cell = format!("{}{row}", column_letter(col));
        if sheet.name.is_empty() {
            format!("{file} [{cell}]")
        } else {
            format!("{file} [{}!{cell}]", sheet.name)
        }
    };
    let mut columns: Vec<Option<Column>> = Vec::new();
    for (i, header) in sheet.headers.iter().enumerate() {
        let column = column_of(header);
        if column.is_none() && !header.trim().is_empty() {
            let known: Vec<&str> = COLUMNS.iter().map(|(_, n)| n[0]).collect();
            let help = match suggest::closest(&header.to_lowercase(), known.iter().copied()) {
                Some(best) => format!(
                    "did you mean `{best}`? Otherwise the column is left out; `gpdata import --help` lists the columns read"
                ),
                None => {
                    "the column is left out; `gpdata import --help` lists the columns read".into()
                }
            };
            diags.push(
                Diagnostic::new(
                    Code::ImportUnknownColumn,
                    format!("gpdata does not read a column called `{}`", header.trim()),
                )
                .with_file_name(&place(i, 1))
                .with_help(&help),
            );
        }
        columns.push(column);
    }
    for required in [Column::Name, Column::Organisation] {
        if !columns.contains(&Some(required)) {
            let names = COLUMNS
                .iter()
                .find(|(c, _)| *c == required)
                .map(|(_, n)| n.join("`, `"))
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    Code::ImportColumn,
                    format!(
                        "the sheet has no column for {}",
                        match required {
                            Column::Name => "the agreement's name",
                            _ => "the organisation that receives the data",
                        }
                    ),
                )
                .with_file_name(&place(0, 1))
                .with_help(format!("name a column in the first row one of: `{names}`")),
            );
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (r, cells) in sheet.rows.iter().enumerate() {
        let number = r + 2;
        let get = |column: Column| -> Option<(usize, &CellValue)> {
            columns
                .iter()
                .position(|c| *c == Some(column))
                .and_then(|i| cells.get(i).map(|v| (i, v)))
                .filter(|(_, v)| !v.text().is_empty())
        };
        if cells.iter().all(|c| c.text().is_empty()) {
            continue;
        }
        let mut row = Row {
            number,
            ..Row::default()
        };
        match get(Column::Name) {
            Some((_, v)) => row.name = one_line(&v.text()),
            None => {
                let i = columns
                    .iter()
                    .position(|c| *c == Some(Column::Name))
                    .unwrap_or(0);
                diags.push(
                    Diagnostic::error(Code::MissingField, "this row has no agreement name")
                        .with_file_name(&place(i, number))
                        .with_help("give every agreement a name, or delete the row"),
                );
                continue;
            }
        }
        row.recipient = get(Column::Organisation)
            .map(|(_, v)| one_line(&v.text()))
            .unwrap_or_default();
        if row.recipient.is_empty() {
            let i = columns
                .iter()
                .position(|c| *c == Some(Column::Organisation))
                .unwrap_or(0);
            diags.push(
                Diagnostic::new(
                    Code::ImportValue,
                    format!("`{}` names no organisation", row.name),
                )
                .with_file_name(&place(i, number))
                .with_help("the register says `recipient: unknown`; fill it in"),
            );
            row.recipient = "unknown".into();
        }
        row.practice = get(Column::Practice).map(|(_, v)| v.text().to_uppercase());
        row.practice_name = get(Column::PracticeName).map(|(_, v)| one_line(&v.text()));
        row.icb = get(Column::Icb).map(|(_, v)| v.text().to_uppercase());
        let mut unread = |column: Column, what: &str, value: &str, into: &str| {
            let i = columns.iter().position(|c| *c == Some(column)).unwrap_or(0);
            let kept = if column == Column::LegalBasis {
                "keeps the words as `legal_basis.reference`"
            } else {
                "keeps the words in the flow's notes"
            };
            diags.push(
                Diagnostic::new(
                    Code::ImportValue,
                    format!("gpdata cannot read `{value}` as {what}"),
                )
                .with_file_name(&place(i, number))
                .with_help(format!(
                    "the register leaves `{into}` unknown and {kept}; fill it in"
                )),
            );
        };
        if let Some((_, v)) = get(Column::CareOrSecondary) {
            match care_or_secondary(&v.text()) {
                Some(word) => row.facts.push(format!("purpose: {word}")),
                None => {
                    unread(
                        Column::CareOrSecondary,
                        "a use (direct care, secondary or both)",
                        &v.text(),
                        "purpose",
                    );
                    row.notes
                        .push(format!("Use (from the spreadsheet): {}", v.text()));
                }
            }
        }
        if let Some((_, v)) = get(Column::Purpose) {
            row.notes.push(format!(
                "Purpose (from the spreadsheet): {}",
                one_line(&v.text())
            ));
        }
        let mut legal = Vec::new();
        if let Some((_, v)) = get(Column::LegalBasis) {
            match article_6(&v.text()) {
                Some(word) => legal.push(format!("article_6: {word}")),
                None => {
                    unread(
                        Column::LegalBasis,
                        "a UK GDPR Article 6 basis",
                        &v.text(),
                        "legal_basis.article_6",
                    );
                }
            }
            legal.push(format!("reference: {}", quote(&one_line(&v.text()))));
        }
        if !legal.is_empty() {
            row.facts
                .push(format!("legal_basis: {{{}}}", legal.join(", ")));
        }
        if let Some((_, v)) = get(Column::Obligation) {
            match obligation(&v.text()) {
                Some(word) => row.facts.push(format!("obligation: {word}")),
                None => {
                    unread(
                        Column::Obligation,
                        "an obligation (statutory, contractual, voluntary…)",
                        &v.text(),
                        "obligation",
                    );
                    row.notes
                        .push(format!("Obligation (from the spreadsheet): {}", v.text()));
                }
            }
        }
        let mut agreement = Vec::new();
        if let Some((_, v)) = get(Column::Status) {
            match status(&v.text()) {
                Some(word) => agreement.push(format!("status: {word}")),
                None => {
                    unread(
                        Column::Status,
                        "an agreement status (active, proposed, expired, ended)",
                        &v.text(),
                        "agreement.status",
                    );
                    row.notes
                        .push(format!("Status (from the spreadsheet): {}", v.text()));
                }
            }
        }
        if let Some((_, v)) = get(Column::Reference) {
            agreement.push(format!("reference: {}", quote(&one_line(&v.text()))));
        }
        for (column, key) in [(Column::Signed, "signed"), (Column::Expires, "expires")] {
            if let Some((_, v)) = get(column) {
                match date_of(v) {
                    Some(date) => agreement.push(format!("{key}: {date}")),
                    None => {
                        unread(column, "a date", &v.text(), &format!("agreement.{key}"));
                        row.notes.push(format!(
                            "Agreement {key} (from the spreadsheet): {}",
                            v.text()
                        ));
                    }
                }
            }
        }
        if !agreement.is_empty() {
            row.facts
                .push(format!("agreement: {{{}}}", agreement.join(", ")));
        }
        if let Some((_, v)) = get(Column::Dpia) {
            match dpia(&v.text()) {
                Some(word) => row.facts.push(format!("dpia: {word}")),
                None => {
                    unread(
                        Column::Dpia,
                        "a DPIA answer (held, not held, requested)",
                        &v.text(),
                        "dpia",
                    );
                    row.notes
                        .push(format!("DPIA (from the spreadsheet): {}", v.text()));
                }
            }
        }
        if let Some((_, v)) = get(Column::Notes) {
            row.notes.push(one_line(&v.text()));
        }
        row.catalogue = catalogue
            .recognise(&row.name, &row.recipient, Mechanism::Unknown)
            .map(|(entry, _)| entry.id().to_string());
        rows.push(row);
    }
    rows
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lower(text: &str) -> String {
    one_line(text).to_lowercase()
}

fn care_or_secondary(text: &str) -> Option<&'static str> {
    let t = lower(text);
    let t = t.trim_end_matches(" use");
    match t {
        "direct care" | "direct" | "care" | "individual care" => Some("direct-care"),
        "secondary" | "secondary purposes" | "planning" | "research" | "commissioning" => {
            Some("secondary")
        }
        "both" | "mixed" | "direct care and secondary" | "direct and secondary" => Some("mixed"),
        _ => None,
    }
}

fn article_6(text: &str) -> Option<&'static str> {
    let t = lower(text);
    let t = t
        .trim_start_matches("article 6(1)")
        .trim_start_matches("6(1)")
        .trim();
    Some(match t {
        "public task" | "(e)" | "(e) public task" | "e" => "public-task",
        "legal obligation" | "(c)" | "(c) legal obligation" | "c" => "legal-obligation",
        "consent" | "(a)" | "(a) consent" | "a" => "consent",
        "contract" | "(b)" | "(b) contract" | "b" => "contract",
        "vital interests" | "(d)" | "(d) vital interests" | "d" => "vital-interests",
        "legitimate interests" | "(f)" | "(f) legitimate interests" | "f" => "legitimate-interests",
        "recognised legitimate interests" | "(ea)" | "ea" => "recognised-legitimate-interests",
        _ => return None,
    })
}

fn obligation(text: &str) -> Option<&'static str> {
    Some(match lower(text).as_str() {
        "statutory" | "legal requirement" | "required by law" | "law" => "statutory",
        "contractual" | "contract" | "required by contract" | "gms contract" | "pms contract" => {
            "contractual"
        }
        "voluntary" | "optional" | "no" | "not required" => "voluntary",
        "locally commissioned" | "les" | "local enhanced service" => "locally-commissioned",
        "professional" | "professional duty" => "professional",
        _ => return None,
    })
}

fn status(text: &str) -> Option<&'static str> {
    Some(match lower(text).as_str() {
        "active" | "live" | "signed" | "current" | "in place" => "active",
        "proposed" | "draft" | "pending" | "awaiting signature" | "not signed" => "proposed",
        "expired" | "lapsed" => "expired",
        "ended" | "terminated" | "withdrawn" | "closed" | "stopped" => "ended",
        "none" | "no agreement" | "no dsa" => "none",
        _ => return None,
    })
}

fn dpia(text: &str) -> Option<&'static str> {
    Some(match lower(text).as_str() {
        "yes" | "held" | "in place" | "y" | "yes - held" => "held",
        "no" | "not held" | "none" | "n" | "missing" => "not-held",
        "requested" | "asked for" | "awaited" => "requested",
        "not needed" | "not required" | "n/a" | "na" => "not-needed",
        _ => return None,
    })
}

/// A date from a cell: a real date, or text written year-month-day or day/month/year (the UK
/// order, as written in spreadsheets here).
fn date_of(value: &CellValue) -> Option<Date> {
    match value {
        CellValue::Date(d) => Some(*d),
        CellValue::Text(t) => crate::dates::parse(t.trim())
            .ok()
            .or_else(|| crate::dates::guess(t.trim())),
    }
}

/// What stands in for columns a sheet lacks: the practice and ICB of a one-practice sheet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults<'a> {
    /// The practice's ODS code (`--practice`).
    pub practice: Option<&'a str>,
    /// The ICB's ODS code (`--icb`).
    pub icb: Option<&'a str>,
}

/// Registers for the rows, by practice ODS code: the YAML text of each.
pub fn registers(
    file: &str,
    sheet: &Sheet,
    rows: &[Row],
    defaults: Defaults,
    catalogue: &Catalogue,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let (practice, icb) = (defaults.practice, defaults.icb);
    let mut by_practice: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        match row.practice.as_deref().or(practice) {
            Some(code) if crate::ods::is_practice_code(code) => {
                by_practice.entry(code.to_string()).or_default().push(row);
            }
            Some(code) => diags.push(
                Diagnostic::error(Code::InvalidOdsCode, format!("`{code}` is not a GP practice ODS code"))
                    .with_file_name(&format!("{file} [row {}]", row.number))
                    .with_help("a practice code is one capital letter and five digits, e.g. B82005"),
            ),
            None => diags.push(
                Diagnostic::error(Code::MissingField, "this row does not say which practice it is for")
                    .with_file_name(&format!("{file} [row {}]", row.number))
                    .with_help("add a `practice ods code` column, or give --practice for a sheet of one practice's agreements"),
            ),
        }
    }
    let source = if sheet.name.is_empty() {
        file.to_string()
    } else {
        format!("{file}, sheet {}", sheet.name)
    };
    let mut out = BTreeMap::new();
    for (code, rows) in by_practice {
        let icb_code = rows
            .iter()
            .find_map(|r| r.icb.clone())
            .or(icb.map(str::to_string));
        let icb_entry = icb_code.as_deref().and_then(|c| catalogue.icbs.get(c));
        let name = rows.iter().find_map(|r| r.practice_name.clone());
        let mut text = String::new();
        let placeholder = crate::validate::PLACEHOLDER;
        let _ = writeln!(
            text,
            "# yaml-language-server: $schema=gpdata.schema.json\n\
             # gpdata register for practice {code}, imported from {source} on {today}.\n\
             # Each flow's comment gives the row it came from. Facts the spreadsheet did not give\n\
             # are left out and count as unknown; replace each `{placeholder}` line, then run\n\
             # `gpdata check` on this file.\n\nregister: 1\n\npractice:"
        );
        let _ = writeln!(
            text,
            "  name: {}",
            name.map_or_else(
                || quote(&format!("{placeholder} the practice's name")),
                |n| quote(&n)
            )
        );
        let _ = writeln!(
            text,
            "  ods_code: {code}\n  address:\n    - {}\n    - {}\n\nicb:",
            quote(&format!("{placeholder} first line of the address")),
            quote(&format!("{placeholder} postcode"))
        );
        match (icb_entry, &icb_code) {
            (Some(entry), _) => {
                let _ = writeln!(
                    text,
                    "  name: {}\n  ods_code: {}",
                    quote(&entry.name),
                    entry.code
                );
            }
            (None, Some(c)) => {
                let _ = writeln!(
                    text,
                    "  name: {}\n  ods_code: {}",
                    quote(&format!("{placeholder} the ICB's name")),
                    quote(c)
                );
            }
            (None, None) => {
                let _ = writeln!(
                    text,
                    "  name: {}\n  ods_code: {}",
                    quote(&format!("{placeholder} the ICB's name")),
                    quote(&format!("{placeholder} the ICB's ODS code"))
                );
            }
        }
        let _ = writeln!(
            text,
            "  addressee: {{role: Chief Clinical Information Officer}}\n  address:\n    - {}\n\nflows:",
            quote(&format!("{placeholder} the ICB's postal address"))
        );
        let mut ids: Vec<String> = Vec::new();
        for row in rows {
            let base = slug(&row.name);
            let mut id = base.clone();
            let mut n = 2;
            while ids.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            ids.push(id.clone());
            let _ = writeln!(text, "  # {source}, row {}", row.number);
            let _ = writeln!(text, "  - id: {id}");
            if let Some(entry) = &row.catalogue {
                let _ = writeln!(
                    text,
                    "    catalogue: {entry}   # recognised by its name; check it is this flow"
                );
            }
            let _ = writeln!(
                text,
                "    name: {}\n    recipient: {}",
                quote(&row.name),
                quote(&row.recipient)
            );
            for fact in &row.facts {
                let _ = writeln!(text, "    {fact}");
            }
            if !row.notes.is_empty() {
                let _ = writeln!(text, "    notes: {}", quote(&row.notes.join("; ")));
            }
        }
        out.insert(code, text);
    }
    out
}

/// A flow id from a name: lower-case words joined by hyphens, at most 48 characters.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 48 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() { "flow".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_the_ways_spreadsheets_write_them() {
        assert_eq!(column_of("Agreement Name"), Some(Column::Name));
        assert_eq!(column_of("DPIA in place?"), Some(Column::Dpia));
        assert_eq!(
            column_of("Direct care / secondary"),
            Some(Column::CareOrSecondary)
        );
        assert_eq!(column_of("Expiry date"), Some(Column::Expires));
        assert_eq!(column_of("Favourite colour"), None);
    }

    #[test]
    fn only_plain_answers_are_read_and_the_rest_is_left_unknown() {
        assert_eq!(article_6("Public task"), Some("public-task"));
        assert_eq!(article_6("Article 6(1)(e)"), Some("public-task"));
        assert_eq!(article_6("GDPR"), None);
        assert_eq!(status("Awaiting signature"), Some("proposed"));
        assert_eq!(status("See email"), None);
        assert_eq!(care_or_secondary("Secondary use"), Some("secondary"));
        assert_eq!(dpia("Yes"), Some("held"));
        assert_eq!(dpia("Maybe"), None);
    }

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn excel_serial_days_are_dates() {
        assert_eq!(excel_date(45413.0), Some(jiff::civil::date(2024, 5, 1)));
    }

    #[test]
    fn ids_come_from_names() {
        assert_eq!(
            slug("Population Health Management (PHM) extract"),
            "population-health-management-phm-extract"
        );
        assert_eq!(slug("***"), "flow");
    }
}
