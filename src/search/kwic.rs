//! Concordance (key word in context): one line per verbatim occurrence of a term in the passage
//! texts, with its citation, the words before and after it within the passage, and the match as
//! the report writes it (traditional characters, full-width digits and all). Sorted in document
//! order, or by the context on either side: the left context read from the match outwards, as
//! concordancers sort it.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::counting::{Occurrence, Place};
use super::engine::Engine;
use super::filters::Filters;
use super::query::normalize_term;
use super::request::Page;
use crate::analysis::normalize::normalize;
use crate::error::{Error, Result};

/// Characters of context on each side when a request does not say.
pub const DEFAULT_WIDTH: usize = 20;
/// Most characters of context on each side.
pub const MAX_WIDTH: usize = 200;
/// Most lines one request returns.
pub const MAX_LINES: usize = 1000;

/// The order of concordance lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum KwicSort {
    /// Document order.
    #[default]
    Doc,
    /// By the left context, read from the match outwards.
    Left,
    /// By the right context.
    Right,
}

/// One occurrence in context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KwicLine {
    pub citation: String,
    pub left: String,
    /// The match as the report writes it.
    #[serde(rename = "match")]
    pub matched: String,
    pub right: String,
}

/// The answer to a [`KwicRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct Concordance {
    pub term: String,
    /// Occurrences in the passage texts (heading titles have no context and are left out).
    pub total: u64,
    pub offset: usize,
    pub lines: Vec<KwicLine>,
    pub took_ms: f64,
}

/// A term, where to look, how much context, in what order, which lines: checked when made.
#[derive(Debug, Clone)]
pub struct KwicRequest {
    term: String,
    pub filters: Filters,
    width: usize,
    sort: KwicSort,
    page: Page,
}

impl KwicRequest {
    /// Normalises `term`; `width` characters of context on each side (at most [`MAX_WIDTH`]),
    /// `limit` lines (at most [`MAX_LINES`]) after `offset`.
    pub fn new(
        term: &str,
        filters: Filters,
        width: usize,
        sort: KwicSort,
        limit: usize,
        offset: usize,
    ) -> Result<KwicRequest> {
        if width > MAX_WIDTH {
            return Err(Error::BadArgument(format!(
                "width {width} is too wide; at most {MAX_WIDTH} characters of context"
            )));
        }
        Ok(KwicRequest {
            term: normalize_term(term)?,
            filters,
            width,
            sort,
            page: Page::bounded(limit, offset, MAX_LINES, usize::MAX)?,
        })
    }
}

impl Engine {
    /// The concordance lines of `request`.
    pub fn kwic(&self, request: &KwicRequest) -> Result<Concordance> {
        let started = Instant::now();
        let occurrences: Vec<Occurrence> = self
            .occurrences(&request.term, &request.filters)?
            .into_iter()
            .filter(|occurrence| matches!(occurrence.place, Place::Passage(_)))
            .collect();
        let total: u64 = occurrences.iter().map(|o| u64::from(o.count)).sum();
        let (offset, limit) = (request.page.offset(), request.page.limit());
        let lines = match request.sort {
            KwicSort::Doc => {
                // Read only the passages that hold the lines asked for.
                let mut lines = Vec::new();
                let mut before = 0usize;
                for occurrence in &occurrences {
                    let count = occurrence.count as usize;
                    if before + count > offset && lines.len() < limit {
                        let skip = offset.saturating_sub(before);
                        let wanted = limit - lines.len();
                        lines.extend(
                            self.lines_of(occurrence, &request.term, request.width)?
                                .into_iter()
                                .skip(skip)
                                .take(wanted),
                        );
                    }
                    before += count;
                    if lines.len() >= limit {
                        break;
                    }
                }
                lines
            }
            KwicSort::Left | KwicSort::Right => {
                let mut lines = Vec::with_capacity(total as usize);
                for occurrence in &occurrences {
                    lines.extend(self.lines_of(occurrence, &request.term, request.width)?);
                }
                // A stable sort: equal contexts keep document order.
                match request.sort {
                    KwicSort::Left => lines.sort_by_cached_key(|line: &KwicLine| {
                        line.left.chars().rev().collect::<String>()
                    }),
                    _ => lines.sort_by(|a, b| a.right.cmp(&b.right)),
                }
                lines.into_iter().skip(offset).take(limit).collect()
            }
        };
        Ok(Concordance {
            term: request.term.clone(),
            total,
            offset,
            lines,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0,
        })
    }

    /// Every line of `term` in the passage of `occurrence` (none in a heading).
    fn lines_of(&self, occurrence: &Occurrence, term: &str, width: usize) -> Result<Vec<KwicLine>> {
        let Place::Passage(address) = occurrence.place else {
            return Ok(Vec::new());
        };
        let passage = self.stored_passage(&self.searcher().doc(address)?)?;
        Ok(context_lines(&passage.text, term, width)
            .into_iter()
            .map(|(left, matched, right)| KwicLine {
                citation: passage.citation.clone(),
                left,
                matched,
                right,
            })
            .collect())
    }
}

/// Each non-overlapping occurrence of normalised `term` in `text`, as (left context, match,
/// right context) in the source's own characters, `width` characters of context at most.
pub fn context_lines(text: &str, term: &str, width: usize) -> Vec<(String, String, String)> {
    let normalized = normalize(text);
    let source: Vec<char> = text.chars().collect();
    let term_chars = term.chars().count();
    // The matches come in text order: the char index of each is counted on from the last one.
    let (mut counted_to_byte, mut counted_chars) = (0, 0);
    normalized
        .text
        .match_indices(term)
        .filter_map(|(byte, _)| {
            counted_chars += normalized.text[counted_to_byte..byte].chars().count();
            counted_to_byte = byte;
            let first = counted_chars;
            let last = first + term_chars.checked_sub(1)?;
            let start = *normalized.source_char.get(first)? as usize;
            let end = *normalized.source_char.get(last)? as usize + 1;
            let left: String = source[start.saturating_sub(width)..start].iter().collect();
            let matched: String = source[start..end.min(source.len())].iter().collect();
            let right: String = source[end.min(source.len())..(end + width).min(source.len())]
                .iter()
                .collect();
            Some((left, matched, right))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_the_source_form_and_stay_inside_the_passage() {
        let lines = context_lines("同比增长１４．２％，华勤項目二期。", "14.2%", 4);
        assert_eq!(
            lines,
            [(
                "同比增长".to_string(),
                "１４．２％".to_string(),
                "，华勤項".to_string()
            )]
        );
        let lines = context_lines("华勤项目，華勤二期", "华勤", 10);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0, "");
        assert_eq!(
            lines[1],
            ("华勤项目，".into(), "華勤".into(), "二期".into())
        );
    }
}
