//! Exact counts of a term: every verbatim occurrence (non-overlapping, as `str::matches` counts)
//! in the passage texts that the term matches, and in each heading title once (a heading is text
//! of the report too, but it is not counted again for every passage below it).
//!
//! Counting uses the index: the matching step finds the passages; in each, the positions of the
//! term's bigrams give its occurrences, and those before the passage's text start are in its
//! headings, which the catalog counts instead. Only a term whose bigrams leave a character
//! uncovered (one character, or two marks in a row) reads the stored texts, of the matching
//! passages alone.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::EnableScoring;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, SegmentOrdinal, SegmentReader, TantivyDocument};

use super::engine::{live_matches, Engine};
use super::filters::{named_sections, select_documents, Filters};
use super::headings::bigrams;
use crate::analysis::normalize::{is_word_char, normalize_str};
use crate::error::Result;

/// Where in a document a term occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the text of the passage at this address (of the engine's reader, which never reloads).
    Passage(DocAddress),
    /// In the title of a heading: its index in the document's sections.
    Heading(usize),
}

/// Where a term occurs, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// The document's position in the catalog.
    pub document: usize,
    /// The passage's ordinal; for a heading, the ordinal of the section's first passage.
    pub ordinal: u64,
    pub place: Place,
    /// Non-overlapping occurrences there.
    pub count: u32,
}

/// Non-overlapping occurrences of `term` in `text`, as `str::matches` counts them.
pub fn count_in(text: &str, term: &str) -> u32 {
    if term.is_empty() {
        return 0;
    }
    text.matches(term).count() as u32
}

/// Whether the bigrams of `term` (normalised, starting with a word character) cover every one of
/// its characters, so that their positions alone find it: each character belongs to a bigram that
/// starts with a word character.
fn bigrams_cover(term: &str) -> bool {
    let chars: Vec<char> = term.chars().collect();
    chars.len() >= 2
        && is_word_char(chars[0])
        && (1..chars.len())
            .all(|i| is_word_char(chars[i - 1]) || (is_word_char(chars[i]) && i + 1 < chars.len()))
}

/// The positions of one term's bigrams in one segment.
struct TermPositions {
    offsets: Vec<u32>,
    postings: Vec<SegmentPostings>,
    buffers: Vec<Vec<u32>>,
    length: u32,
}

impl TermPositions {
    /// The term's bigrams in `segment`, or `None` when one of them is not there.
    fn open(segment: &SegmentReader, engine: &Engine, term: &str) -> Result<Option<TermPositions>> {
        let inverted = segment.inverted_index(engine.fields.grams)?;
        let (mut offsets, mut postings) = (Vec::new(), Vec::new());
        for (offset, bigram) in bigrams(engine.fields.grams, term) {
            let read = inverted.read_postings(&bigram, IndexRecordOption::WithFreqsAndPositions);
            match read.map_err(|e| engine.read_error("the positions of a term", e))? {
                Some(found) => {
                    offsets.push(offset);
                    postings.push(found);
                }
                None => return Ok(None),
            }
        }
        Ok(Some(TermPositions {
            buffers: vec![Vec::new(); postings.len()],
            offsets,
            postings,
            length: term.chars().count() as u32,
        }))
    }

    /// Non-overlapping occurrences in `doc` at or after position `text_start`; docs must come in
    /// increasing order.
    fn count_in_text(&mut self, doc: DocId, text_start: u32) -> u32 {
        for (posting, buffer) in self.postings.iter_mut().zip(&mut self.buffers) {
            if posting.doc() > doc || posting.seek(doc) != doc {
                return 0;
            }
            posting.positions(buffer);
        }
        let (first, others) = self.buffers.split_first().expect("a term has bigrams");
        let mut count = 0;
        let mut free_from = text_start;
        for &start in first {
            let whole = others
                .iter()
                .zip(&self.offsets[1..])
                .all(|(positions, offset)| positions.binary_search(&(start + offset)).is_ok());
            if start >= free_from && whole {
                count += 1;
                free_from = start + self.length;
            }
        }
        count
    }
}

impl Engine {
    /// Every occurrence of `term` (normalised) in what `filters` select: passage texts, then
    /// heading titles, each in document order.
    pub fn occurrences(&self, term: &str, filters: &Filters) -> Result<Vec<Occurrence>> {
        let mut found = self.occurrences_in_passages(term, filters)?;
        found.extend(self.occurrences_in_headings(term, filters)?);
        Ok(found)
    }

    fn occurrences_in_passages(&self, term: &str, filters: &Filters) -> Result<Vec<Occurrence>> {
        let searcher = self.searcher();
        let weight = self
            .verbatim_query(&searcher, term, filters)?
            .weight(EnableScoring::disabled_from_searcher(&searcher))?;
        let positional = bigrams_cover(term);
        let mut found = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let mut positions = match positional {
                true => match TermPositions::open(segment, self, term)? {
                    Some(positions) => Some(positions),
                    None => continue,
                },
                false => None,
            };
            let store = match positional {
                true => None,
                false => Some(
                    segment
                        .get_store_reader(64)
                        .map_err(|e| self.read_error("the stored passages", e))?,
                ),
            };
            let ordinals = &self.ordinals[segment_ord];
            for doc in live_matches(weight.scorer(segment, 1.0)?, segment) {
                let ordinal = ordinals.get_val(doc);
                let Some((document, passage)) = self.catalog.locate(ordinal) else {
                    continue;
                };
                let count = match (&mut positions, &store) {
                    (Some(positions), _) => {
                        positions.count_in_text(doc, self.text_start(document, passage)?)
                    }
                    (None, Some(store)) => {
                        let stored: TantivyDocument = store.get(doc)?;
                        count_in(&normalize_str(&self.stored_passage(&stored)?.text), term)
                    }
                    (None, None) => 0,
                };
                if count > 0 {
                    found.push(Occurrence {
                        document,
                        ordinal,
                        place: Place::Passage(DocAddress::new(segment_ord as SegmentOrdinal, doc)),
                        count,
                    });
                }
            }
        }
        found.sort_by_key(|occurrence| occurrence.ordinal);
        Ok(found)
    }

    /// Occurrences in the heading titles of the selected documents (and, with a section filter,
    /// of the sections it names and those inside them), each title counted once.
    fn occurrences_in_headings(&self, term: &str, filters: &Filters) -> Result<Vec<Occurrence>> {
        let positions = select_documents(&self.catalog, filters)?;
        let documents = self.catalog.documents_at(&positions)?;
        let named = match &filters.section {
            Some(spec) => Some(named_sections(spec, &documents)?),
            None => None,
        };
        let mut found = Vec::new();
        for (at, (&position, document)) in positions.iter().zip(&documents).enumerate() {
            let titles = document.normalized_titles();
            for (index, section) in document.sections.iter().enumerate() {
                let selected = named.as_ref().is_none_or(|named| {
                    document
                        .ancestors(index)
                        .any(|ancestor| named[at].contains(&ancestor))
                });
                if !selected {
                    continue;
                }
                let count = count_in(&titles[index], term);
                if count > 0 {
                    found.push(Occurrence {
                        document: position,
                        ordinal: document.first_ordinal + section.first_passage as u64,
                        place: Place::Heading(index),
                        count,
                    });
                }
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_do_not_overlap() {
        assert_eq!(count_in("发展发展发展", "发展"), 3);
        assert_eq!(count_in("aaaa", "aa"), 2);
        assert_eq!(count_in("高质量发展", "质量"), 1);
        assert_eq!(count_in("", "水"), 0);
    }

    #[test]
    fn bigrams_cover_words_numbers_and_single_marks_only() {
        assert!(bigrams_cover("发展"));
        assert!(bigrams_cover("14.2%"));
        assert!(bigrams_cover("发展,改革"));
        assert!(!bigrams_cover("水"));
        // The second of two marks in a row, and a character after it, belong to no bigram.
        assert!(!bigrams_cover("a……b"));
        assert!(!bigrams_cover("发展。。"));
    }
}
