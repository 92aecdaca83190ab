//! The outline of a Chinese official document, and its passages.
//!
//! Headings follow the national 公文 convention: `一、` (level 1), `（一）`/`(一)` (level 2), `1.`
//! `1、` `１．` (level 3), `（1）`/`(1)` (level 4). A heading either stands on its own line or opens
//! a paragraph as its first sentence (`(一)纵深推进…巩固壮大。一是…`). Inside a paragraph the
//! enumeration `一是…。二是…` splits it into items, only where `X是` opens the paragraph or follows
//! `。`, and only in order (`一是`, then `二是`, …), so a stray `三是` inside a sentence is text.
//!
//! A passage is the smallest unit: one item, or a paragraph without items. Its locator (the part of a
//! citation after `doc:`) is the dotted path of section numbers, then `p<k>` when the section holds
//! several paragraphs or has subsections, then the item number: `2.1` is 第(二)部分 一是, `0` the
//! text before the first heading. Locators depend only on the text, so they are stable across
//! re-indexing of the same file.

use std::collections::{HashMap, HashSet};

use super::markup::PlainText;
use super::numerals::{is_numeral_char, parse_any, parse_chinese, to_chinese};
use crate::analysis::normalize::is_word_char;

/// Longest heading title, in characters: a longer first sentence is body text, not a title.
const MAX_TITLE_CHARS: usize = 60;
/// Longest line taken as a part heading (a heading without a number).
const MAX_PART_CHARS: usize = 30;

/// A heading and the part of the document it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// 1 for `一、`, 2 for `（一）`, 3 for `1.`, 4 for `（1）`.
    pub level: u8,
    /// The heading's number (`（三）` → 3).
    pub number: u32,
    /// The marker exactly as written in the source (`(三)`, `一、`).
    pub marker: String,
    /// The heading title without marker and final full stop.
    pub title: String,
    /// Index of the enclosing section in [`Outline::sections`].
    pub parent: Option<usize>,
    /// Dotted section numbers from the top (`3.2`): the citation of the section after `doc:`.
    pub locator: String,
}

impl Section {
    /// Marker and title, the way the heading reads in the source (`(二)纵深推进…`).
    pub fn label(&self) -> String {
        format!("{}{}", self.marker, self.title)
    }
}

/// The smallest searchable and citable unit of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 1-based number of the paragraph (body line) in the document.
    pub paragraph: u32,
    /// Item number of an `X是` enumeration; 0 for the lead-in before `一是`; `None` for a paragraph
    /// without items.
    pub item: Option<u32>,
    /// Index of the innermost enclosing section; `None` before the first heading.
    pub section: Option<usize>,
    /// The passage text exactly as in the source.
    pub text: String,
    /// Character offset of the passage's first character in the decoded source.
    pub start: usize,
    /// Character offset just past the passage's last character.
    pub end: usize,
    /// The citation after `doc:` (`2.1`, `0`, `1.p3.2`).
    pub locator: String,
}

/// Sections and passages of one document, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub sections: Vec<Section>,
    pub passages: Vec<Passage>,
}

impl Outline {
    /// The indices of the sections from the top down to `section` (inclusive).
    pub fn path_indices(&self, section: Option<usize>) -> Vec<usize> {
        let mut path = Vec::new();
        let mut current = section;
        while let Some(index) = current {
            path.push(index);
            current = self.sections[index].parent;
        }
        path.reverse();
        path
    }
}

/// A recognised outline marker at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker {
    level: u8,
    number: u32,
    /// Length of the marker in chars, including its closing punctuation.
    len: usize,
}

/// Locator of the glossary section (名词解释) that closes many reports.
pub const GLOSSARY_LOCATOR: &str = "g";

/// Parses the outline of a report's plain text. Passage texts are plain text (mark-up removed);
/// their offsets point into the source file's text.
pub fn parse_outline(plain: &PlainText) -> Outline {
    let chars = &plain.chars;
    let mut outline = Outline::default();
    let mut open_sections: Vec<usize> = Vec::new();
    let mut paragraph = 0u32;
    let mut in_glossary = false;
    let mut parts = 0u32;
    // Part headings are only looked for once the address (各位代表：) or a numbered heading has
    // passed, so title, date and speaker lines stay opening text.
    let mut past_opening = false;

    let mut line_start = 0;
    while line_start < chars.len() {
        let line_end = chars[line_start..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(chars.len(), |n| line_start + n);
        let (start, end) = trim(chars, line_start, line_end);
        line_start = line_end + 1;
        if !chars[start..end].iter().any(|&c| is_word_char(c)) {
            continue;
        }

        let line = &chars[start..end];
        let mut body_start = start;
        let heading = if is_glossary_heading(line) {
            in_glossary = true;
            Some((
                Marker {
                    level: 0,
                    number: 0,
                    len: 0,
                },
                line.iter().collect(),
                end,
            ))
        } else if past_opening && !in_glossary && is_part_heading(line) {
            parts += 1;
            Some((
                Marker {
                    level: 0,
                    number: parts,
                    len: 0,
                },
                line.iter().collect(),
                end,
            ))
        } else {
            heading_at(plain, start, end).filter(|(marker, _, _)| !in_glossary || marker.level <= 2)
        };
        past_opening |= heading.is_some() || line.starts_with(&['各', '位', '代', '表']);
        if let Some((marker, title, body)) = heading {
            in_glossary &= marker.number == 0;
            while let Some(&top) = open_sections.last() {
                if outline.sections[top].level >= marker.level {
                    open_sections.pop();
                } else {
                    break;
                }
            }
            outline.sections.push(Section {
                level: marker.level,
                number: marker.number,
                marker: chars[start..start + marker.len].iter().collect(),
                title,
                parent: open_sections.last().copied(),
                locator: String::new(),
            });
            open_sections.push(outline.sections.len() - 1);
            body_start = body;
        }
        if body_start < end {
            paragraph += 1;
            let section = open_sections.last().copied();
            for (item, (from, to)) in split_items(chars, body_start, end) {
                let (source_start, source_end) = plain.source_range(from, to);
                outline.passages.push(Passage {
                    paragraph,
                    item,
                    section,
                    text: chars[from..to].iter().collect(),
                    start: source_start,
                    end: source_end,
                    locator: String::new(),
                });
            }
        }
    }
    assign_locators(&mut outline);
    outline
}

/// `名词解释`, `附：名词解释`, `《政府工作报告》名词注释`, `有关词语解释`: the glossary, whose
/// numbered lines are a list, not an outline.
fn is_glossary_heading(line: &[char]) -> bool {
    let text: String = line.iter().collect();
    line.len() <= 16
        && ["名词解释", "名词注释", "词语解释", "名词说明", "用语说明"]
            .iter()
            .any(|w| text.contains(w))
}

/// A short line without a marker or sentence punctuation that divides the report into parts
/// (`过去五年的政府工作`, `2024年工作安排`): a heading above `一、`.
fn is_part_heading(line: &[char]) -> bool {
    line.len() <= MAX_PART_CHARS
        && marker_at(line).is_none()
        && !line.iter().any(|c| "。，；：！？,;:!?、".contains(*c))
        && !matches!(
            line.first(),
            Some('—' | '-' | '（' | '(' | '《' | '“' | '<' | '[' | '|')
        )
        && line.iter().filter(|c| c.is_whitespace()).count() == 0
}

/// Shrinks `[start, end)` past white space (including U+3000 and U+00A0) on both sides.
fn trim(chars: &[char], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    (start, end)
}

/// If the line `[start, end)` opens with a heading, returns its marker, its title and where the
/// body text after the title begins (`end` when the heading stands alone). The title is the bold
/// span that opens the line, or else the first sentence.
fn heading_at(plain: &PlainText, start: usize, end: usize) -> Option<(Marker, String, usize)> {
    let chars = &plain.chars;
    let marker = marker_at(&chars[start..end])?;
    let (title_start, _) = trim(chars, start + marker.len, end);
    let emphasis_end = plain
        .emphasis_ends
        .iter()
        .find(|&&e| e > title_start && e <= end)
        .copied();
    let title_end = emphasis_end.unwrap_or_else(|| {
        chars[title_start..end]
            .iter()
            .position(|c| matches!(c, '。' | '！' | '？'))
            .map_or(end, |n| title_start + n)
    });
    let (_, trimmed_end) = trim(chars, title_start, title_end);
    let mut title_end_clean = trimmed_end;
    while title_end_clean > title_start
        && matches!(chars[title_end_clean - 1], '。' | '：' | ':' | '；')
    {
        title_end_clean -= 1;
    }
    if title_end_clean - title_start > MAX_TITLE_CHARS {
        return None;
    }
    let title = chars[title_start..title_end_clean].iter().collect();
    let body_from = if emphasis_end.is_some() {
        title_end
    } else {
        (title_end + 1).min(end)
    };
    let (body, _) = trim(chars, body_from, end);
    Some((marker, title, body))
}

/// Recognises `一、` `（一）` `(一)` `1.` `1、` `１．` `（1）` `(1)` at the start of `line`.
fn marker_at(line: &[char]) -> Option<Marker> {
    let numeral_len = line.iter().take_while(|&&c| is_numeral_char(c)).count();
    if numeral_len == line.len() && (1..=3).contains(&numeral_len) {
        // A numeral alone on its line (`三`) numbers a part in some older reports.
        let number = parse_chinese(&line.iter().collect::<String>())?;
        return Some(Marker {
            level: 1,
            number,
            len: numeral_len,
        });
    }
    if (1..=3).contains(&numeral_len) && line.get(numeral_len) == Some(&'、') {
        let number = parse_chinese(&line[..numeral_len].iter().collect::<String>())?;
        return Some(Marker {
            level: 1,
            number,
            len: numeral_len + 1,
        });
    }

    if matches!(line.first(), Some('(' | '（')) {
        let inner = &line[1..];
        let close = inner.iter().position(|&c| c == ')' || c == '）')?;
        let number_text: String = inner[..close].iter().collect();
        let level = if number_text.chars().all(is_numeral_char) {
            2
        } else if number_text.chars().all(is_digit) {
            4
        } else {
            return None;
        };
        if !(1..=3).contains(&close) {
            return None;
        }
        let number = parse_any(&number_text)?;
        let mut len = close + 2;
        if line.get(len) == Some(&'、') {
            len += 1;
        }
        return Some(Marker { level, number, len });
    }

    let digits = line.iter().take_while(|&&c| is_digit(c)).count();
    if (1..=2).contains(&digits)
        && matches!(line.get(digits), Some('.' | '．' | '、'))
        && line.get(digits + 1).is_some_and(|&c| !is_digit(c))
    {
        let number = parse_any(&line[..digits].iter().collect::<String>())?;
        return Some(Marker {
            level: 3,
            number,
            len: digits + 1,
        });
    }
    None
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Splits the paragraph `[start, end)` at its `一是…二是…` (or `第一，…`, `①…`) items. Returns `(item, range)` pairs: one
/// `(None, whole)` without items; otherwise an optional lead-in as item 0, then items 1, 2, ….
fn split_items(chars: &[char], start: usize, end: usize) -> Vec<(Option<u32>, (usize, usize))> {
    let mut item_starts: Vec<usize> = Vec::new();
    let mut position = start;
    while position < end {
        let opens_sentence =
            position == start || previous_non_space(chars, start, position) == Some('。');
        if opens_sentence && starts_with_item(chars, position, end, item_starts.len() as u32 + 1) {
            item_starts.push(position);
        }
        position += 1;
    }
    if item_starts.is_empty() {
        return vec![(None, (start, end))];
    }

    let mut passages = Vec::new();
    let lead_in = trim(chars, start, item_starts[0]);
    if lead_in.0 < lead_in.1 {
        passages.push((Some(0), lead_in));
    }
    for (index, &item_start) in item_starts.iter().enumerate() {
        let item_end = item_starts.get(index + 1).copied().unwrap_or(end);
        passages.push((Some(index as u32 + 1), trim(chars, item_start, item_end)));
    }
    passages
}

fn previous_non_space(chars: &[char], start: usize, position: usize) -> Option<char> {
    chars[start..position]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .copied()
}

/// True if item `number` opens at `position`: `一是`, `第一，` / `第一、`, or `①`.
fn starts_with_item(chars: &[char], position: usize, end: usize, number: u32) -> bool {
    let rest = &chars[position..end];
    // Items past 九十九是 have no numeral: the enumeration simply ends there.
    let Some(numeral) = to_chinese(number) else {
        return false;
    };
    let numeral: Vec<char> = numeral.chars().collect();
    let shi = rest.starts_with(&numeral) && rest.get(numeral.len()) == Some(&'是');
    let di = rest.first() == Some(&'第')
        && rest[1..].starts_with(&numeral)
        && matches!(rest.get(numeral.len() + 1), Some('，' | '、' | ','));
    let circled = char::from_u32(0x2460 + number - 1)
        .is_some_and(|c| number <= 20 && rest.first() == Some(&c));
    shi || di || circled
}

/// Gives every section and passage its locator, unique among the document's sections and among
/// its passages. A passage that is all of a section's text shares the section's locator.
fn assign_locators(outline: &mut Outline) {
    let mut taken: HashSet<String> = HashSet::new();
    for index in 0..outline.sections.len() {
        let section = &outline.sections[index];
        let own = match section.number {
            0 => GLOSSARY_LOCATOR.to_string(),
            number => number.to_string(),
        };
        let wanted = match section.parent {
            Some(parent) => format!("{}.{}", outline.sections[parent].locator, own),
            None => own,
        };
        outline.sections[index].locator = unique(wanted, &mut taken);
    }

    let has_children: HashSet<usize> = outline.sections.iter().filter_map(|s| s.parent).collect();
    // The distinct paragraph numbers directly in each section, and each one's place (from 1)
    // among them: counted once, as a report may have tens of thousands of paragraphs.
    let mut paragraph_counts: HashMap<Option<usize>, usize> = HashMap::new();
    let mut paragraph_places: HashMap<(Option<usize>, u32), usize> = HashMap::new();
    for passage in &outline.passages {
        paragraph_places
            .entry((passage.section, passage.paragraph))
            .or_insert_with(|| {
                let count = paragraph_counts.entry(passage.section).or_default();
                *count += 1;
                *count
            });
    }
    let mut taken: HashSet<String> = HashSet::new();
    for index in 0..outline.passages.len() {
        let passage = &outline.passages[index];
        let mut locator = match passage.section {
            Some(section) => outline.sections[section].locator.clone(),
            None => "0".to_string(),
        };
        let needs_paragraph = paragraph_counts[&passage.section] > 1
            || passage.section.is_some_and(|s| has_children.contains(&s));
        if needs_paragraph {
            let place = paragraph_places[&(passage.section, passage.paragraph)];
            locator.push_str(&format!(".p{place}"));
        }
        if let Some(item) = passage.item {
            locator.push_str(&format!(".{item}"));
        }
        outline.passages[index].locator = unique(locator, &mut taken);
    }
}

/// `wanted`, or `wanted~2`, `wanted~3`, … if a repeated heading number already took it.
fn unique(wanted: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = wanted.clone();
    let mut copy = 1;
    while taken.contains(&candidate) {
        copy += 1;
        candidate = format!("{wanted}~{copy}");
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_outline(text: &str, body_start: usize) -> Outline {
        super::parse_outline(&crate::ingest::markup::strip_markup(text, body_start))
    }

    fn locators(outline: &Outline) -> Vec<&str> {
        outline
            .passages
            .iter()
            .map(|p| p.locator.as_str())
            .collect()
    }

    #[test]
    fn recognises_the_four_marker_levels() {
        let marker =
            |s: &str| marker_at(&s.chars().collect::<Vec<_>>()).map(|m| (m.level, m.number, m.len));
        assert_eq!(marker("一、总体要求"), Some((1, 1, 2)));
        assert_eq!(marker("十二、其他"), Some((1, 12, 3)));
        assert_eq!(marker("（一）产业"), Some((2, 1, 3)));
        assert_eq!(marker("(二)产业"), Some((2, 2, 3)));
        assert_eq!(marker("（三）、产业"), Some((2, 3, 4)));
        assert_eq!(marker("1.加快"), Some((3, 1, 2)));
        assert_eq!(marker("2、加快"), Some((3, 2, 2)));
        assert_eq!(marker("１．加快"), Some((3, 1, 2)));
        assert_eq!(marker("（1）加快"), Some((4, 1, 3)));
        assert_eq!(marker("(12)加快"), Some((4, 12, 4)));
    }

    #[test]
    fn numbers_and_brackets_in_text_are_not_markers() {
        let marker = |s: &str| marker_at(&s.chars().collect::<Vec<_>>());
        assert_eq!(marker("1.5亿元投资"), None);
        assert_eq!(marker("2024年,高新区"), None);
        assert_eq!(marker("2024.1起"), None);
        assert_eq!(marker("(其中投入1.5亿元)"), None);
        assert_eq!(marker("一是主导产业"), None);
        assert_eq!(marker("一二三四"), None);
    }

    #[test]
    fn a_heading_opening_a_paragraph_splits_into_title_and_items() {
        let text = "前言。\n(一)纵深推进产业集群,产业能级巩固壮大。一是主导产业集聚。华勤投产。二是招商引资更加精准。\n(二)空间拓展。一是跨江融合。\n";
        let outline = parse_outline(text, 0);
        assert_eq!(outline.sections.len(), 2);
        assert_eq!(
            outline.sections[0].title,
            "纵深推进产业集群,产业能级巩固壮大"
        );
        assert_eq!(outline.sections[0].marker, "(一)");
        assert_eq!(outline.sections[0].locator, "1");
        assert_eq!(locators(&outline), vec!["0", "1.1", "1.2", "2.1"]);
        assert_eq!(outline.passages[1].text, "一是主导产业集聚。华勤投产。");
        assert_eq!(outline.passages[2].text, "二是招商引资更加精准。");
        let first = &outline.passages[1];
        let source: String = text
            .chars()
            .skip(first.start)
            .take(first.end - first.start)
            .collect();
        assert_eq!(source, first.text);
    }

    #[test]
    fn items_split_only_in_order_and_after_a_full_stop() {
        let text = "一是甲，二是乙。三是丙。二是丁。\n";
        let outline = parse_outline(text, 0);
        let texts: Vec<&str> = outline.passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["一是甲，二是乙。三是丙。", "二是丁。"]);
    }

    #[test]
    fn a_lead_in_before_the_first_item_is_item_zero() {
        let outline = parse_outline("今年重点抓好以下工作。一是稳增长。二是惠民生。\n", 0);
        assert_eq!(locators(&outline), vec!["0.0", "0.1", "0.2"]);
        assert_eq!(outline.passages[0].text, "今年重点抓好以下工作。");
    }

    #[test]
    fn nested_sections_and_several_paragraphs_get_paragraph_locators() {
        let text = "一、过去一年工作回顾\n过去一年，成绩显著。\n（一）经济发展\n增长5%。\n另一段。\n（二）民生\n就业稳定。\n二、今年工作\n1.稳增长。扩大投资。\n（1）消费\n促消费。\n";
        let outline = parse_outline(text, 0);
        let sections: Vec<(u8, &str, &str)> = outline
            .sections
            .iter()
            .map(|s| (s.level, s.locator.as_str(), s.title.as_str()))
            .collect();
        assert_eq!(
            sections,
            vec![
                (1, "1", "过去一年工作回顾"),
                (2, "1.1", "经济发展"),
                (2, "1.2", "民生"),
                (1, "2", "今年工作"),
                (3, "2.1", "稳增长"),
                (4, "2.1.1", "消费"),
            ]
        );
        assert_eq!(
            locators(&outline),
            vec!["1.p1", "1.1.p1", "1.1.p2", "1.2", "2.1.p1", "2.1.1"]
        );
        let path: Vec<String> = outline
            .path_indices(outline.passages[5].section)
            .into_iter()
            .map(|index| outline.sections[index].label())
            .collect();
        assert_eq!(path, vec!["二、今年工作", "1.稳增长", "（1）消费"]);
    }

    #[test]
    fn repeated_heading_numbers_keep_citations_unique() {
        let outline = parse_outline("一、甲\n正文。\n一、乙\n正文。\n", 0);
        assert_eq!(outline.sections[1].locator, "1~2");
        assert_eq!(locators(&outline), vec!["1", "1~2"]);
    }

    #[test]
    fn a_long_first_sentence_is_body_text_not_a_title() {
        let long = "1.".to_string() + &"很长的句子".repeat(15) + "。";
        let outline = parse_outline(&long, 0);
        assert!(outline.sections.is_empty());
        assert_eq!(outline.passages.len(), 1);
    }

    #[test]
    fn full_width_spaces_and_crlf_are_trimmed() {
        let outline = parse_outline("　　一、总体要求\r\n　　坚持稳中求进。\r\n", 0);
        assert_eq!(outline.sections[0].title, "总体要求");
        assert_eq!(outline.passages[0].text, "坚持稳中求进。");
    }
}
