//! Markdown (CommonMark subset) to document blocks, with pulldown-cmark.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::model::{Block, Inline, Run};

/// Parses the template's Markdown into blocks. Unsupported constructs (images, HTML, code) are
/// kept as plain text so nothing the template wrote is lost.
pub fn parse(markdown: &str) -> Vec<Block> {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut stack: Vec<Open> = vec![Open::Blocks(Vec::new())];
    let mut bold = 0u32;
    let mut italic = 0u32;
    for event in parser {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => stack.push(Open::Heading(level as u8, Vec::new())),
                Tag::Paragraph => stack.push(Open::Inline(Vec::new())),
                Tag::List(start) => stack.push(Open::List(start, Vec::new())),
                Tag::Item => stack.push(Open::Blocks(Vec::new())),
                Tag::Table(_) => stack.push(Open::Table(Vec::new(), Vec::new(), false)),
                Tag::TableHead => {
                    if let Some(Open::Table(_, _, in_head)) = stack.last_mut() {
                        *in_head = true;
                    }
                    stack.push(Open::Row(Vec::new()));
                }
                Tag::TableRow => stack.push(Open::Row(Vec::new())),
                Tag::TableCell => stack.push(Open::Inline(Vec::new())),
                Tag::Strong => bold += 1,
                Tag::Emphasis => italic += 1,
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Heading(_) => {
                    if let Some(Open::Heading(level, inline)) = stack.pop() {
                        push_block(&mut stack, Block::Heading(level, trim(inline)));
                    }
                }
                TagEnd::Paragraph => {
                    if let Some(Open::Inline(inline)) = stack.pop() {
                        push_block(&mut stack, Block::Paragraph(trim(inline)));
                    }
                }
                TagEnd::List(_) => {
                    if let Some(Open::List(start, items)) = stack.pop() {
                        push_block(&mut stack, Block::List { start, items });
                    }
                }
                TagEnd::Item => {
                    if let Some(Open::Blocks(mut blocks)) = stack.pop() {
                        // Tight list items arrive as bare text; make them a paragraph.
                        if blocks.is_empty() {
                            blocks.push(Block::Paragraph(Vec::new()));
                        }
                        if let Some(Open::List(_, items)) = stack.last_mut() {
                            items.push(blocks);
                        }
                    }
                }
                TagEnd::TableCell => {
                    if let Some(Open::Inline(inline)) = stack.pop()
                        && let Some(Open::Row(cells)) = stack.last_mut()
                    {
                        cells.push(trim(inline));
                    }
                }
                TagEnd::TableHead | TagEnd::TableRow => {
                    if let Some(Open::Row(cells)) = stack.pop()
                        && let Some(Open::Table(header, rows, in_head)) = stack.last_mut()
                    {
                        if *in_head {
                            *header = cells;
                            *in_head = false;
                        } else {
                            rows.push(cells);
                        }
                    }
                }
                TagEnd::Table => {
                    if let Some(Open::Table(header, rows, _)) = stack.pop() {
                        push_block(&mut stack, Block::Table { header, rows });
                    }
                }
                TagEnd::Strong => bold = bold.saturating_sub(1),
                TagEnd::Emphasis => italic = italic.saturating_sub(1),
                _ => {}
            },
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push_text(&mut stack, &text, bold > 0, italic > 0)
            }
            Event::SoftBreak | Event::HardBreak => push_text(&mut stack, " ", bold > 0, italic > 0),
            _ => {}
        }
    }
    match stack.into_iter().next() {
        Some(Open::Blocks(blocks)) => blocks,
        _ => Vec::new(),
    }
}

/// A Markdown element whose start event has been read and whose end has not; the parser keeps a
/// stack of them, innermost last. (Not the letter's [`Frame`](super::model::Frame), its
/// letterhead.)
enum Open {
    Blocks(Vec<Block>),
    Heading(u8, Inline),
    Inline(Inline),
    List(Option<u64>, Vec<Vec<Block>>),
    Table(Vec<Inline>, Vec<Vec<Inline>>, bool),
    Row(Vec<Inline>),
}

fn push_block(stack: &mut [Open], block: Block) {
    if let Some(Open::Blocks(blocks)) = stack.last_mut() {
        blocks.push(block);
    }
}

fn push_text(stack: &mut [Open], text: &str, bold: bool, italic: bool) {
    let inline = match stack.last_mut() {
        Some(Open::Inline(inline)) | Some(Open::Heading(_, inline)) => inline,
        // Text directly in a tight list item (no paragraph events): it belongs to the item's
        // trailing paragraph.
        Some(Open::Blocks(blocks)) => {
            if !matches!(blocks.last(), Some(Block::Paragraph(_))) {
                blocks.push(Block::Paragraph(Vec::new()));
            }
            let Some(Block::Paragraph(inline)) = blocks.last_mut() else {
                return;
            };
            inline
        }
        _ => return,
    };
    match inline.last_mut() {
        Some(last) if last.bold == bold && last.italic == italic => last.text.push_str(text),
        _ => inline.push(Run {
            text: text.to_string(),
            bold,
            italic,
        }),
    }
}

fn trim(mut inline: Inline) -> Inline {
    if let Some(first) = inline.first_mut() {
        first.text = first.text.trim_start().to_string();
    }
    if let Some(last) = inline.last_mut() {
        last.text = last.text.trim_end().to_string();
    }
    inline.retain(|s| !s.text.is_empty());
    inline
}
