//! Reading passages back: the text behind a citation (a passage or a whole section) with its
//! neighbours, and every passage in document order for export.

use std::ops::Bound;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use serde::Serialize;

use super::engine::Engine;
use super::filters::keyword;
use crate::error::{Error, Result};

/// Text of a report with its citation and its place: a passage, or all passages of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    pub citation: String,
    pub doc: String,
    pub title: String,
    pub year: Option<u32>,
    /// The heading path as one string (`(二)纵深推进… > …`).
    pub section: String,
    pub section_path: Vec<String>,
    /// The exact text, as in the source; a section's passages are joined by line breaks.
    pub text: String,
}

/// What a citation names.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CitedKind {
    /// One passage (`gxq-2024:2.1`).
    Passage,
    /// A section and all its passages (`gxq-2024:2`).
    Section,
}

impl CitedKind {
    /// `passage` or `section`, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            CitedKind::Passage => "passage",
            CitedKind::Section => "section",
        }
    }
}

/// The text behind a citation, with the passages it holds and its neighbours.
#[derive(Debug, Clone, Serialize)]
pub struct CitedText {
    pub kind: CitedKind,
    #[serde(flatten)]
    pub passage: Passage,
    /// Citations of the passages it holds (itself for a passage).
    pub passages: Vec<String>,
    /// The passage before it in the same document, if any.
    pub previous: Option<String>,
    /// The passage after it in the same document, if any.
    pub next: Option<String>,
}

impl Engine {
    /// The exact text behind a passage or section citation, with the citations of the passages
    /// just before and after it in the same document.
    pub fn get(&self, citation: &str) -> Result<CitedText> {
        let wanted = crate::analysis::normalize_str(citation).to_ascii_lowercase();
        let searcher = self.reader.searcher();
        let passage =
            self.passages_matching(&searcher, &*keyword(self.fields.citation, &wanted))?;
        if let Some((ordinal, passage)) = passage.into_iter().next() {
            return Ok(CitedText {
                kind: CitedKind::Passage,
                previous: self.neighbour(&searcher, ordinal.checked_sub(1), &passage.doc)?,
                next: self.neighbour(&searcher, ordinal.checked_add(1), &passage.doc)?,
                passages: vec![passage.citation.clone()],
                passage,
            });
        }
        // A section citation is `doc:locator`: only its document's outline is read.
        let mut section = None;
        for (colon, _) in wanted.match_indices(':') {
            let Some(position) = self.catalog.position(&wanted[..colon]) else {
                continue;
            };
            let document = self.catalog.document(position)?;
            section = document
                .sections
                .iter()
                .enumerate()
                .find(|(_, s)| s.citation == wanted)
                .map(|(index, s)| (document, index, s));
            break;
        }
        let Some((document, index, section)) = section else {
            return Err(Error::UnknownCitation(citation.to_string()));
        };
        let ordinals = document.section_ordinals(section);
        let term = |ordinal: u64| Term::from_field_u64(self.fields.ordinal, ordinal);
        let in_section = RangeQuery::new(
            Bound::Included(term(ordinals.start)),
            Bound::Excluded(term(ordinals.end)),
        );
        let passages = self.passages_matching(&searcher, &in_section)?;
        let first = passages
            .first()
            .and_then(|(ordinal, _)| ordinal.checked_sub(1));
        let last = passages
            .last()
            .and_then(|(ordinal, _)| ordinal.checked_add(1));
        let doc = &document.meta.id;
        let section_path: Vec<String> = document.path_of(index).iter().map(|s| s.label()).collect();
        Ok(CitedText {
            kind: CitedKind::Section,
            passage: Passage {
                citation: wanted,
                doc: doc.clone(),
                title: document.meta.title.clone(),
                year: document.meta.year,
                section: section_path.join(" > "),
                section_path,
                text: passages
                    .iter()
                    .map(|(_, p)| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
            passages: passages.iter().map(|(_, p)| p.citation.clone()).collect(),
            previous: self.neighbour(&searcher, first, doc)?,
            next: self.neighbour(&searcher, last, doc)?,
        })
    }

    /// The citation of the passage at `ordinal`, if it exists and belongs to `doc`.
    fn neighbour(
        &self,
        searcher: &Searcher,
        ordinal: Option<u64>,
        doc: &str,
    ) -> Result<Option<String>> {
        let Some(ordinal) = ordinal else {
            return Ok(None);
        };
        let passage = self.passage_at(searcher, ordinal)?;
        Ok(passage
            .filter(|passage| passage.doc == doc)
            .map(|passage| passage.citation))
    }

    /// The passage at `ordinal`, if there is one.
    pub(super) fn passage_at(&self, searcher: &Searcher, ordinal: u64) -> Result<Option<Passage>> {
        let query = TermQuery::new(
            Term::from_field_u64(self.fields.ordinal, ordinal),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match found.first() {
            Some((_, address)) => Ok(Some(self.stored_passage(&searcher.doc(*address)?)?)),
            None => Ok(None),
        }
    }

    /// All passages `query` matches, with their ordinals, in document order.
    pub(super) fn passages_matching(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
    ) -> Result<Vec<(u64, Passage)>> {
        let mut found: Vec<(u64, Passage)> = Vec::new();
        for address in searcher.search(query, &DocSetCollector)? {
            found.push(self.ordered_passage(&searcher.doc(address)?)?);
        }
        found.sort_by_key(|(ordinal, _)| *ordinal);
        Ok(found)
    }

    /// Every passage of the index, in document order.
    pub fn all_passages(&self) -> Result<Vec<Passage>> {
        let searcher = self.reader.searcher();
        let mut passages: Vec<(u64, Passage)> = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(1).map_err(|e| {
                Error::io(
                    format!(
                        "cannot read the stored passages of {}",
                        self.generation.display()
                    ),
                    e,
                )
            })?;
            for stored in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                passages.push(self.ordered_passage(&stored?)?);
            }
        }
        passages.sort_by_key(|(ordinal, _)| *ordinal);
        Ok(passages.into_iter().map(|(_, passage)| passage).collect())
    }

    /// A stored passage with its ordinal (its place in document order).
    fn ordered_passage(&self, stored: &TantivyDocument) -> Result<(u64, Passage)> {
        Ok((self.stored_ordinal(stored), self.stored_passage(stored)?))
    }

    /// The ordinal every passage is stored with.
    fn stored_ordinal(&self, stored: &TantivyDocument) -> u64 {
        stored
            .get_first(self.fields.ordinal)
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    }

    /// A passage from its stored citation and text; its document, title, year and heading path
    /// come from the catalog through its ordinal.
    pub(super) fn stored_passage(&self, stored: &TantivyDocument) -> Result<Passage> {
        let compressed = stored
            .get_first(self.fields.text)
            .and_then(|v| v.as_bytes())
            .unwrap_or_default();
        let text = self.texts.decompress(compressed).map_err(|e| {
            Error::io(
                format!(
                    "cannot read a passage text in {}",
                    self.generation.display()
                ),
                e,
            )
        })?;
        let located = self
            .catalog
            .locate(self.stored_ordinal(stored))
            .map(|(position, passage)| Ok::<_, Error>((self.catalog.document(position)?, passage)))
            .transpose()?;
        let section_path: Vec<String> = located
            .and_then(|(document, passage)| {
                let innermost = document.heading_path(passage).next()?;
                Some(
                    document
                        .path_of(innermost)
                        .iter()
                        .map(|s| s.label())
                        .collect(),
                )
            })
            .unwrap_or_default();
        let document = located.map(|(document, _)| document);
        let citation = stored
            .get_first(self.fields.citation)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        Ok(Passage {
            citation,
            doc: document.map(|d| d.meta.id.clone()).unwrap_or_default(),
            title: document.map(|d| d.meta.title.clone()).unwrap_or_default(),
            year: document.and_then(|d| d.meta.year),
            section: section_path.join(" > "),
            section_path,
            text,
        })
    }
}
