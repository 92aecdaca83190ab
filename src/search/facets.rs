//! Facets: how the matches of a search, all of them and not only the page, fall by year, by
//! issuer and, within one report, by its top sections. The pass that counts the matches counts
//! them per document ([`PerDocument`]); years and issuers add documents up.

use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::engine::{live_matches, Engine};
use super::first_phase::OrdinalColumns;
use crate::error::Result;
use crate::indexer::CatalogDocument;

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

/// Where each document's passages begin in each segment, by segment ordinal: a segment is sorted
/// by ordinal and a document's passages have consecutive ordinals, so in a segment they are a
/// run of consecutive doc ids.
pub type DocumentRuns = Arc<[Arc<[(DocId, usize)]>]>;

/// The runs of every segment: (first doc id, catalog position) of each document with ordinals in
/// the segment's range, sorted. Made once per engine, on the first search that counts per
/// document. Each document's run is searched for from where the one before it begins: the
/// segments of a build interleave documents, so most runs are near the last.
pub fn document_runs(ordinals: &OrdinalColumns, starts: &[(u64, usize)]) -> DocumentRuns {
    ordinals
        .iter()
        .map(|column| {
            if column.num_vals() == 0 {
                return Arc::from(Vec::new());
            }
            let (lowest, highest) = (column.min_value(), column.max_value());
            // Documents that begin after the segment's first ordinal, plus the one it begins in.
            let from = starts
                .partition_point(|&(first, _)| first <= lowest)
                .saturating_sub(1);
            let to = starts.partition_point(|&(first, _)| first <= highest);
            let mut doc = 0;
            let runs: Vec<(DocId, usize)> = starts[from..to]
                .iter()
                .map(|&(first, position)| {
                    doc = first_doc_at_or_after(&**column, first, doc);
                    (doc, position)
                })
                .collect();
            Arc::from(runs)
        })
        .collect()
}

/// The first doc id from `from` on of a segment sorted by ordinal whose ordinal is `ordinal` or
/// more: steps of doubling length from `from`, then a binary search in the last step.
fn first_doc_at_or_after(
    column: &dyn tantivy::columnar::ColumnValues<u64>,
    ordinal: u64,
    from: DocId,
) -> DocId {
    let docs = column.num_vals();
    let below = |doc: DocId| column.get_val(doc) < ordinal;
    if from >= docs || !below(from) {
        return from;
    }
    // `low` is below `ordinal`; find `high` that is not (or the end).
    let (mut low, mut step) = (from, 1);
    let mut high = loop {
        let probe = low.saturating_add(step);
        if probe >= docs {
            break docs;
        }
        if !below(probe) {
            break probe;
        }
        low = probe;
        step = step.saturating_mul(2);
    };
    low += 1;
    while low < high {
        let middle = low + (high - low) / 2;
        if below(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// Counts matches per catalog document, by the document run each match falls in.
pub struct PerDocument {
    pub runs: DocumentRuns,
    /// Documents in the catalog.
    pub documents: usize,
}

/// [`PerDocument`] in one segment.
pub struct SegmentPerDocument {
    runs: Arc<[(DocId, usize)]>,
    counts: Vec<usize>,
    /// The run of the last match: matches come in doc id order.
    run: usize,
}

impl Collector for PerDocument {
    type Fruit = Vec<usize>;
    type Child = SegmentPerDocument;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPerDocument> {
        Ok(SegmentPerDocument {
            runs: Arc::clone(&self.runs[segment as usize]),
            counts: vec![0; self.documents],
            run: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<usize>>) -> tantivy::Result<Vec<usize>> {
        let mut total = vec![0; self.documents];
        for fruit in fruits {
            for (sum, count) in total.iter_mut().zip(fruit) {
                *sum += count;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentPerDocument {
    type Fruit = Vec<usize>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        while self
            .runs
            .get(self.run + 1)
            .is_some_and(|&(first, _)| first <= doc)
        {
            self.run += 1;
        }
        if let Some(&(first, position)) = self.runs.get(self.run) {
            if first <= doc {
                self.counts[position] += 1;
            }
        }
    }

    fn harvest(self) -> Vec<usize> {
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
