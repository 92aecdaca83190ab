//! The first phase of ranking: the best passages by BM25 score, equal scores in document order.
//!
//! The index is sorted by ordinal, so within a segment a lower doc id is an earlier passage. Each
//! segment keeps its best passages, the lower doc id winning on equal scores, and the segments'
//! best are merged by (score, ordinal): which passages make the window never depends on how the
//! build spread them over segments. Collected alone, a segment is scored with pruning: blocks of
//! postings whose best score cannot enter the window are skipped (block-max WAND).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::indexer::ORDINAL_FIELD;

/// A candidate of the first phase: its score, its ordinal and its address.
pub type Candidate = (Score, u64, DocAddress);

/// The ordinal column of each segment of a searcher, by segment ordinal.
pub type OrdinalColumns = Arc<[Arc<dyn ColumnValues<u64>>]>;

/// Opens the ordinal column of every segment of `searcher` once, for all the searches on it:
/// opening it is a lookup in the segment's fast field directory, a twentieth of a short query.
pub fn ordinal_columns(searcher: &Searcher) -> tantivy::Result<OrdinalColumns> {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            Ok(segment
                .fast_fields()
                .u64(ORDINAL_FIELD)?
                .first_or_default_col(0))
        })
        .collect()
}

/// The ordinal column of segment `segment` among `ordinals`, for a collector of that segment.
pub fn ordinal_column(
    ordinals: &OrdinalColumns,
    segment: SegmentOrdinal,
) -> tantivy::Result<Arc<dyn ColumnValues<u64>>> {
    ordinals.get(segment as usize).cloned().ok_or_else(|| {
        tantivy::TantivyError::InternalError(format!("no ordinal column for segment {segment}"))
    })
}

/// The doc id ranges of a segment, sorted by ordinal with `column` its ordinals, that hold the
/// passages of each of `ranges` (sorted, disjoint ordinal ranges), with the index of the range in
/// `ranges`; ranges with no passage in the segment are left out. A segment is sorted by ordinal,
/// so each ordinal range is one doc id range there, and each end is searched for from the end
/// before it: the ranges a build spreads over several segments lie close together in each.
pub fn doc_ranges(
    column: &dyn ColumnValues<u64>,
    ranges: &[Range<u64>],
) -> Vec<(usize, Range<DocId>)> {
    if column.num_vals() == 0 {
        return Vec::new();
    }
    let (lowest, highest) = (column.min_value(), column.max_value());
    let from = ranges.partition_point(|range| range.end <= lowest);
    let to = ranges
        .partition_point(|range| range.start <= highest)
        .max(from);
    let mut doc = 0;
    let mut found = Vec::new();
    for (index, range) in ranges.iter().enumerate().take(to).skip(from) {
        let start = first_doc_at_or_after(column, range.start, doc);
        doc = first_doc_at_or_after(column, range.end, start);
        if start < doc {
            found.push((index, start..doc));
        }
    }
    found
}

/// The first doc id from `from` on of a segment sorted by ordinal whose ordinal is `ordinal` or
/// more: steps of doubling length from `from`, then a binary search in the last step.
fn first_doc_at_or_after(column: &dyn ColumnValues<u64>, ordinal: u64, from: DocId) -> DocId {
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

/// Collects the best `limit` passages, equal scores in document order.
pub struct FirstPhase {
    pub limit: usize,
    /// The ordinal columns of the searcher the collector runs on.
    pub ordinals: OrdinalColumns,
}

impl Collector for FirstPhase {
    type Fruit = Vec<Candidate>;
    type Child = SegmentBest;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        _segment: &SegmentReader,
    ) -> tantivy::Result<SegmentBest> {
        Ok(SegmentBest {
            top: TopScores::new(self.limit),
            segment_ord,
            ordinals: ordinal_column(&self.ordinals, segment_ord)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<Vec<Candidate>>) -> tantivy::Result<Vec<Candidate>> {
        let mut candidates: Vec<Candidate> = segments.into_iter().flatten().collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.truncate(self.limit);
        Ok(candidates)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Vec<Candidate>> {
        let mut best = self.for_segment(segment_ord, segment)?;
        let alive = segment.alive_bitset();
        weight.for_each_pruning(Score::MIN, segment, &mut |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                best.top.push(doc, score);
            }
            best.top.threshold()
        })?;
        Ok(best.harvest())
    }
}

/// A passage in the heap: a higher score is better, and on equal scores the lower doc id.
#[derive(Clone, Copy)]
struct Ranked {
    score: Score,
    doc: DocId,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.doc.cmp(&self.doc))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// The best `limit` docs seen so far: a min-heap, so that the worst is the one replaced.
struct TopScores {
    heap: BinaryHeap<Reverse<Ranked>>,
    limit: usize,
}

impl TopScores {
    fn new(limit: usize) -> TopScores {
        TopScores {
            heap: BinaryHeap::with_capacity(limit),
            limit,
        }
    }

    /// Docs must arrive in increasing order: an equal score loses to the earlier doc already in.
    fn push(&mut self, doc: DocId, score: Score) {
        let ranked = Ranked { score, doc };
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(ranked));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if score > worst.0.score {
                *worst = Reverse(ranked);
            }
        }
    }

    /// The score a doc must exceed to enter.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse(worst)) if self.heap.len() >= self.limit => worst.score,
            _ => Score::MIN,
        }
    }
}

/// The best passages of one segment, with the ordinal column that merging them needs.
pub struct SegmentBest {
    top: TopScores,
    segment_ord: SegmentOrdinal,
    ordinals: Arc<dyn ColumnValues<u64>>,
}

impl SegmentCollector for SegmentBest {
    type Fruit = Vec<Candidate>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.top.push(doc, score);
    }

    fn harvest(self) -> Vec<Candidate> {
        let segment_ord = self.segment_ord;
        self.top
            .heap
            .into_iter()
            .map(|Reverse(ranked)| {
                (
                    ranked.score,
                    self.ordinals.get_val(ranked.doc),
                    DocAddress::new(segment_ord, ranked.doc),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(top: TopScores) -> Vec<DocId> {
        let mut docs: Vec<DocId> = top.heap.into_iter().map(|Reverse(r)| r.doc).collect();
        docs.sort();
        docs
    }

    #[test]
    fn equal_scores_keep_the_earlier_docs() {
        let mut top = TopScores::new(2);
        for (doc, score) in [(0, 1.0), (1, 2.0), (2, 1.0), (3, 2.0), (4, 2.0)] {
            top.push(doc, score);
        }
        assert_eq!(kept(top), vec![1, 3]);
    }

    #[test]
    fn the_threshold_is_the_worst_score_once_full() {
        let mut top = TopScores::new(2);
        top.push(0, 3.0);
        assert_eq!(top.threshold(), Score::MIN);
        top.push(1, 1.0);
        assert_eq!(top.threshold(), 1.0);
        top.push(2, 2.0);
        assert_eq!(top.threshold(), 2.0);
        assert_eq!(kept(top), vec![0, 2]);
    }
}
