//! Markdown into blocks: YAML front matter, headings, nested lists, `<details>` blocks and
//! tables of contents, with the line each block starts on.

use super::blocks::{Block, Kind};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What a note's front matter tells about all of its questions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub id: Option<String>,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub section: Option<String>,
}

/// Splits YAML front matter (between `---` lines at the top) from the body. The body keeps its
/// line numbering: the front matter's lines become blank.
pub fn front_matter(text: &str) -> (Option<FrontMatter>, String) {
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some("---") {
        return (None, text.to_string());
    }
    let all: Vec<&str> = text.lines().collect();
    let Some(end) = all
        .iter()
        .skip(1)
        .position(|l| matches!(l.trim(), "---" | "..."))
    else {
        return (None, text.to_string());
    };
    let end = end + 1;
    let fm = parse_yaml_subset(&all[1..end]);
    let mut body = "\n".repeat(end + 1);
    body.push_str(&all[end + 1..].join("\n"));
    (Some(fm), body)
}

/// The small part of YAML front matter uses: `key: value`, `key: [a, b]` and `key:` followed by
/// `- item` lines.
fn parse_yaml_subset(lines: &[&str]) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let mut current_list: Option<String> = None;
    for line in lines {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(item) = t.strip_prefix("- ") {
            if current_list.as_deref().is_some_and(is_tags_key) {
                fm.tags.push(unquote(item));
            }
            continue;
        }
        let Some((key, value)) = t.split_once(':') else {
            continue;
        };
        let key = key.trim().to_lowercase();
        let value = value.trim();
        current_list = value.is_empty().then(|| key.clone());
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "id" => fm.id = Some(unquote(value)),
            "title" => fm.title = Some(unquote(value)),
            "lang" | "language" => fm.language = Some(unquote(value)),
            "section" | "category" => fm.section = Some(unquote(value)),
            k if is_tags_key(k) => {
                let inner = value.trim_start_matches('[').trim_end_matches(']');
                fm.tags
                    .extend(inner.split(',').map(unquote).filter(|s| !s.is_empty()));
            }
            _ => {}
        }
    }
    fm
}

fn is_tags_key(k: &str) -> bool {
    matches!(k, "tags" | "tag" | "keywords" | "tagi")
}

fn unquote(s: &str) -> String {
    s.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_string()
}

/// Pulls `<details>` blocks out of the text (replacing them with blank lines so line numbers
/// hold) and returns them as blocks.
fn take_details(text: &str) -> (String, Vec<Block>) {
    let mut out = String::with_capacity(text.len());
    let mut blocks = Vec::new();
    let mut rest = text;
    let mut consumed_lines = 0u32;
    while let Some(start) = find_ci(rest, "<details") {
        let Some(end_rel) = find_ci(&rest[start..], "</details>") else {
            break;
        };
        let end = start + end_rel + "</details>".len();
        let before = &rest[..start];
        out.push_str(before);
        let inner = &rest[start..end];
        let line = consumed_lines + before.matches('\n').count() as u32 + 1;
        let (summary, body) = match (find_ci(inner, "<summary"), find_ci(inner, "</summary>")) {
            (Some(s), Some(e)) if s < e => {
                let open_end = inner[s..].find('>').map_or(s, |p| s + p + 1);
                (
                    strip_tags(&inner[open_end..e]),
                    strip_tags(&inner[e + "</summary>".len()..]),
                )
            }
            _ => (String::new(), strip_tags(inner)),
        };
        if !summary.trim().is_empty() {
            blocks.push(Block::new(
                Kind::Details {
                    body: body.trim().to_string(),
                },
                summary.trim(),
                line,
                1,
            ));
        }
        out.push_str(&"\n".repeat(inner.matches('\n').count()));
        consumed_lines += rest[..end].matches('\n').count() as u32;
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, blocks)
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.to_ascii_lowercase().find(needle)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Reads Markdown (without front matter) into blocks.
pub fn markdown_blocks(text: &str) -> Vec<Block> {
    let (text, mut details) = take_details(text);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| -> u32 { line_starts.partition_point(|&s| s <= offset) as u32 };
    let src_lines: Vec<&str> = text.lines().collect();
    let gap_before = |line: u32| -> u32 {
        let mut g = 0;
        let mut l = line as usize;
        while l >= 2 && src_lines.get(l - 2).is_some_and(|s| s.trim().is_empty()) {
            g += 1;
            l -= 1;
        }
        g
    };

    let mut blocks: Vec<Block> = Vec::new();
    let mut list_depth: i32 = -1;
    let mut ordinals: Vec<Option<u64>> = Vec::new();
    // The block being collected: its kind, text, start line, and for items whether it is still
    // collecting the item's own text (first paragraph) and whether that is only an anchor link.
    struct Open {
        kind: Kind,
        text: String,
        line: u32,
        anchor_only: bool,
        saw_text_outside_link: bool,
    }
    let mut open: Option<Open> = None;
    let mut in_link_to_anchor = false;
    let mut table_row: Vec<String> = Vec::new();
    let mut table_text = String::new();
    let mut table_line = 0u32;
    let mut in_cell = false;
    let mut code: Option<(String, u32)> = None;

    let flush = |open: &mut Option<Open>, blocks: &mut Vec<Block>| {
        if let Some(o) = open.take() {
            let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            // "1. Question?" with its answer on the item's next lines: split at the line that
            // ends the question.
            if matches!(o.kind, Kind::Item { .. }) && o.text.contains('\n') {
                let lines: Vec<&str> = o.text.lines().collect();
                if let Some(k) = lines.iter().position(|l| l.trim_end().ends_with('?'))
                    && k + 1 < lines.len()
                {
                    let rest = squash(&lines[k + 1..].join(" "));
                    blocks.push(Block::new(
                        o.kind,
                        squash(&lines[..=k].join(" ")),
                        o.line,
                        0,
                    ));
                    if !rest.is_empty() {
                        blocks.push(Block::new(Kind::Paragraph, rest, o.line + k as u32 + 1, 0));
                    }
                    return;
                }
            }
            let text = squash(&o.text);
            if text.is_empty() {
                return;
            }
            let kind =
                if matches!(o.kind, Kind::Item { .. }) && o.anchor_only && !o.saw_text_outside_link
                {
                    Kind::TocEntry
                } else {
                    o.kind
                };
            blocks.push(Block::new(kind, text, o.line, 0));
        }
    };

    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for (event, range) in Parser::new_ext(&text, opts).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut open, &mut blocks);
                open = Some(Open {
                    kind: Kind::Heading(level as u8),
                    text: String::new(),
                    line,
                    anchor_only: false,
                    saw_text_outside_link: false,
                });
            }
            Event::End(TagEnd::Heading(_)) => flush(&mut open, &mut blocks),
            Event::Start(Tag::List(start)) => {
                flush(&mut open, &mut blocks);
                list_depth += 1;
                ordinals.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut open, &mut blocks);
                list_depth -= 1;
                ordinals.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut open, &mut blocks);
                let ordinal = ordinals.last_mut().and_then(|o| {
                    let n = o.map(|n| n as u32);
                    if let Some(v) = o.as_mut() {
                        *v += 1;
                    }
                    n
                });
                open = Some(Open {
                    kind: Kind::Item {
                        depth: list_depth.max(0) as u8,
                        ordinal,
                    },
                    text: String::new(),
                    line,
                    anchor_only: false,
                    saw_text_outside_link: false,
                });
            }
            Event::End(TagEnd::Item) => flush(&mut open, &mut blocks),
            Event::Start(Tag::Paragraph) => {
                if open.as_ref().is_some_and(|o| {
                    matches!(o.kind, Kind::Item { .. }) && o.text.trim().is_empty()
                }) {
                    // The first paragraph of a loose list item is the item's own text.
                } else {
                    flush(&mut open, &mut blocks);
                    open = Some(Open {
                        kind: Kind::Paragraph,
                        text: String::new(),
                        line,
                        anchor_only: false,
                        saw_text_outside_link: false,
                    });
                }
            }
            Event::End(TagEnd::Paragraph) => flush(&mut open, &mut blocks),
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with('#') => {
                in_link_to_anchor = true;
                if let Some(o) = open.as_mut() {
                    o.anchor_only = true;
                }
            }
            Event::End(TagEnd::Link) => in_link_to_anchor = false,
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut open, &mut blocks);
                code = Some((String::new(), line));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((c, l)) = code.take() {
                    let c = c.trim_end();
                    if !c.is_empty() {
                        blocks.push(Block::new(Kind::Paragraph, format!("```\n{c}\n```"), l, 0));
                    }
                }
            }
            Event::Start(Tag::Table(_)) => {
                flush(&mut open, &mut blocks);
                table_text.clear();
                table_line = line;
            }
            Event::End(TagEnd::Table) if !table_text.trim().is_empty() => {
                blocks.push(Block::new(
                    Kind::Paragraph,
                    table_text.trim().to_string(),
                    table_line,
                    0,
                ));
            }
            Event::Start(Tag::TableCell) => in_cell = true,
            Event::End(TagEnd::TableCell) => {
                in_cell = false;
            }
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                table_text.push_str(&format!("| {} |\n", table_row.join(" | ")));
                table_row.clear();
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((c, _)) = code.as_mut() {
                    c.push_str(&t);
                } else if in_cell {
                    table_row.push(t.to_string());
                } else if let Some(o) = open.as_mut() {
                    if !in_link_to_anchor && !t.trim().is_empty() {
                        o.saw_text_outside_link = true;
                    }
                    o.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(o) = open.as_mut() {
                    o.text.push('\n');
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(o) = open.as_mut() {
                    let s = strip_tags(&h);
                    if !s.is_empty() {
                        o.text.push_str(&s);
                    }
                }
            }
            _ => {}
        }
    }
    flush(&mut open, &mut blocks);
    blocks.append(&mut details);
    blocks.sort_by_key(|b| b.line);
    for b in &mut blocks {
        b.gap = gap_before(b.line);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_tags_in_both_styles() {
        let (fm, body) = front_matter("---\nid: x\ntitle: \"T\"\ntags:\n  - a\n  - b\n---\n# H\n");
        let fm = fm.unwrap();
        assert_eq!(
            (fm.id.as_deref(), fm.title.as_deref()),
            (Some("x"), Some("T"))
        );
        assert_eq!(fm.tags, vec!["a", "b"]);
        assert_eq!(body.lines().position(|l| l == "# H"), Some(7));
        let (fm, _) = front_matter("---\ntags: [x, \"y\"]\n---\n");
        assert_eq!(fm.unwrap().tags, vec!["x", "y"]);
    }

    #[test]
    fn lists_headings_and_details_become_blocks() {
        let md = "# Databases\n\n- What is an index?\n  - How does a B-tree work?\n\n<details>\n<summary>What is MVCC?</summary>\n\nVersions rows.\n</details>\n\n1. [What is an index?](#what-is-an-index)\n";
        let b = markdown_blocks(md);
        let kinds: Vec<_> = b
            .iter()
            .map(|b| (&b.kind, b.text.as_str(), b.line))
            .collect();
        assert_eq!(kinds[0], (&Kind::Heading(1), "Databases", 1));
        assert_eq!(
            kinds[1],
            (
                &Kind::Item {
                    depth: 0,
                    ordinal: None
                },
                "What is an index?",
                3
            )
        );
        assert_eq!(
            kinds[2],
            (
                &Kind::Item {
                    depth: 1,
                    ordinal: None
                },
                "How does a B-tree work?",
                4
            )
        );
        assert_eq!(
            kinds[3],
            (
                &Kind::Details {
                    body: "Versions rows.".into()
                },
                "What is MVCC?",
                6
            )
        );
        assert_eq!(kinds[4].0, &Kind::TocEntry);
    }
}
