//! One-character terms: a character occurs wherever a gram starts with it.
//!
//! The gram field gives every character exactly one token that starts with it (the bigram with the
//! next character, or the character alone at the end of a value), so the passages holding a
//! character are the union of the postings of every term with that prefix, and its frequency in a
//! passage is the sum of their frequencies. [`CharQuery`] scores that frequency with BM25 like a
//! term of its own; the number of passages holding it (for the idf) is counted exactly.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// Postings of a character's grams above which one counter per passage of the segment is cheaper
/// than sorting (doc, frequency) pairs: one posting for every `DENSE_FACTOR` passages.
const DENSE_FACTOR: u64 = 16;

/// Matches passages whose gram field holds `character`.
#[derive(Clone, Debug)]
pub struct CharQuery {
    field: Field,
    character: char,
}

impl CharQuery {
    pub fn new(field: Field, character: char) -> CharQuery {
        CharQuery { field, character }
    }
}

impl Query for CharQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut weight = CharWeight {
            field: self.field,
            prefix: self.character.to_string().into_bytes(),
            bm25: None,
            computed: Mutex::new(HashMap::new()),
        };
        if let EnableScoring::Enabled {
            searcher,
            statistics_provider,
        } = enable_scoring
        {
            let mut doc_freq = 0u64;
            let mut computed = HashMap::new();
            for segment in searcher.segment_readers() {
                let matches = weight.matches(segment)?;
                doc_freq += matches.docs.len() as u64;
                computed.insert(segment.segment_id(), matches);
            }
            let total_docs = statistics_provider.total_num_docs()?.max(1);
            let average_length =
                statistics_provider.total_num_tokens(self.field)? as Score / total_docs as Score;
            weight.bm25 = Some(Bm25Weight::for_one_term(
                doc_freq,
                total_docs,
                average_length,
            ));
            weight.computed = Mutex::new(computed);
        }
        Ok(Box::new(weight))
    }
}

/// The passages of one segment holding the character, in doc order, with its frequency in each.
struct SegmentMatches {
    docs: Vec<DocId>,
    freqs: Vec<u32>,
}

struct CharWeight {
    field: Field,
    /// The character's UTF-8 bytes: the prefix of every gram starting with it.
    prefix: Vec<u8>,
    /// `None` when scoring is disabled.
    bm25: Option<Bm25Weight>,
    /// Matches computed while counting the idf, taken by the scorer of their segment.
    computed: Mutex<HashMap<SegmentId, SegmentMatches>>,
}

impl CharWeight {
    /// Sums the postings of every gram that starts with the character: into one counter per
    /// passage when they are many, else as (doc, frequency) pairs sorted and merged, so that a
    /// rare character costs no pass over the whole segment.
    fn matches(&self, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        let inverted = segment.inverted_index(self.field)?;
        let mut upper = self.prefix.clone();
        // The last byte of a UTF-8 character is never 0xFF.
        if let Some(last) = upper.last_mut() {
            *last += 1;
        }
        let mut terms = inverted
            .terms()
            .range()
            .ge(&self.prefix)
            .lt(&upper)
            .into_stream()?;
        let mut grams = Vec::new();
        while terms.advance() {
            grams.push(terms.value().clone());
        }
        let postings: u64 = grams.iter().map(|gram| u64::from(gram.doc_freq)).sum();
        let mut pairs: Vec<(DocId, u32)> = Vec::new();
        let mut frequency = Vec::new();
        let dense = postings * DENSE_FACTOR > u64::from(segment.max_doc());
        if dense {
            frequency = vec![0u32; segment.max_doc() as usize];
        }
        for gram in &grams {
            let mut block =
                inverted.read_block_postings_from_terminfo(gram, IndexRecordOption::WithFreqs)?;
            while !block.docs().is_empty() {
                for (&doc, &freq) in block.docs().iter().zip(block.freqs()) {
                    if dense {
                        frequency[doc as usize] += freq.max(1);
                    } else {
                        pairs.push((doc, freq.max(1)));
                    }
                }
                block.advance();
            }
        }
        if dense {
            pairs = frequency
                .iter()
                .enumerate()
                .filter(|(_, &freq)| freq > 0)
                .map(|(doc, &freq)| (doc as DocId, freq))
                .collect();
        } else {
            pairs.sort_unstable_by_key(|&(doc, _)| doc);
            pairs.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1 += later.1;
                }
                same
            });
        }
        Ok(SegmentMatches {
            docs: pairs.iter().map(|&(doc, _)| doc).collect(),
            freqs: pairs.iter().map(|&(_, freq)| freq).collect(),
        })
    }

    fn segment_matches(&self, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        let computed = self
            .computed
            .lock()
            .map_err(|_| TantivyError::InternalError("poisoned character matches".into()))?
            .remove(&segment.segment_id());
        match computed {
            Some(matches) => Ok(matches),
            None => self.matches(segment),
        }
    }
}

impl Weight for CharWeight {
    fn scorer(&self, segment: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let matches = self.segment_matches(segment)?;
        let fieldnorms = segment.get_fieldnorms_reader(self.field)?;
        Ok(Box::new(CharScorer {
            matches,
            cursor: 0,
            fieldnorms,
            bm25: self.bm25.as_ref().map(|bm25| bm25.boost_by(boost)),
        }))
    }

    fn explain(&self, segment: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(segment, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not hold the character"
            )));
        }
        Ok(Explanation::new(
            "character frequency scored with BM25",
            scorer.score(),
        ))
    }
}

struct CharScorer {
    matches: SegmentMatches,
    cursor: usize,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for CharScorer {
    fn advance(&mut self) -> DocId {
        self.cursor += 1;
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.matches
            .docs
            .get(self.cursor)
            .copied()
            .unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.matches.docs.len() as u32
    }
}

impl Scorer for CharScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc();
        match (&self.bm25, self.matches.freqs.get(self.cursor)) {
            (Some(bm25), Some(&freq)) => bm25.score(self.fieldnorms.fieldnorm_id(doc), freq),
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokenizers::register_tokenizers;
    use crate::indexer::Fields;
    use tantivy::collector::DocSetCollector;
    use tantivy::{doc, Index, IndexWriter, TantivyDocument};

    /// (passage, count of the character) for every passage holding it.
    type Counts = Vec<(DocId, u32)>;

    /// Each passage's count of `character`, found by the query and by reading the texts.
    fn counts(texts: &[String], character: char) -> (Counts, Counts) {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        register_tokenizers(&index);
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 20_000_000).unwrap();
        for text in texts {
            writer
                .add_document(doc!(fields.grams => text.as_str()))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let weight = CharWeight {
            field: fields.grams,
            prefix: character.to_string().into_bytes(),
            bm25: None,
            computed: Mutex::new(HashMap::new()),
        };
        let matches = weight.matches(segment).unwrap();
        let found = matches.docs.into_iter().zip(matches.freqs).collect();
        let expected = texts
            .iter()
            .enumerate()
            .map(|(doc, text)| (doc as DocId, text.matches(character).count() as u32))
            .filter(|&(_, count)| count > 0)
            .collect();
        let query = CharQuery::new(fields.grams, character);
        let docs = searcher.search(&query, &DocSetCollector).unwrap();
        assert_eq!(
            docs.len(),
            texts.iter().filter(|t| t.contains(character)).count()
        );
        (found, expected)
    }

    #[test]
    fn a_character_counts_in_every_gram_that_starts_with_it() {
        // 100 passages: 水 in three of them (counted as pairs), 发 in most (one counter a
        // passage), at the end of a value, before a mark and twice in a passage.
        let texts: Vec<String> = (0..100)
            .map(|n| match n {
                7 => "水利发展，水".to_string(),
                40 => "发展水平。".to_string(),
                93 => "水".to_string(),
                n if n % 3 == 0 => format!("第{n}项发展"),
                n => format!("发{n}发"),
            })
            .collect();
        for character in ['水', '发', '展', '项'] {
            let (found, expected) = counts(&texts, character);
            assert_eq!(found, expected, "{character}");
        }
    }
}
