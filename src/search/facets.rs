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

/// Counts matches per catalog document, found by each match's ordinal.
pub struct PerDocument {
    pub ordinals: OrdinalColumns,
    /// (first ordinal, position) of every document, sorted.
    pub starts: Arc<[(u64, usize)]>,
}

/// [`PerDocument`] in one segment.
pub struct SegmentPerDocument {
    ordinals: Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    starts: Arc<[(u64, usize)]>,
    counts: Vec<usize>,
    /// The ordinals [from, to) of the document of the last match, and its position.
    last: (u64, u64, usize),
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
            ordinals: Arc::clone(&self.ordinals[segment as usize]),
            starts: Arc::clone(&self.starts),
            counts: vec![0; self.starts.len()],
            last: (0, 0, 0),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<usize>>) -> tantivy::Result<Vec<usize>> {
        let mut total = vec![0; self.starts.len()];
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
        let ordinal = self.ordinals.get_val(doc);
        let (from, to, position) = self.last;
        if (from..to).contains(&ordinal) {
            self.counts[position] += 1;
            return;
        }
        // Matches come in ordinal order: a new document is looked up once.
        let at = self.starts.partition_point(|&(first, _)| first <= ordinal);
        let Some(&(first, position)) = at.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return;
        };
        let next = self.starts.get(at).map_or(u64::MAX, |&(start, _)| start);
        self.last = (first, next, position);
        self.counts[position] += 1;
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
