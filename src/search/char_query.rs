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
    /// Sums the postings of every gram that starts with the character.
    fn matches(&self, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        let inverted = segment.inverted_index(self.field)?;
        let mut upper = self.prefix.clone();
        // The last byte of a UTF-8 character is never 0xFF.
        if let Some(last) = upper.last_mut() {
            *last += 1;
        }
        let mut frequency = vec![0u32; segment.max_doc() as usize];
        let mut terms = inverted
            .terms()
            .range()
            .ge(&self.prefix)
            .lt(&upper)
            .into_stream()?;
        while terms.advance() {
            let mut block = inverted
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
            while !block.docs().is_empty() {
                for (&doc, &freq) in block.docs().iter().zip(block.freqs()) {
                    frequency[doc as usize] += freq.max(1);
                }
                block.advance();
            }
        }
        let mut matches = SegmentMatches {
            docs: Vec::new(),
            freqs: Vec::new(),
        };
        for (doc, &freq) in frequency.iter().enumerate() {
            if freq > 0 {
                matches.docs.push(doc as DocId);
                matches.freqs.push(freq);
            }
        }
        Ok(matches)
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
