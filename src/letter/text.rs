//! The letter as plain text (for golden tests and email) and as Markdown.

use std::fmt::Write as _;

use super::model::{Block, Inline, Letter, plain};

/// The whole letter as plain text, wrapped at 78 columns: the document model made visible.
pub fn to_text(letter: &Letter) -> String {
    let f = &letter.frame;
    let mut out = String::new();
    let _ = writeln!(out, "{}", f.practice_name);
    for line in &f.practice_lines {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    for line in &f.recipient_lines {
        let _ = writeln!(out, "{line}");
    }
    if !f.recipient_lines.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}\nOur ref: {}\n", f.date, f.our_ref);
    if !f.salutation.is_empty() {
        let _ = writeln!(out, "{},\n", f.salutation);
    }
    if !letter.subject.is_empty() {
        let _ = writeln!(out, "{}\n", letter.subject);
    }
    for block in &letter.body {
        text_block(&mut out, block, "");
    }
    if !f.closing.is_empty() {
        let _ = writeln!(out, "{}\n\n\n{}", f.closing, f.signatory);
        for line in &f.signatory_lines {
            let _ = writeln!(out, "{line}");
        }
    }
    if !f.cc.is_empty() {
        let _ = writeln!(out, "\ncc: {}", f.cc.join("; "));
    }
    if !letter.annex.is_empty() {
        out.push('\n');
        for block in &letter.annex {
            text_block(&mut out, block, "");
        }
    }
    out
}

fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn text_block(out: &mut String, block: &Block, indent: &str) {
    match block {
        Block::Heading(_, inline) => {
            let text = plain(inline);
            let _ = writeln!(
                out,
                "{indent}{text}\n{indent}{}\n",
                "-".repeat(text.chars().count().min(78))
            );
        }
        Block::Paragraph(inline) => {
            out.push_str(&wrap(&plain(inline), 78, indent, indent));
            out.push('\n');
        }
        Block::List { start, items } => {
            for (i, item) in items.iter().enumerate() {
                let label = match start {
                    Some(n) => format!("{}. ", n + i as u64),
                    None => "- ".to_string(),
                };
                let hang = " ".repeat(label.len());
                for (j, b) in item.iter().enumerate() {
                    match b {
                        Block::Paragraph(inline) if j == 0 => {
                            out.push_str(&wrap(
                                &plain(inline),
                                78,
                                &format!("{indent}{label}"),
                                &format!("{indent}{hang}"),
                            ));
                        }
                        other => text_block(out, other, &format!("{indent}{hang}")),
                    }
                }
            }
            out.push('\n');
        }
        Block::Table { header, rows } => {
            let cells = |r: &Vec<Inline>| r.iter().map(plain).collect::<Vec<_>>().join(" | ");
            let _ = writeln!(out, "{indent}{}", cells(header));
            for row in rows {
                let _ = writeln!(out, "{indent}{}", cells(row));
            }
            out.push('\n');
        }
    }
}

/// The letter as Markdown: the frame as plain lines, then the body as the template wrote it.
pub fn to_markdown(letter: &Letter) -> String {
    let f = &letter.frame;
    let mut out = String::new();
    let _ = writeln!(out, "**{}**  ", f.practice_name);
    for line in &f.practice_lines {
        let _ = writeln!(out, "{line}  ");
    }
    out.push('\n');
    for line in &f.recipient_lines {
        let _ = writeln!(out, "{line}  ");
    }
    if !f.recipient_lines.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}  \nOur ref: {}\n", f.date, f.our_ref);
    if !f.salutation.is_empty() {
        let _ = writeln!(out, "{},\n", f.salutation);
    }
    out.push_str(letter.markdown.trim());
    if f.closing.is_empty() {
        out.push('\n');
    } else {
        let _ = writeln!(out, "\n\n{}\n\n{}  ", f.closing, f.signatory);
        for line in &f.signatory_lines {
            let _ = writeln!(out, "{line}  ");
        }
    }
    if !f.cc.is_empty() {
        let _ = writeln!(out, "\ncc: {}", f.cc.join("; "));
    }
    if !letter.annex_markdown.is_empty() {
        let _ = writeln!(out, "\n{}", letter.annex_markdown);
    }
    out
}
