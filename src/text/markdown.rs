//! The Markdown subset lessons are written in: `**bold**`, `` `code` `` and `[term]` (a glossary
//! link). Everything else — HTML included — is text, so a lesson file can never inject markup.

use yew::prelude::*;

/// A piece of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// `**bold**`.
    Bold(String),
    /// `` `code` ``.
    Code(String),
    /// `[term]`: a link to the glossary entry.
    Term(String),
}

/// Splits a paragraph into spans. Unclosed markers are kept as text.
pub fn spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let found = match first {
            '*' if rest.starts_with("**") => {
                rest[2..].find("**").map(|end| (Span::Bold(rest[2..2 + end].to_owned()), end + 4))
            }
            '`' => rest[1..].find('`').map(|end| (Span::Code(rest[1..1 + end].to_owned()), end + 2)),
            '[' => rest[1..]
                .find(']')
                .filter(|end| *end > 0 && !rest[1..1 + end].contains('['))
                .map(|end| (Span::Term(rest[1..1 + end].to_owned()), end + 2)),
            _ => None,
        };
        match found {
            Some((span, length)) => {
                if !plain.is_empty() {
                    spans.push(Span::Text(std::mem::take(&mut plain)));
                }
                spans.push(span);
                rest = &rest[length..];
            }
            None => {
                plain.push(first);
                rest = &rest[first.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        spans.push(Span::Text(plain));
    }
    spans
}

/// The glossary anchor of a term: `phoenix server` → `term-phoenix-server`.
pub fn term_anchor(term: &str) -> String {
    let slug: String =
        term.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("term-{}", slug.trim_matches('-'))
}

/// One paragraph as HTML (text nodes only, so nothing in it is ever parsed as markup).
pub fn render(text: &str) -> Html {
    html! {
        <>
            { for spans(text).into_iter().map(|span| match span {
                Span::Text(text) => html! { { text } },
                Span::Bold(text) => html! { <strong>{ text }</strong> },
                Span::Code(text) => html! { <code>{ text }</code> },
                // Only words the glossary explains become links; anything else in brackets is text.
                Span::Term(term) => match crate::text::glossary::lookup(&term) {
                    Some(entry) => html! {
                        <a class="term" href={crate::platform::query::href(&format!("?glossary#{}", term_anchor(entry)))}
                            target="_blank" title="Opens the glossary in a new tab">{ term }</a>
                    },
                    None => html! { { format!("[{term}]") } },
                },
            }) }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_code_and_terms_are_recognised() {
        assert_eq!(
            spans("Run **one** `deploy` per [golden image]."),
            vec![
                Span::Text("Run ".into()),
                Span::Bold("one".into()),
                Span::Text(" ".into()),
                Span::Code("deploy".into()),
                Span::Text(" per ".into()),
                Span::Term("golden image".into()),
                Span::Text(".".into()),
            ]
        );
    }

    #[test]
    fn html_and_unclosed_markers_stay_text() {
        assert_eq!(spans("<script>alert(1)</script>"), vec![Span::Text("<script>alert(1)</script>".into())]);
        assert_eq!(spans("a ** b ` c [ d"), vec![Span::Text("a ** b ` c [ d".into())]);
        assert_eq!(spans("ünïcode **ok**")[1], Span::Bold("ok".into()));
    }

    #[test]
    fn anchors_are_slugs() {
        assert_eq!(term_anchor("Phoenix server"), "term-phoenix-server");
        assert_eq!(term_anchor("cattle, not pets"), "term-cattle--not-pets");
    }
}
