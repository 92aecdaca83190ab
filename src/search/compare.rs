//! What changed between two reports: the words (jieba's words of two characters or more, as the
//! index cuts them) that are new in the second, gone from the first, and that rose or fell most,
//! each counted verbatim in both reports and ranked by log-likelihood keyness (G², Rayson and
//! Garside) rather than raw difference, with the citation of a passage where it appears.
//!
//! A new word that no report of an earlier year in the index contains is marked as used for the
//! first time and listed before the others: what a reader of two reports asks first is what was
//! written in for the first time (新质生产力 in 2024), which occurs once as often as ten times.
//! Among them, a word that more passages of the index hold (it was taken up later) comes first,
//! then keyness: a term that caught on before a one-off turn of phrase that jieba cut as a word.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Bound;
use std::time::Instant;

use serde::Serialize;
use tantivy::query::RangeQuery;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use tantivy::Term;

use super::engine::Engine;
use super::filters::{unknown_document, Filters, YearRange};
use crate::analysis::normalize::{is_word_char, normalize_str};
use crate::analysis::tokenizers::ChineseWordTokenizer;
use crate::error::{Error, Result};
use crate::indexer::CatalogDocument;

/// Words listed in each group when a request does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// Most words listed in each group.
pub const MAX_LIMIT: usize = 500;
/// Fewest occurrences of a listed word when a request does not say: one, since a word written
/// in for the first time often occurs once; ranking puts single occurrences last otherwise.
pub const DEFAULT_MIN_COUNT: u32 = 1;

/// Two reports and how many words to list: checked when made.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    a: String,
    b: String,
    limit: usize,
    min_count: u32,
}

impl CompareRequest {
    /// Compares document `a` with document `b`, listing `limit` words a group that occur at
    /// least `min_count` times.
    pub fn new(a: &str, b: &str, limit: usize, min_count: u32) -> Result<CompareRequest> {
        if limit > MAX_LIMIT {
            return Err(Error::BadArgument(format!(
                "limit {limit} is too large; at most {MAX_LIMIT} words a group"
            )));
        }
        Ok(CompareRequest {
            a: a.trim().to_ascii_lowercase(),
            b: b.trim().to_ascii_lowercase(),
            limit,
            min_count: min_count.max(1),
        })
    }
}

/// One word's counts in both reports.
#[derive(Debug, Clone, Serialize)]
pub struct KeyWord {
    pub word: String,
    pub count_a: u32,
    pub count_b: u32,
    pub per_10k_a: f64,
    pub per_10k_b: f64,
    /// Log-likelihood G²: how unlikely the difference is by chance.
    pub keyness: f64,
    /// A passage (or heading) where it appears: in B for new and rising words, in A otherwise.
    pub citation: String,
    /// A new word that no report of a year before B's contains (false in the other groups, and
    /// when B has no year or no report of the index is older: the index's history starts there).
    pub first_time: bool,
    /// For a word used for the first time: how many passages of the whole index hold it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passages_in_index: Option<u64>,
}

/// The answer to a [`CompareRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub chars_a: u64,
    pub chars_b: u64,
    pub new: Vec<KeyWord>,
    pub gone: Vec<KeyWord>,
    pub rose: Vec<KeyWord>,
    pub fell: Vec<KeyWord>,
    pub took_ms: f64,
}

impl Comparison {
    /// The four groups with their names, in order.
    pub fn groups(&self) -> [(&'static str, &[KeyWord]); 4] {
        [
            ("new", &self.new),
            ("gone", &self.gone),
            ("rose", &self.rose),
            ("fell", &self.fell),
        ]
    }
}

/// One report read for comparison: its normalised pieces (heading titles, then passages) with
/// their citations, and jieba's words of them.
struct Report {
    id: String,
    year: Option<u32>,
    chars: u64,
    pieces: Vec<(String, String)>,
}

/// A word's counts in a report: occurrences, and the piece of its first one.
#[derive(Clone, Copy, Default)]
struct Counted {
    count: u32,
    first_piece: Option<usize>,
}

impl Engine {
    /// Compares two reports.
    pub fn compare(&self, request: &CompareRequest) -> Result<Comparison> {
        let started = Instant::now();
        let a = self.report(self.compared_document(&request.a)?)?;
        let b = self.report(self.compared_document(&request.b)?)?;
        let mut tokenizer = ChineseWordTokenizer;
        let mut words: HashMap<String, usize> = HashMap::new();
        for (text, _) in a.pieces.iter().chain(&b.pieces) {
            let mut stream = tokenizer.token_stream(text);
            while let Some(token) = stream.next() {
                let word = &token.text;
                let is_word = word.chars().nth(1).is_some()
                    && word.chars().all(is_word_char)
                    && !word.chars().all(|c| c.is_ascii_digit());
                if is_word && !words.contains_key(word) {
                    words.insert(word.clone(), words.len());
                }
            }
        }
        let counts_a = count_words(&a, &words);
        let counts_b = count_words(&b, &words);

        let mut groups: [Vec<KeyWord>; 4] = Default::default();
        for (word, &index) in &words {
            let (in_a, in_b) = (counts_a[index], counts_b[index]);
            let (x, y) = (in_a.count, in_b.count);
            let rate_a = per_10k(x, a.chars);
            let rate_b = per_10k(y, b.chars);
            let (group, cited) = match (x, y) {
                (0, y) if y >= request.min_count => (0, (&b, in_b)),
                (x, 0) if x >= request.min_count => (1, (&a, in_a)),
                (x, y) if x + y >= request.min_count && x > 0 && y > 0 && rate_b > rate_a => {
                    (2, (&b, in_b))
                }
                (x, y) if x + y >= request.min_count && x > 0 && y > 0 && rate_b < rate_a => {
                    (3, (&a, in_a))
                }
                _ => continue,
            };
            let citation = cited
                .1
                .first_piece
                .map(|piece| cited.0.pieces[piece].1.clone())
                .unwrap_or_default();
            groups[group].push(KeyWord {
                word: word.clone(),
                count_a: x,
                count_b: y,
                per_10k_a: rate_a,
                per_10k_b: rate_b,
                keyness: log_likelihood(x, a.chars, y, b.chars),
                citation,
                first_time: false,
                passages_in_index: None,
            });
        }
        let catalog = &self.catalog;
        let earlier_year = b.year.filter(|&year| {
            (0..catalog.len()).any(|position| catalog.year(position).is_some_and(|y| y < year))
        });
        if let Some(year) = earlier_year {
            let searcher = self.searcher();
            let before = Filters {
                years: Some(YearRange {
                    from: None,
                    to: Some(year.saturating_sub(1)),
                }),
                ..Filters::default()
            };
            for word in &mut groups[0] {
                word.first_time = !self.occurs_verbatim(&searcher, &word.word, &before)?;
                if word.first_time {
                    let everywhere = Filters::default();
                    word.passages_in_index =
                        Some(self.passages_holding(&searcher, &word.word, &everywhere)?);
                }
            }
        }
        for group in &mut groups {
            group.sort_by(|p, q| {
                q.first_time
                    .cmp(&p.first_time)
                    .then_with(|| q.passages_in_index.cmp(&p.passages_in_index))
                    .then_with(|| q.keyness.partial_cmp(&p.keyness).unwrap_or(Ordering::Equal))
                    .then_with(|| p.word.cmp(&q.word))
            });
            group.truncate(request.limit);
        }
        let [new, gone, rose, fell] = groups;
        Ok(Comparison {
            a: a.id,
            b: b.id,
            chars_a: a.chars,
            chars_b: b.chars,
            new,
            gone,
            rose,
            fell,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0,
        })
    }

    /// The document with id `id`, or an error that lists similar ids.
    fn compared_document(&self, id: &str) -> Result<&CatalogDocument> {
        self.catalog
            .document_by_id(id)?
            .ok_or_else(|| unknown_document(&self.catalog, id))
    }

    /// A document's heading titles and passages, normalised, with their citations.
    fn report(&self, document: &CatalogDocument) -> Result<Report> {
        let mut pieces: Vec<(String, String)> = document
            .sections
            .iter()
            .map(|section| (normalize_str(&section.title), section.citation.clone()))
            .collect();
        let searcher = self.searcher();
        let range = document.ordinals();
        let term = |ordinal: u64| Term::from_field_u64(self.fields.ordinal, ordinal);
        let query = RangeQuery::new(
            Bound::Included(term(range.start)),
            Bound::Excluded(term(range.end)),
        );
        pieces.extend(
            self.passages_matching(&searcher, &query)?
                .into_iter()
                .map(|(_, passage)| (normalize_str(&passage.text), passage.citation)),
        );
        Ok(Report {
            id: document.meta.id.clone(),
            year: document.meta.year,
            chars: document.chars,
            pieces,
        })
    }
}

/// Non-overlapping verbatim counts of every word of `words` in `report`, and the piece of each
/// word's first occurrence: one pass over each piece that looks up every substring as long as
/// the longest word, instead of a scan of the text a word.
fn count_words(report: &Report, words: &HashMap<String, usize>) -> Vec<Counted> {
    let longest = words.keys().map(|w| w.chars().count()).max().unwrap_or(0);
    let mut counted = vec![Counted::default(); words.len()];
    // Where each word's last counted occurrence ends, in the current piece.
    let mut free_from: Vec<(usize, usize)> = vec![(usize::MAX, 0); words.len()];
    for (piece, (text, _)) in report.pieces.iter().enumerate() {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(byte, _)| byte)
            .chain(std::iter::once(text.len()))
            .collect();
        let chars = bounds.len() - 1;
        for start in 0..chars {
            for length in 2..=longest.min(chars - start) {
                let Some(&index) = words.get(&text[bounds[start]..bounds[start + length]]) else {
                    continue;
                };
                let (last_piece, end) = free_from[index];
                if last_piece == piece && start < end {
                    continue;
                }
                free_from[index] = (piece, start + length);
                let entry = &mut counted[index];
                entry.count += 1;
                entry.first_piece.get_or_insert(piece);
            }
        }
    }
    counted
}

/// Occurrences per 10,000 characters, to four decimals.
fn per_10k(count: u32, chars: u64) -> f64 {
    if chars == 0 {
        return 0.0;
    }
    (f64::from(count) * 1e4 / chars as f64 * 1e4).round() / 1e4
}

/// Log-likelihood G² of a word counted `a` times in `size_a` characters and `b` times in
/// `size_b`, to two decimals.
fn log_likelihood(a: u32, size_a: u64, b: u32, size_b: u64) -> f64 {
    let (a, b) = (f64::from(a), f64::from(b));
    let (size_a, size_b) = (size_a as f64, size_b as f64);
    let total = size_a + size_b;
    if total == 0.0 {
        return 0.0;
    }
    let expected_a = size_a * (a + b) / total;
    let expected_b = size_b * (a + b) / total;
    let part = |observed: f64, expected: f64| {
        if observed > 0.0 && expected > 0.0 {
            observed * (observed / expected).ln()
        } else {
            0.0
        }
    };
    (2.0 * (part(a, expected_a) + part(b, expected_b)) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyness_grows_with_the_difference_and_is_zero_without_one() {
        assert_eq!(log_likelihood(10, 1000, 10, 1000), 0.0);
        assert!(log_likelihood(0, 1000, 20, 1000) > log_likelihood(0, 1000, 5, 1000));
        assert!(log_likelihood(5, 1000, 50, 1000) > 20.0);
    }

    #[test]
    fn words_are_counted_without_overlap_and_first_seen_where_they_are() {
        let report = Report {
            id: "a".into(),
            year: None,
            chars: 20,
            pieces: vec![
                ("发展发展发展".into(), "a:1".into()),
                ("新质生产力发展".into(), "a:1.1".into()),
            ],
        };
        let words: HashMap<String, usize> =
            [("发展".to_string(), 0), ("新质生产力".to_string(), 1)]
                .into_iter()
                .collect();
        let counted = count_words(&report, &words);
        assert_eq!(counted[0].count, 4);
        assert_eq!(counted[0].first_piece, Some(0));
        assert_eq!(counted[1].count, 1);
        assert_eq!(counted[1].first_piece, Some(1));
    }
}
