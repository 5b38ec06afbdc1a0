//! The summary note as HTML: Markdown rendered with every raw HTML fragment turned into text
//! and every link that is not http(s), mailto or relative made inert, so a note shown on a
//! page or sent by e-mail can carry no markup its author did not mean as text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// The note's Markdown as safe HTML.
pub fn to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let has_scheme = lower
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.is_empty());
    let allowed = ["http:", "https:", "mailto:"];
    if !has_scheme || allowed.iter().any(|a| lower.starts_with(a)) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders_and_markup_stays_text() {
        let html = to_html("## Areas\n\n- **Security**: study <script>alert(1)</script>\n");
        assert!(html.contains("<h2>Areas</h2>"));
        assert!(html.contains("<strong>Security</strong>"));
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn only_harmless_links_survive() {
        assert!(to_html("[x](javascript:alert(1))").contains("href=\"#\""));
        assert!(to_html("[x](JaVaScRiPt:alert(1))").contains("href=\"#\""));
        assert!(to_html("[x](https://example.com/a)").contains("href=\"https://example.com/a\""));
        assert!(to_html("[x](/notes/abc)").contains("href=\"/notes/abc\""));
        assert!(to_html("[x](mailto:a@b.c)").contains("href=\"mailto:a@b.c\""));
    }
}
