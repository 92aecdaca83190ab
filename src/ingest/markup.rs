//! Removing the Markdown and HTML mark-up of report files, keeping the words.
//!
//! Real reports arrive Markdown-flavoured: `## 一、` headings, bold headings (`**一、…**`, sometimes
//! with body text after them on the same line), HTML comments, `<br>`, tables, `[^1]` footnotes.
//! [`strip_markup`] turns the body into plain lines and remembers, for every character kept, the
//! source character it came from (passage offsets point into the file), and where a bold span that
//! opens a line ends (that span is the heading title).

/// Plain text of a report body, mapped back to the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainText {
    pub chars: Vec<char>,
    /// `source_char[i]`: index in the source of `chars[i]`.
    pub source_char: Vec<u32>,
    /// Positions in `chars` just after a bold span that opened its line, in order.
    pub emphasis_ends: Vec<usize>,
}

impl PlainText {
    fn push(&mut self, c: char, source: usize) {
        self.chars.push(c);
        self.source_char.push(source as u32);
    }

    /// Source char range of the plain range `[start, end)`.
    pub fn source_range(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.source_char[start] as usize;
        let to = self.source_char[end - 1] as usize + 1;
        (from, to)
    }
}

/// Plain text of `text` from char `body_start` on (after any front matter).
pub fn strip_markup(text: &str, body_start: usize) -> PlainText {
    let source: Vec<char> = text.chars().collect();
    let mut kept = vec![true; source.len()];
    kept[..body_start.min(source.len())].fill(false);
    remove_comments(&source, &mut kept);

    let mut plain = PlainText::default();
    let mut line_start = body_start.min(source.len());
    while line_start < source.len() {
        let line_end = source[line_start..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(source.len(), |n| line_start + n);
        let line: Vec<(usize, char)> = (line_start..line_end)
            .filter(|&i| kept[i])
            .map(|i| (i, source[i]))
            .collect();
        strip_line(&line, &mut plain);
        if line_end < source.len() {
            plain.push('\n', line_end);
        }
        line_start = line_end + 1;
    }
    plain
}

/// Marks `<!-- … -->` (across lines too) as removed.
fn remove_comments(source: &[char], kept: &mut [bool]) {
    let mut i = 0;
    while i + 4 <= source.len() {
        if source[i..i + 4] == ['<', '!', '-', '-'] {
            let end = (i + 4..source.len().saturating_sub(2))
                .find(|&j| source[j..j + 3] == ['-', '-', '>'])
                .map_or(source.len(), |j| j + 3);
            kept[i..end].fill(false);
            i = end;
        } else {
            i += 1;
        }
    }
}

/// Appends the plain form of one source line (its kept chars with their indexes).
fn strip_line(line: &[(usize, char)], plain: &mut PlainText) {
    let chars: Vec<char> = line.iter().map(|&(_, c)| c).collect();
    let text: String = chars.iter().collect();
    let trimmed = text.trim();
    if is_rule_or_table_separator(trimmed) {
        return;
    }

    let mut i = 0;
    // Leading white space, `#` heading marks, `>` quote marks and list bullets.
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    while i < chars.len() && (chars[i] == '#' || chars[i] == '>') {
        i += 1;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
    }
    let opens_with_bold =
        chars[i..].starts_with(&['*', '*']) || chars[i..].starts_with(&['_', '_']);
    let mut bold_open = false;
    let mut line_has_text = false;
    while i < chars.len() {
        let c = chars[i];
        let rest = &chars[i..];
        if rest.starts_with(&['*', '*']) || rest.starts_with(&['_', '_']) {
            if bold_open && opens_with_bold && plain.emphasis_ends.last() < Some(&plain.chars.len())
            {
                plain.emphasis_ends.push(plain.chars.len());
            }
            bold_open = !bold_open;
            i += 2;
            continue;
        }
        if rest.starts_with(&['[', '^']) {
            if let Some(close) = rest.iter().position(|&c| c == ']') {
                i += close + 1;
                // A footnote definition `[^1]: …` keeps its text without the label.
                if !line_has_text && chars.get(i) == Some(&':') {
                    i += 1;
                }
                continue;
            }
        }
        if c == '<' {
            if let Some(len) = html_tag_len(rest) {
                let tag: String = rest[..len].iter().collect::<String>().to_ascii_lowercase();
                if tag.starts_with("<br") {
                    plain.push('\n', line[i].0);
                }
                i += len;
                continue;
            }
        }
        if c == '|' {
            plain.push(' ', line[i].0);
            i += 1;
            continue;
        }
        if !c.is_whitespace() {
            line_has_text = true;
        }
        plain.push(c, line[i].0);
        i += 1;
    }
}

/// `---`, `***`, `___` and Markdown table separators such as `|---|:--:|`.
fn is_rule_or_table_separator(line: &str) -> bool {
    let rule = line.len() >= 3 && line.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '));
    let separator = line.starts_with('|')
        && line.contains('-')
        && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
    rule || separator
}

/// Length of an HTML tag (`<br>`, `</p>`, `<span class="x">`) at the start of `rest`.
fn html_tag_len(rest: &[char]) -> Option<usize> {
    let name_start = if rest.get(1) == Some(&'/') { 2 } else { 1 };
    if !rest
        .get(name_start)
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let close = rest.iter().take(200).position(|&c| c == '>')?;
    rest[1..close]
        .iter()
        .all(|c| c.is_ascii() && *c != '<')
        .then_some(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        strip_markup(text, 0).chars.iter().collect()
    }

    #[test]
    fn headings_bold_and_quotes_lose_their_marks() {
        assert_eq!(plain("## 一、2023年工作回顾\n"), "一、2023年工作回顾\n");
        assert_eq!(
            plain("**一、两年工作的基本估计**\n"),
            "一、两年工作的基本估计\n"
        );
        assert_eq!(plain("> 引文\n"), "引文\n");
    }

    #[test]
    fn a_bold_span_opening_a_line_marks_the_title_end() {
        let text = "**一、加快农业的发展。**农业是基础。\n";
        let stripped = strip_markup(text, 0);
        let plain: String = stripped.chars.iter().collect();
        assert_eq!(plain, "一、加快农业的发展。农业是基础。\n");
        assert_eq!(stripped.emphasis_ends, vec![10]);
        let mid_line = strip_markup("农业**很重要**。\n", 0);
        assert!(mid_line.emphasis_ends.is_empty());
    }

    #[test]
    fn comments_tags_footnotes_and_tables_go_words_stay() {
        let text = "<!-- 本文来自《文献选编》\n第二行 -->\n**1964年政府工作报告[^1]**\n[^1]: （根据中共中央文件刊印）\n甲<br>乙\n| 指标 | 数值 |\n|---|---|\n| 增长 | 5% |\n---\n";
        assert_eq!(
            plain(text),
            "\n\n1964年政府工作报告\n （根据中共中央文件刊印）\n甲\n乙\n  指标   数值  \n\n  增长   5%  \n\n"
        );
    }

    #[test]
    fn plain_characters_map_back_to_the_source() {
        let text = "## 一、回顾\n**华勤**技术\n";
        let stripped = strip_markup(text, 0);
        let source: Vec<char> = text.chars().collect();
        for (i, &c) in stripped.chars.iter().enumerate() {
            assert_eq!(source[stripped.source_char[i] as usize], c);
        }
        let start = stripped.chars.iter().position(|&c| c == '华').unwrap();
        assert_eq!(stripped.source_range(start, start + 4), (10, 16));
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_kept() {
        assert_eq!(plain("增长<5%和<一>\n"), "增长<5%和<一>\n");
    }
}
