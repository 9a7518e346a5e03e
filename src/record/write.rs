//! Adding a letter to a record when gpdata writes it: appended as YAML text, so the practice's
//! own layout and comments stay as they are, and written atomically. Writing the same letter
//! again (same reference) replaces its entry instead of adding another.

use std::path::Path;

use crate::output::write_atomic;
use crate::register::Choice;
use crate::source::SourceFile;

use super::{FORMAT, Sent};

/// Why a letter could not be added to the record.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The record exists but has errors, so it cannot be added to safely.
    #[error(
        "the record has errors; fix them (see `gpdata check`), then add this letter by hand:\n{0}"
    )]
    Invalid(String),
    /// The record's `entries:` list is not the last thing in the file, or is not a block list.
    #[error(
        "the record's `entries:` list must be the last thing in the file, one `- ` item a letter or reply, for gpdata to add to it; add this letter by hand:\n{0}"
    )]
    Layout(String),
    /// The record already has a letter with this reference, sent on another day: recording
    /// this one would change the history the follow-ups cite.
    #[error(
        "the record already has {reference}, sent on {date}; this letter was not recorded again (give it its own --reference to record it as a new letter)"
    )]
    AlreadySent {
        /// The reference.
        reference: String,
        /// When the recorded one was sent.
        date: jiff::civil::Date,
    },
    /// The file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Adds `letter` to the record at `path` (creating it, for the practice `ods`, when there is
/// none). A letter with the same reference written the same day replaces it (a draft rewritten
/// as the PDF); one sent on another day is left as it is, and this one is refused.
pub fn add_letter(path: &Path, ods: &str, name: &str, letter: &Sent) -> Result<(), WriteError> {
    let entry = entry_text(letter);
    let existing = match std::fs::read(path) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let text = match existing {
        None => format!(
            "# Correspondence record for {} ({ods}).\n\
             # gpdata adds each letter it writes; add each reply by hand, saying how every\n\
             # question was answered (see \"The correspondence record\" in gpdata's README).\n\
             record: {FORMAT}\npractice: {ods}\nentries:\n{entry}",
            quote_comment(name)
        ),
        Some(old) => updated(&old, path, letter, &entry)?,
    };
    write_atomic(path, text.as_bytes())?;
    Ok(())
}

/// The record's text with the letter added or replaced, checked to read back.
fn updated(old: &str, path: &Path, letter: &Sent, entry: &str) -> Result<String, WriteError> {
    let file = SourceFile::new(crate::source::display_path(path), old.to_string());
    let (record, _) = super::read(file.clone());
    let Some(record) = record else {
        return Err(WriteError::Invalid(entry.to_string()));
    };
    if let Some(earlier) = record
        .letters()
        .find(|l| l.reference == letter.reference && l.date != letter.date)
    {
        return Err(WriteError::AlreadySent {
            reference: earlier.reference.clone(),
            date: earlier.date,
        });
    }
    let replaced = record
        .letters()
        .position(|l| l.reference == letter.reference && l.kind == letter.kind);
    let text = match replaced {
        Some(i) => {
            // Replace the entry's lines: from its `- ` line to the next entry, or the end.
            let spans: Vec<usize> = record
                .entries
                .iter()
                .map(|e| match e {
                    super::Entry::Letter(l) => l.span.offset,
                    super::Entry::Reply(r) => r.span.offset,
                })
                .collect();
            let index = record
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| matches!(e, super::Entry::Letter(_)))
                .nth(i)
                .map(|(n, _)| n)
                .unwrap_or(0);
            let start = line_start(old, spans[index]);
            let end = spans
                .get(index + 1)
                .map_or(old.len(), |&next| line_start(old, next));
            format!("{}{entry}{}", &old[..start], &old[end..])
        }
        None => {
            let mut text = old.to_string();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            // An empty `entries:` list, or none at all, gets the letter as its first item.
            if record.entries.is_empty() {
                text = text.replace("entries: []", "entries:");
                if !text.lines().any(|l| l.trim_end() == "entries:") {
                    text.push_str("entries:\n");
                }
            }
            text.push_str(entry);
            text
        }
    };
    // Only text that reads back as the same record plus this letter is written.
    let check = SourceFile::new(file.name.clone(), text.clone());
    match super::read(check) {
        (Some(new), _)
            if new.letters().any(|l| same_letter(l, letter))
                && new.entries.len() == record.entries.len() + usize::from(replaced.is_none()) =>
        {
            Ok(text)
        }
        _ => Err(WriteError::Layout(entry.to_string())),
    }
}

/// The same letter, wherever it is in the file.
fn same_letter(a: &Sent, b: &Sent) -> bool {
    (
        a.kind,
        a.date,
        &a.reference,
        &a.to,
        a.reply_by,
        &a.flows,
        &a.asked,
    ) == (
        b.kind,
        b.date,
        &b.reference,
        &b.to,
        b.reply_by,
        &b.flows,
        &b.asked,
    )
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The YAML for one letter entry, two spaces in, every text double-quoted.
pub fn entry_text(letter: &Sent) -> String {
    let mut out = format!(
        "  - letter: {}\n    date: {}\n    reference: {}\n    to: {}\n",
        letter.kind.as_str(),
        letter.date,
        quote(&letter.reference),
        quote(&letter.to)
    );
    if let Some(by) = letter.reply_by {
        out.push_str(&format!("    reply_by: {by}\n"));
    }
    if !letter.flows.is_empty() {
        let flows: Vec<String> = letter.flows.iter().map(|f| quote(f)).collect();
        out.push_str(&format!("    flows: [{}]\n", flows.join(", ")));
    }
    if !letter.asked.is_empty() {
        out.push_str("    asked:\n");
        for q in &letter.asked {
            out.push_str(&format!(
                "      - id: {}\n        text: {}\n",
                quote(&q.id),
                quote(&q.text)
            ));
        }
    }
    out
}

/// Text as a YAML double-quoted scalar: only `"` and `\` escaped, control characters written as
/// escapes, so whatever the text, it reads back the same.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A practice name for a comment line: on one line, nothing that ends the comment.
fn quote_comment(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Adds a reply the practice received to the end of the record at `path`, which must exist
/// and read without errors (a reply answers a letter the record holds).
pub fn add_reply(path: &Path, reply: &super::Reply) -> Result<(), WriteError> {
    let entry = reply_text(reply);
    let old = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return Err(e.into()),
    };
    let file = SourceFile::new(crate::source::display_path(path), old.clone());
    let Some(record) = super::read(file.clone()).0 else {
        return Err(WriteError::Invalid(entry));
    };
    let mut text = old;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&entry);
    let check = SourceFile::new(file.name.clone(), text.clone());
    match super::read(check) {
        (Some(new), _)
            if new.entries.len() == record.entries.len() + 1
                && matches!(new.entries.last(), Some(super::Entry::Reply(r))
                    if r.date == reply.date && r.answers_letter == reply.answers_letter
                        && r.answers.len() == reply.answers.len()) =>
        {
            write_atomic(path, text.as_bytes())?;
            Ok(())
        }
        _ => Err(WriteError::Layout(entry)),
    }
}

/// The YAML for one reply entry, two spaces in, every text double-quoted.
pub fn reply_text(reply: &super::Reply) -> String {
    let mut out = format!(
        "  - reply: {}\n    from: {}\n    replying_to: {}\n",
        reply.date,
        quote(&reply.from),
        quote(&reply.answers_letter)
    );
    if let Some(stock) = reply.stock {
        out.push_str(&format!("    stock: {}\n", stock.as_str()));
    }
    if reply.answers.is_empty() {
        out.push_str("    answers: []\n");
    } else {
        out.push_str("    answers:\n");
        for a in &reply.answers {
            out.push_str(&format!(
                "      - question: {}\n        status: {}\n",
                quote(&a.question),
                a.status.as_str()
            ));
            if let Some(summary) = &a.summary {
                out.push_str(&format!("        summary: {}\n", quote(summary)));
            }
            if let Some(to) = &a.redirected_to {
                out.push_str(&format!("        redirected_to: {}\n", quote(to)));
            }
        }
    }
    out
}
