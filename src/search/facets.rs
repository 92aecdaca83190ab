//! Facets: how the matches of a search, all of them and not only the page, fall by year, by
//! issuer and, within one report, by its top sections. The pass that counts the matches counts
//! them per document ([`PerDocument`]); years and issuers add documents up.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::engine::{live_matches, Engine};
use super::first_phase::{doc_ranges, ordinal_column, OrdinalColumns};
use crate::error::Result;
use crate::indexer::{Catalog, CatalogDocument};

/// Issuers listed, the most frequent first.
pub const TOP_ISSUERS: usize = 20;

/// One value of a facet and the matches that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount<T> {
    pub value: T,
    pub count: usize,
}

/// A top section of the one report searched, and its matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionCount {
    pub citation: String,
    pub label: String,
    pub count: usize,
}

/// The matches by year (in order), by issuer (the [`TOP_ISSUERS`] most frequent) and, when one
/// report is searched, by its top sections (in order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub years: Vec<FacetCount<u32>>,
    pub issuers: Vec<FacetCount<String>>,
    pub sections: Vec<SectionCount>,
}

/// Where each document's passages are in each segment, by segment ordinal: a segment is sorted
/// by ordinal and a document's passages have consecutive ordinals, so in a segment they are one
/// range of doc ids, listed with the document's catalog position.
pub type DocumentRuns = Arc<[Arc<[(Range<DocId>, usize)]>]>;

/// The runs of every segment (see [`doc_ranges`]) of the documents of `catalog`. Made once by an
/// engine that answers many queries (see [`Engine::prepare_for_many_queries`]).
pub fn document_runs(ordinals: &OrdinalColumns, catalog: &Catalog) -> DocumentRuns {
    let starts = catalog.document_starts();
    let documents: Vec<Range<u64>> = starts
        .iter()
        .map(|&(_, position)| catalog.ordinals(position))
        .collect();
    ordinals
        .iter()
        .map(|column| {
            doc_ranges(&**column, &documents)
                .into_iter()
                .map(|(index, docs)| (docs, starts[index].1))
                .collect()
        })
        .collect()
}

/// Counts matches per catalog document: by the document run each match falls in where the runs
/// are made (an engine that answers many queries), else by each match's ordinal.
pub struct PerDocument {
    pub runs: Option<DocumentRuns>,
    pub ordinals: OrdinalColumns,
    /// (first ordinal, position) of every document, sorted.
    pub starts: Arc<[(u64, usize)]>,
}

/// How the matches of one segment find their document.
enum DocumentOf {
    /// The run each falls in, and the run of the last match: matches come in doc id order.
    Runs {
        runs: Arc<[(Range<DocId>, usize)]>,
        run: usize,
    },
    /// Its ordinal among the documents' first ordinals, and the ordinals [from, to) of the
    /// document of the last match with its position.
    Ordinals {
        ordinals: Arc<dyn tantivy::columnar::ColumnValues<u64>>,
        starts: Arc<[(u64, usize)]>,
        last: (u64, u64, usize),
    },
}

impl DocumentOf {
    /// The catalog position of the document of `doc`.
    fn position(&mut self, doc: DocId) -> Option<usize> {
        match self {
            DocumentOf::Runs { runs, run } => {
                while runs.get(*run).is_some_and(|(docs, _)| docs.end <= doc) {
                    *run += 1;
                }
                runs.get(*run)
                    .filter(|(docs, _)| docs.contains(&doc))
                    .map(|&(_, position)| position)
            }
            DocumentOf::Ordinals { ordinals, .. } => {
                let ordinal = ordinals.get_val(doc);
                self.position_of_ordinal(ordinal)
            }
        }
    }

    /// The catalog position of the document of the passage at `ordinal` (ordinals only).
    fn position_of_ordinal(&mut self, ordinal: u64) -> Option<usize> {
        let DocumentOf::Ordinals { starts, last, .. } = self else {
            return None;
        };
        let (from, to, position) = *last;
        if (from..to).contains(&ordinal) {
            return Some(position);
        }
        let at = starts.partition_point(|&(first, _)| first <= ordinal);
        let &(first, position) = starts.get(at.checked_sub(1)?)?;
        let next = starts.get(at).map_or(u64::MAX, |&(start, _)| start);
        *last = (first, next, position);
        Some(position)
    }
}

/// [`PerDocument`] in one segment.
pub struct SegmentPerDocument {
    document_of: DocumentOf,
    /// (position, matches) of each document in the order its matches came: matches come in doc
    /// id order, so a document's are together, and a rare term touches a few entries rather than
    /// a count for every document of the catalog.
    counts: Vec<(usize, usize)>,
}

impl SegmentPerDocument {
    fn count(&mut self, position: usize) {
        match self.counts.last_mut() {
            Some((last, count)) if *last == position => *count += 1,
            _ => self.counts.push((position, 1)),
        }
    }
}

impl Collector for PerDocument {
    type Fruit = Vec<usize>;
    type Child = SegmentPerDocument;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPerDocument> {
        let document_of = match &self.runs {
            Some(runs) => DocumentOf::Runs {
                runs: Arc::clone(&runs[segment as usize]),
                run: 0,
            },
            None => DocumentOf::Ordinals {
                ordinals: ordinal_column(&self.ordinals, segment)?,
                starts: Arc::clone(&self.starts),
                last: (0, 0, 0),
            },
        };
        Ok(SegmentPerDocument {
            document_of,
            counts: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(usize, usize)>>) -> tantivy::Result<Vec<usize>> {
        let mut total = vec![0; self.starts.len()];
        for (position, count) in fruits.into_iter().flatten() {
            total[position] += count;
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentPerDocument {
    type Fruit = Vec<(usize, usize)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(position) = self.document_of.position(doc) {
            self.count(position);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let DocumentOf::Ordinals { ordinals, .. } = &self.document_of else {
            for &doc in docs {
                self.collect(doc, 0.0);
            }
            return;
        };
        // The ordinals of a block of matches read at once, then found among the documents.
        let mut block = [0u64; tantivy::COLLECT_BLOCK_BUFFER_LEN];
        let block = &mut block[..docs.len()];
        ordinals.get_vals(docs, block);
        for &ordinal in block.iter() {
            if let Some(position) = self.document_of.position_of_ordinal(ordinal) {
                self.count(position);
            }
        }
    }

    fn harvest(self) -> Vec<(usize, usize)> {
        self.counts
    }
}

impl Engine {
    /// The facets of a search whose matches per document are `per_document`; `documents` are
    /// the documents it searched, and `query` its matching query (for the sections of one).
    pub(super) fn facets(
        &self,
        searcher: &Searcher,
        per_document: &[usize],
        documents: &[usize],
        query: &dyn Query,
    ) -> Result<Facets> {
        let mut years: std::collections::BTreeMap<u32, usize> = Default::default();
        let mut issuers: std::collections::HashMap<&str, usize> = Default::default();
        for (position, &count) in per_document.iter().enumerate() {
            if count == 0 {
                continue;
            }
            if let Some(year) = self.catalog.year(position) {
                *years.entry(year).or_default() += count;
            }
            if let Some(issuer) = self.catalog.issuer(position) {
                *issuers.entry(issuer).or_default() += count;
            }
        }
        let mut issuers: Vec<FacetCount<String>> = issuers
            .into_iter()
            .map(|(value, count)| FacetCount {
                value: value.to_string(),
                count,
            })
            .collect();
        issuers.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        issuers.truncate(TOP_ISSUERS);
        let sections = match documents {
            [one] => self.top_section_counts(searcher, self.catalog.document(*one)?, query)?,
            _ => Vec::new(),
        };
        Ok(Facets {
            years: years
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect(),
            issuers,
            sections,
        })
    }

    /// The matches of `query` in `document` by its top sections, in outline order.
    fn top_section_counts(
        &self,
        searcher: &Searcher,
        document: &CatalogDocument,
        query: &dyn Query,
    ) -> Result<Vec<SectionCount>> {
        let mut counts = vec![0usize; document.sections.len()];
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let range = document.ordinals();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let ordinals = &self.ordinals[segment_ord];
            for doc in live_matches(weight.scorer(segment, 1.0)?, segment) {
                let ordinal = ordinals.get_val(doc);
                if !range.contains(&ordinal) {
                    continue;
                }
                let passage = (ordinal - range.start) as usize;
                if let Some(top) = document.heading_path(passage).last() {
                    counts[top] += 1;
                }
            }
        }
        Ok(document
            .sections
            .iter()
            .zip(counts)
            .filter(|(section, _)| section.parent.is_none())
            .map(|(section, count)| SectionCount {
                citation: section.citation.clone(),
                label: section.label(),
                count,
            })
            .collect())
    }
}
