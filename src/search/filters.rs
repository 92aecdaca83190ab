//! Search filters: which documents (`--doc`, `--year` as a year or a range, `--issuer`) and which
//! sections (`--section`) a search looks in. A filter that selects nothing is an error that lists
//! what there is, never a silently empty result.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tantivy::index::SegmentId;
use tantivy::query::doc_predicate_query::{
    ConstOrVariableSegmentPredicate, DocPredicate, DocPredicateQuery, SegmentDocPredicate,
};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, SegmentReader, Term, TERMINATED};

use super::first_phase::doc_ranges;
use super::sections::resolve_sections;
use crate::error::{Error, Result};
use crate::indexer::{Catalog, CatalogDocument, DocumentOutline, ORDINAL_FIELD};

/// Years from `from` to `to`, both included; an open end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct YearRange {
    pub from: Option<u32>,
    pub to: Option<u32>,
}

impl YearRange {
    /// Parses `2024`, `2020..2024`, `2020..` or `..2024`.
    pub fn parse(text: &str) -> Result<YearRange> {
        let bad = || {
            Error::BadArgument(format!(
                "bad year {text:?}: write a year (2024) or a range (2020..2024, 2020.., ..2024)"
            ))
        };
        let year = |part: &str| -> Result<Option<u32>> {
            let part = part.trim();
            if part.is_empty() {
                return Ok(None);
            }
            part.parse().map(Some).map_err(|_| bad())
        };
        let range = match text.trim().split_once("..") {
            Some((from, to)) => YearRange {
                from: year(from)?,
                to: year(to)?,
            },
            None => {
                let single = year(text)?.ok_or_else(bad)?;
                YearRange {
                    from: Some(single),
                    to: Some(single),
                }
            }
        };
        match (range.from, range.to) {
            (None, None) => Err(bad()),
            (Some(from), Some(to)) if from > to => Err(bad()),
            _ => Ok(range),
        }
    }

    /// True if `year` is in the range.
    pub fn contains(&self, year: u32) -> bool {
        self.from.is_none_or(|from| year >= from) && self.to.is_none_or(|to| year <= to)
    }
}

impl FromStr for YearRange {
    type Err = Error;

    fn from_str(text: &str) -> Result<YearRange> {
        YearRange::parse(text)
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from == to => write!(f, "{from}"),
            (from, to) => write!(
                f,
                "{}..{}",
                from.map(|y| y.to_string()).unwrap_or_default(),
                to.map(|y| y.to_string()).unwrap_or_default()
            ),
        }
    }
}

impl Serialize for YearRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What a search (or any question over passages) is restricted to: the one place a filter is
/// declared. It is clap arguments (flattened into every command that filters), HTTP query
/// parameters (flattened into every parameter struct; empty values count as absent, as a form
/// sends `section=` for "all sections") and, serialised, the query pairs of a link that keeps
/// them. A new filter is a field here and its matching code in [`select_documents`] or
/// [`filter_ranges`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, clap::Args, Serialize, Deserialize)]
pub struct Filters {
    /// A section number (三, (三), 3, 3.2), a citation or words of a heading title.
    #[arg(long, short)]
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub section: Option<String>,
    /// Only this document (its id, as in citations).
    #[arg(long, short)]
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub doc: Option<String>,
    /// Only documents of this year or range of years (2024, 2020..2024, 2020.., ..2024).
    #[arg(long = "year", short)]
    #[serde(
        rename = "year",
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub years: Option<YearRange>,
    /// Only documents of this issuer (国务院, 东营市, …).
    #[arg(long, short)]
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub issuer: Option<String>,
}

impl Filters {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// The filters as query-string pairs (`("year", "2020..2024")`), for links that keep them.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(pairs)) => pairs
                .into_iter()
                .filter_map(|(name, value)| Some((name, value.as_str()?.to_string())))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Reads an optional parameter: absent or blank is `None`, anything else must parse as `T`.
fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    let value: Option<String> = Option::deserialize(deserializer)?;
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// The positions in the catalog of the documents that `--doc`, `--year` and `--issuer` select
/// (all without them), in index order. Only the catalog's table is read: no document's outline.
pub fn select_documents(catalog: &Catalog, filters: &Filters) -> Result<Vec<usize>> {
    let all = || 0..catalog.len();
    let mut documents: Vec<usize> = all().collect();
    if let Some(id) = &filters.doc {
        let id = id.trim().to_ascii_lowercase();
        let position = catalog
            .position(&id)
            .ok_or_else(|| unknown_document(catalog, &id))?;
        documents = vec![position];
    }
    if let Some(issuer) = &filters.issuer {
        let issuer = issuer.trim();
        if !all().any(|p| catalog.issuer(p) == Some(issuer)) {
            return Err(Error::BadArgument(format!(
                "no document is issued by {issuer:?}; the issuers are: {}",
                list(all().filter_map(|p| catalog.issuer(p).map(str::to_string)))
            )));
        }
        documents.retain(|&p| catalog.issuer(p) == Some(issuer));
    }
    if let Some(years) = filters.years {
        let selected = |p: usize| catalog.year(p).is_some_and(|y| years.contains(y));
        if !all().any(selected) {
            return Err(Error::BadArgument(format!(
                "no document is from {years}; the years are: {}",
                list(all().filter_map(|p| catalog.year(p).map(|y| y.to_string())))
            )));
        }
        documents.retain(|&p| selected(p));
    }
    if documents.is_empty() {
        let filters: Vec<String> = filters
            .query_pairs()
            .into_iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        return Err(Error::BadArgument(format!(
            "no document matches all of {} together; `baogao docs` lists them",
            filters.join(", ")
        )));
    }
    Ok(documents)
}

/// The outlines of the documents that `filters` select; with a section filter, only the sections
/// it names, each with its subsections.
pub fn select_outlines(catalog: &Catalog, filters: &Filters) -> Result<Vec<DocumentOutline>> {
    let documents = catalog.documents_at(&select_documents(catalog, filters)?)?;
    let Some(spec) = &filters.section else {
        return Ok(documents.into_iter().map(DocumentOutline::of).collect());
    };
    let named = named_sections(spec, &documents)?;
    Ok(documents
        .iter()
        .zip(named)
        .filter(|(_, indices)| !indices.is_empty())
        .map(|(document, indices)| DocumentOutline::of_sections(document, &indices))
        .collect())
}

/// For each of `documents`, the sections that the section filter `spec` names, outermost only (a
/// section inside another named one is part of it), by their index in the document's outline.
pub fn named_sections(spec: &str, documents: &[&CatalogDocument]) -> Result<Vec<Vec<usize>>> {
    let named = resolve_sections(spec, documents)?;
    Ok(documents
        .iter()
        .map(|&document| {
            let indices: Vec<usize> = named
                .iter()
                .filter(|(owner, _)| std::ptr::eq(*owner, document))
                .filter_map(|(_, section)| document.index_of(section))
                .collect();
            indices
                .iter()
                .copied()
                .filter(|&index| {
                    !document
                        .ancestors(index)
                        .skip(1)
                        .any(|ancestor| indices.contains(&ancestor))
                })
                .collect()
        })
        .collect())
}

/// The ordinal ranges of the passages that `filters` select (sorted, disjoint), or `None`
/// without filters.
///
/// Every filter names whole documents or whole sections, and the passages of either are a run of
/// consecutive ordinals, so the catalog turns any combination of filters into ordinal ranges. The
/// filter query ([`passages_in`]) turns them into doc id ranges in each segment.
pub fn filter_ranges(catalog: &Catalog, filters: &Filters) -> Result<Option<Vec<Range<u64>>>> {
    if filters.is_empty() {
        return Ok(None);
    }
    let documents = select_documents(catalog, filters)?;
    let mut ranges: Vec<Range<u64>> = match &filters.section {
        Some(spec) => resolve_sections(spec, &catalog.documents_at(&documents)?)?
            .into_iter()
            .map(|(document, section)| document.section_ordinals(section))
            .collect(),
        None => documents.iter().map(|&p| catalog.ordinals(p)).collect(),
    };
    ranges.sort_by_key(|range| range.start);
    // A filter may name a section and one of its subsections: merge overlapping runs.
    let mut merged: Vec<Range<u64>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    Ok(Some(merged))
}

/// The passages a filter selects: their ordinal ranges, and in each segment the doc id ranges
/// that hold them, found on first use and kept with the filter.
#[derive(Debug)]
pub struct SelectedPassages {
    ordinals: Vec<Range<u64>>,
    docs: Mutex<HashMap<SegmentId, Arc<[Range<DocId>]>>>,
}

impl SelectedPassages {
    /// The passages at `ordinals` (sorted, disjoint ranges).
    pub fn new(ordinals: Vec<Range<u64>>) -> SelectedPassages {
        SelectedPassages {
            ordinals,
            docs: Mutex::new(HashMap::new()),
        }
    }

    /// The doc id ranges of `segment` that hold the selected passages (see [`doc_ranges`]).
    fn doc_ranges(&self, segment: &SegmentReader) -> tantivy::Result<Arc<[Range<DocId>]>> {
        let id = segment.segment_id();
        if let Some(docs) = self
            .docs
            .lock()
            .ok()
            .and_then(|docs| docs.get(&id).cloned())
        {
            return Ok(docs);
        }
        let column = segment
            .fast_fields()
            .u64(ORDINAL_FIELD)?
            .first_or_default_col(0);
        let docs: Arc<[Range<DocId>]> = doc_ranges(&*column, &self.ordinals)
            .into_iter()
            .map(|(_, docs)| docs)
            .collect();
        if let Ok(mut kept) = self.docs.lock() {
            kept.insert(id, Arc::clone(&docs));
        }
        Ok(docs)
    }
}

/// Matches the passages `selected`: in each segment, the doc ids of its ranges, which the other
/// clauses of a query seek into rather than checking a filter on each of their candidates. A
/// frequent phrase under a year or section filter then checks the positions of the filtered
/// passages only.
pub fn passages_in(selected: Arc<SelectedPassages>) -> DocPredicateQuery {
    InSelected { selected }.into()
}

/// The [`DocPredicate`] of [`passages_in`].
#[derive(Debug)]
struct InSelected {
    selected: Arc<SelectedPassages>,
}

impl DocPredicate for InSelected {
    type SegmentDocPredicate = Selected;

    fn doc_predicate(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<ConstOrVariableSegmentPredicate<Selected>> {
        let ranges = self.selected.doc_ranges(segment)?;
        if ranges.is_empty() {
            return Ok(ConstOrVariableSegmentPredicate::Const(false));
        }
        Ok(ConstOrVariableSegmentPredicate::Variable {
            predicate: Selected,
            necessary_condition: Box::new(DocRanges::new(ranges)),
        })
    }
}

/// Every doc of the [`DocRanges`] is selected: nothing is left to check.
struct Selected;

impl SegmentDocPredicate for Selected {
    fn eval(&mut self, _doc: DocId) -> bool {
        true
    }

    fn cost(&self) -> u64 {
        1
    }
}

/// The doc ids of sorted, disjoint, non-empty ranges.
struct DocRanges {
    ranges: Arc<[Range<DocId>]>,
    /// The range of the current doc.
    at: usize,
    doc: DocId,
    size: u32,
}

impl DocRanges {
    fn new(ranges: Arc<[Range<DocId>]>) -> DocRanges {
        DocRanges {
            doc: ranges.first().map_or(TERMINATED, |range| range.start),
            size: ranges.iter().map(|range| range.end - range.start).sum(),
            ranges,
            at: 0,
        }
    }
}

impl DocSet for DocRanges {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc += 1;
        if self
            .ranges
            .get(self.at)
            .is_none_or(|range| self.doc >= range.end)
        {
            self.at += 1;
            self.doc = self
                .ranges
                .get(self.at)
                .map_or(TERMINATED, |range| range.start);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.at += self.ranges[self.at..].partition_point(|range| range.end <= target);
        self.doc = self
            .ranges
            .get(self.at)
            .map_or(TERMINATED, |range| range.start.max(target));
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.size
    }
}

/// An exact-match query on a keyword field.
pub fn keyword(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Ids listed at most when a document id names no document.
const SIMILAR_SHOWN: usize = 10;

/// The error for `id`, which names no document: the ids that share most of its parts (year,
/// issuer, kind), or every id of an index that small, or where they are listed.
pub fn unknown_document(catalog: &Catalog, id: &str) -> Error {
    let ids = || (0..catalog.len()).map(|position| catalog.id(position));
    let pieces: Vec<&str> = id.split(['-', ':']).filter(|p| !p.is_empty()).collect();
    let shared = |candidate: &str| pieces.iter().filter(|p| candidate.contains(**p)).count();
    let mut similar: Vec<&str> = ids().filter(|candidate| shared(candidate) > 0).collect();
    similar.sort_by_key(|candidate| std::cmp::Reverse(shared(candidate)));
    similar.truncate(SIMILAR_SHOWN);
    let available = if !similar.is_empty() {
        format!("similar ones are {}", similar.join(", "))
    } else if catalog.len() <= SIMILAR_SHOWN {
        format!("the documents are {}", list(ids().map(str::to_string)))
    } else {
        "none is similar; `baogao docs` lists them".to_string()
    };
    Error::UnknownDocument {
        id: id.to_string(),
        available,
    }
}

/// Distinct values, sorted, comma-separated.
fn list(values: impl Iterator<Item = String>) -> String {
    let mut values: Vec<String> = values.collect();
    values.sort();
    values.dedup();
    values.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ranges_advance_through_and_seek_into_their_ranges() {
        let ranges: Arc<[Range<DocId>]> = Arc::from(vec![2..4, 7..8, 10..13]);
        let mut docs = DocRanges::new(Arc::clone(&ranges));
        assert_eq!(docs.size_hint(), 6);
        let mut all = vec![docs.doc()];
        while docs.advance() != TERMINATED {
            all.push(docs.doc());
        }
        assert_eq!(all, [2, 3, 7, 10, 11, 12]);
        assert_eq!(
            docs.advance(),
            TERMINATED,
            "advancing past the end stays there"
        );

        let mut docs = DocRanges::new(Arc::clone(&ranges));
        assert_eq!(docs.seek(2), 2, "a seek to the current doc stays");
        assert_eq!(docs.seek(5), 7, "a seek into a gap lands on the next range");
        assert_eq!(
            docs.seek(11),
            11,
            "a seek inside a range lands on its target"
        );
        assert_eq!(docs.advance(), 12);
        assert_eq!(docs.seek(13), TERMINATED);
        assert_eq!(docs.seek(20), TERMINATED);

        let mut empty = DocRanges::new(Arc::from(Vec::new()));
        assert_eq!((empty.doc(), empty.advance()), (TERMINATED, TERMINATED));
    }

    #[test]
    fn parses_years_and_ranges() {
        assert_eq!(
            YearRange::parse("2024").unwrap(),
            YearRange {
                from: Some(2024),
                to: Some(2024)
            }
        );
        assert_eq!(
            YearRange::parse("2020..2024").unwrap(),
            YearRange {
                from: Some(2020),
                to: Some(2024)
            }
        );
        assert_eq!(
            YearRange::parse("2020..").unwrap(),
            YearRange {
                from: Some(2020),
                to: None
            }
        );
        assert_eq!(
            YearRange::parse("..1990").unwrap(),
            YearRange {
                from: None,
                to: Some(1990)
            }
        );
        assert_eq!(
            YearRange::parse("2020..2024").unwrap().to_string(),
            "2020..2024"
        );
        for bad in ["", "二〇二四", "2024..2020", "20x4", "..", "2020...2024"] {
            assert!(YearRange::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn filters_read_from_a_query_string_treat_blank_values_as_absent() {
        let filters: Filters = serde_urlencoded::from_str(
            "section=&doc=gxq-2024&year=2020..2024&issuer=+%E5%9B%BD%E5%8A%A1%E9%99%A2+&q=x",
        )
        .unwrap();
        assert_eq!(
            filters,
            Filters {
                doc: Some("gxq-2024".to_string()),
                years: Some(YearRange::parse("2020..2024").unwrap()),
                issuer: Some("国务院".to_string()),
                ..Filters::default()
            }
        );
        assert!(serde_urlencoded::from_str::<Filters>("year=")
            .unwrap()
            .is_empty());
        let error = serde_urlencoded::from_str::<Filters>("year=20x4").unwrap_err();
        assert!(error.to_string().contains("bad year \"20x4\""), "{error}");
    }

    #[test]
    fn filters_write_back_as_the_query_pairs_they_were_read_from() {
        let filters = Filters {
            section: Some("(二)".to_string()),
            years: Some(YearRange::parse("..1990").unwrap()),
            issuer: Some("国务院".to_string()),
            ..Filters::default()
        };
        let pairs = filters.query_pairs();
        assert_eq!(
            pairs,
            [
                ("issuer".to_string(), "国务院".to_string()),
                ("section".to_string(), "(二)".to_string()),
                ("year".to_string(), "..1990".to_string()),
            ]
        );
        let query = serde_urlencoded::to_string(&pairs).unwrap();
        assert_eq!(
            serde_urlencoded::from_str::<Filters>(&query).unwrap(),
            filters
        );
        assert!(Filters::default().query_pairs().is_empty());
    }

    #[test]
    fn a_range_contains_its_ends() {
        let range = YearRange::parse("2020..2024").unwrap();
        assert!(range.contains(2020) && range.contains(2024) && !range.contains(2025));
        assert!(YearRange::parse("..1990").unwrap().contains(1954));
    }
}
