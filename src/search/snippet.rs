//! Snippets: the part of a passage that shows why it matched, with the matches marked.
//!
//! Matches are found the same way the index finds them: the normalised term as a substring of the
//! normalised passage. The normaliser's character map turns them back into ranges of the original
//! text, so `１４．２％` in a query marks `14.2%` in the report, and `招商引資` marks `招商引资`.

use crate::analysis::normalize;

/// Characters of context a snippet shows.
pub const SNIPPET_CHARS: usize = 120;
/// Characters shown before the first match of the chosen window.
const LEAD_CHARS: usize = 20;

/// A window of a passage, split into plain and matched pieces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// `(text, is_match)` pieces in order.
    pub fragments: Vec<(String, bool)>,
    /// The window starts after the passage start.
    pub cut_before: bool,
    /// The window ends before the passage end.
    pub cut_after: bool,
}

impl Snippet {
    /// HTML: matches in `<mark>…</mark>`, everything else escaped.
    pub fn to_html(&self) -> String {
        self.render(|text, is_match| {
            let escaped = html_escape(text);
            if is_match {
                format!("<mark>{escaped}</mark>")
            } else {
                escaped
            }
        })
    }

    /// Text with matches wrapped by `before` and `after` (ANSI colours, or nothing).
    pub fn to_text(&self, before: &str, after: &str) -> String {
        self.render(|text, is_match| {
            if is_match {
                format!("{before}{text}{after}")
            } else {
                text.to_string()
            }
        })
    }

    fn render(&self, piece: impl Fn(&str, bool) -> String) -> String {
        let mut out = String::new();
        if self.cut_before {
            out.push('…');
        }
        for (text, is_match) in &self.fragments {
            out.push_str(&piece(text, *is_match));
        }
        if self.cut_after {
            out.push('…');
        }
        out
    }
}

/// Escapes the five HTML special characters.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The snippet of `text` for normalised `terms`: the window of [`SNIPPET_CHARS`] characters that
/// holds the most distinct terms (the earliest such window), or the opening of the passage.
pub fn make_snippet<'t>(text: &str, terms: impl IntoIterator<Item = &'t str>) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let matches = find_matches(text, terms);

    let window_start = best_window_start(&matches);
    let window_end = (window_start + SNIPPET_CHARS).min(chars.len());
    let window_start = window_end.saturating_sub(SNIPPET_CHARS).min(window_start);

    let mut fragments: Vec<(String, bool)> = Vec::new();
    let mut position = window_start;
    for &(start, end, _) in &matches {
        let (start, end) = (start.max(position), end.min(window_end));
        if start >= end {
            continue;
        }
        if position < start {
            fragments.push((chars[position..start].iter().collect(), false));
        }
        fragments.push((chars[start..end].iter().collect(), true));
        position = end;
    }
    if position < window_end {
        fragments.push((chars[position..window_end].iter().collect(), false));
    }
    Snippet {
        fragments,
        cut_before: window_start > 0,
        cut_after: window_end < chars.len(),
    }
}

/// Non-overlapping `(start, end, term index)` char ranges of the original text where a term
/// occurs, sorted; where matches overlap, the earlier (then longer) one wins.
fn find_matches<'t>(
    text: &str,
    terms: impl IntoIterator<Item = &'t str>,
) -> Vec<(usize, usize, usize)> {
    let normalized = normalize(text);
    let haystack: Vec<char> = normalized.text.chars().collect();
    let mut found = Vec::new();
    for (term_index, term) in terms.into_iter().enumerate() {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > haystack.len() {
            continue;
        }
        for start in 0..=haystack.len() - needle.len() {
            if haystack[start..start + needle.len()] == needle[..] {
                let from = normalized.source_char[start] as usize;
                let to = normalized.source_char[start + needle.len() - 1] as usize + 1;
                found.push((from, to, term_index));
            }
        }
    }
    found.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for range in found {
        if kept.last().is_none_or(|last| range.0 >= last.1) {
            kept.push(range);
        }
    }
    kept
}

/// Start of the window that covers the most distinct terms, a little before its first match.
fn best_window_start(matches: &[(usize, usize, usize)]) -> usize {
    let mut best = (0usize, 0usize);
    for (index, &(anchor, _, _)) in matches.iter().enumerate() {
        let window_end = anchor + SNIPPET_CHARS - LEAD_CHARS;
        let mut distinct: Vec<usize> = matches[index..]
            .iter()
            .take_while(|&&(_, end, _)| end <= window_end)
            .map(|&(_, _, term)| term)
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > best.0 {
            best = (distinct.len(), anchor.saturating_sub(LEAD_CHARS));
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let snippet = make_snippet("华勤技术<项目>竣工", ["华勤"]);
        assert_eq!(snippet.to_html(), "<mark>华勤</mark>技术&lt;项目&gt;竣工");
        assert_eq!(snippet.to_text("[", "]"), "[华勤]技术<项目>竣工");
    }

    #[test]
    fn normalised_terms_mark_the_original_characters() {
        let snippet = make_snippet("技改投资同比增长14.2%;招商引资", ["14.2%", "招商引资"]);
        assert_eq!(
            snippet.to_html(),
            "技改投资同比增长<mark>14.2%</mark>;<mark>招商引资</mark>"
        );
        let traditional = make_snippet("ＡＡ＋主体信用", ["aa+"]);
        assert_eq!(traditional.to_html(), "<mark>ＡＡ＋</mark>主体信用");
    }

    #[test]
    fn long_passages_show_the_window_around_the_matches() {
        let text = format!("{}华勤{}", "甲".repeat(300), "乙".repeat(300));
        let snippet = make_snippet(&text, ["华勤"]);
        let html = snippet.to_html();
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert!(html.contains("<mark>华勤</mark>"));
        assert_eq!(
            html.chars().filter(|c| *c == '甲' || *c == '乙').count(),
            SNIPPET_CHARS - 2
        );
    }

    #[test]
    fn without_a_match_the_snippet_is_the_opening() {
        let text = "营".repeat(200);
        let snippet = make_snippet(&text, ["营商环境"]);
        assert!(!snippet.cut_before && snippet.cut_after);
        assert_eq!(snippet.fragments, vec![("营".repeat(SNIPPET_CHARS), false)]);
    }

    #[test]
    fn overlapping_matches_do_not_double_mark() {
        let snippet = make_snippet("电子信息智能制造产业园", ["智能制造", "制造产业"]);
        assert_eq!(snippet.to_html(), "电子信息<mark>智能制造</mark>产业园");
    }
}
