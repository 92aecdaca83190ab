//! Where in a passage's gram field a term occurs: in the heading titles, which are the field's
//! first values, or in the text, which follows them.
//!
//! The rescore gives a passage more weight when the headings above it name a query term and its
//! text discusses it too; a heading alone already counted in the first phase. The catalog gives
//! the titles; the positions of the term's bigrams tell whether it also stands in the text.

use std::collections::HashMap;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use crate::analysis::normalize::is_word_char;

/// The first position of a passage's text in the gram field, after its heading `titles` (as
/// indexed, normalised and in order): tantivy places a value's tokens after the previous value's
/// last token plus a gap of one, and a gram starts at each word character's index.
pub fn text_start<'a>(titles: impl Iterator<Item = &'a str>) -> u32 {
    titles
        .map(|title| {
            match title
                .chars()
                .enumerate()
                .filter(|&(_, c)| is_word_char(c))
                .last()
            {
                Some((last, _)) => last as u32 + 2,
                None => 1,
            }
        })
        .sum()
}

/// The bigrams of a term of two characters or more, with their offsets: those that start with a
/// word character, as the gram field holds them.
pub fn bigrams(grams: Field, term: &str) -> Vec<(u32, Term)> {
    let chars: Vec<char> = term.chars().collect();
    chars
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| is_word_char(pair[0]))
        .map(|(offset, pair)| {
            let text: String = pair.iter().collect();
            (offset as u32, Term::from_field_text(grams, &text))
        })
        .collect()
}

/// A term's bigrams in one segment: their offsets in the term and their postings.
type TermPostings = (Vec<u32>, Vec<SegmentPostings>);

/// Answers whether terms occur in passages' text, for passages visited in address order.
pub struct TextOccurrences<'a> {
    searcher: &'a Searcher,
    grams: Field,
    /// Per segment and term, the offsets and postings of the term's bigrams (`None` when one is
    /// absent from the segment).
    postings: HashMap<(u32, &'a str), Option<TermPostings>>,
    positions: Vec<Vec<u32>>,
}

impl<'a> TextOccurrences<'a> {
    pub fn new(searcher: &'a Searcher, grams: Field) -> TextOccurrences<'a> {
        TextOccurrences {
            searcher,
            grams,
            postings: HashMap::new(),
            positions: Vec::new(),
        }
    }

    /// Whether `term` (two characters or more) occurs at or after position `text_start` of the
    /// passage at `address`. Calls for one term must come in increasing address order.
    pub fn in_text(
        &mut self,
        address: DocAddress,
        term: &'a str,
        text_start: u32,
    ) -> tantivy::Result<bool> {
        let key = (address.segment_ord, term);
        if !self.postings.contains_key(&key) {
            let segment = self.searcher.segment_reader(address.segment_ord);
            let inverted = segment.inverted_index(self.grams)?;
            let (mut offsets, mut opened) = (Vec::new(), Vec::new());
            for (offset, bigram) in bigrams(self.grams, term) {
                match inverted.read_postings(&bigram, IndexRecordOption::WithFreqsAndPositions)? {
                    Some(postings) => {
                        offsets.push(offset);
                        opened.push(postings);
                    }
                    None => {
                        opened.clear();
                        break;
                    }
                }
            }
            self.postings
                .insert(key, (!opened.is_empty()).then_some((offsets, opened)));
        }
        let Some(Some((offsets, postings))) = self.postings.get_mut(&key) else {
            return Ok(false);
        };
        self.positions.resize_with(postings.len(), Vec::new);
        for (posting, positions) in postings.iter_mut().zip(&mut self.positions) {
            if posting.doc() > address.doc_id || posting.seek(address.doc_id) != address.doc_id {
                return Ok(false);
            }
            posting.positions(positions);
        }
        let (first, others) = self.positions.split_first().expect("a term has a bigram");
        Ok(first.iter().any(|&start| {
            start >= text_start
                && others
                    .iter()
                    .zip(&offsets[1..])
                    .all(|(positions, offset)| positions.binary_search(&(start + offset)).is_ok())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::normalize_str;
    use crate::analysis::tokenizers::register_tokenizers;
    use crate::indexer::Fields;
    use tantivy::{doc, Index, IndexWriter, TantivyDocument};

    #[test]
    fn the_text_starts_after_every_title_and_its_gap() {
        assert_eq!(text_start(std::iter::empty()), 0);
        // 两个 word characters: the last at 1, then the gap.
        assert_eq!(text_start(["产业"].into_iter()), 3);
        // Marks at the end take no position; a title of marks only takes the gap.
        assert_eq!(
            text_start(["(一)产业,".into()].iter().map(String::as_str)),
            6
        );
        assert_eq!(text_start(["。"].into_iter()), 1);
    }

    #[test]
    fn a_term_in_the_heading_only_is_not_in_the_text() {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        register_tokenizers(&index);
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 20_000_000).unwrap();
        let passages = [
            (
                vec!["一、总体要求", "(三)全面推进乡村振兴"],
                "加快农业农村现代化。",
            ),
            (
                vec!["(三)全面推进乡村振兴"],
                "实施乡村振兴示范工程，乡村建设。",
            ),
            (vec![], "乡村振兴"),
        ];
        let mut starts = Vec::new();
        for (titles, text) in &passages {
            let titles: Vec<String> = titles.iter().map(|t| normalize_str(t)).collect();
            let mut document = doc!();
            for title in &titles {
                document.add_text(fields.grams, title);
            }
            document.add_text(fields.grams, normalize_str(text));
            writer.add_document(document).unwrap();
            starts.push(text_start(titles.iter().map(String::as_str)));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let found = |term: &str| -> Vec<bool> {
            let mut occurrences = TextOccurrences::new(&searcher, fields.grams);
            (0..passages.len() as u32)
                .map(|doc| {
                    occurrences
                        .in_text(DocAddress::new(0, doc), term, starts[doc as usize])
                        .unwrap()
                })
                .collect()
        };
        assert_eq!(found("乡村振兴"), [false, true, true]);
        assert_eq!(found("农业"), [true, false, false]);
        assert_eq!(found("推进"), [false, false, false]);
        assert_eq!(found("振兴示范"), [false, true, false]);
    }
}
