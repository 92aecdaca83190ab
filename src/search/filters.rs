//! Search filters: which documents (`--doc`, `--year` as a year or a range, `--issuer`) and which
//! sections (`--section`) a search looks in. A filter that selects nothing is an error that lists
//! what there is, never a silently empty result.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, SegmentReader, Term};

use super::sections::resolve_sections;
use crate::error::{Error, Result};
use crate::indexer::{Catalog, CatalogDocument, ORDINAL_FIELD};

/// Years from `from` to `to`, both included; an open end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// What a search is restricted to.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub doc: Option<String>,
    pub years: Option<YearRange>,
    pub issuer: Option<String>,
    /// A section number or heading words (see [`super::sections`]).
    pub section: Option<String>,
}

/// The documents that `--doc`, `--year` and `--issuer` select (all without them).
pub fn select_documents<'c>(
    catalog: &'c Catalog,
    filters: &Filters,
) -> Result<Vec<&'c CatalogDocument>> {
    let mut documents: Vec<&CatalogDocument> = catalog.documents().iter().collect();
    if let Some(id) = &filters.doc {
        let id = id.trim().to_ascii_lowercase();
        let document = catalog
            .document(&id)
            .ok_or_else(|| Error::UnknownDocument {
                id: id.clone(),
                available: list(catalog.documents().iter().map(|d| d.meta.id.clone())),
            })?;
        documents = vec![document];
    }
    if let Some(issuer) = &filters.issuer {
        if !catalog
            .documents()
            .iter()
            .any(|d| d.meta.issuer.as_deref() == Some(issuer.trim()))
        {
            return Err(Error::BadArgument(format!(
                "no document is issued by {issuer:?}; the issuers are: {}",
                list(
                    catalog
                        .documents()
                        .iter()
                        .filter_map(|d| d.meta.issuer.clone())
                )
            )));
        }
        documents.retain(|d| d.meta.issuer.as_deref() == Some(issuer.trim()));
    }
    if let Some(years) = filters.years {
        if !catalog
            .documents()
            .iter()
            .any(|d| d.meta.year.is_some_and(|y| years.contains(y)))
        {
            return Err(Error::BadArgument(format!(
                "no document is from {years}; the years are: {}",
                list(
                    catalog
                        .documents()
                        .iter()
                        .filter_map(|d| d.meta.year.map(|y| y.to_string()))
                )
            )));
        }
        documents.retain(|d| d.meta.year.is_some_and(|y| years.contains(y)));
    }
    if documents.is_empty() {
        return Err(Error::BadArgument(
            "no document matches --doc, --issuer and --year together; `baogao docs` lists them"
                .to_string(),
        ));
    }
    Ok(documents)
}

/// The tantivy filter for `filters`, if any; scored 0 by the caller.
///
/// Every filter names whole documents or whole sections, and the passages of either are a run of
/// consecutive ordinals, so the catalog turns any combination of filters into ordinal ranges. The
/// filter then only checks the ordinal column of the passages the query terms match.
pub fn filter_query(catalog: &Catalog, filters: &Filters) -> Result<Option<Box<dyn Query>>> {
    let unfiltered = filters.doc.is_none()
        && filters.issuer.is_none()
        && filters.years.is_none()
        && filters.section.is_none();
    if unfiltered {
        return Ok(None);
    }
    let documents = select_documents(catalog, filters)?;
    let mut ranges: Vec<Range<u64>> = match &filters.section {
        Some(spec) => resolve_sections(spec, &documents)?
            .into_iter()
            .map(|(document, section)| document.section_ordinals(section))
            .collect(),
        None => documents.iter().map(|d| d.ordinals()).collect(),
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
    Ok(Some(Box::new(ordinals_in(merged))))
}

/// Matches the passages whose ordinal lies in one of `ranges` (sorted, disjoint).
fn ordinals_in(ranges: Vec<Range<u64>>) -> DocPredicateQuery {
    let ranges = Arc::new(ranges);
    FunctionPredicate::from(move |segment: &SegmentReader| {
        let ordinals = segment.fast_fields().u64(ORDINAL_FIELD)?;
        let ranges = Arc::clone(&ranges);
        Ok(move |doc: DocId| {
            ordinals.first(doc).is_some_and(|ordinal| {
                let after = ranges.partition_point(|range| range.end <= ordinal);
                ranges
                    .get(after)
                    .is_some_and(|range| range.contains(&ordinal))
            })
        })
    })
    .into()
}

/// An exact-match query on a keyword field.
pub fn keyword(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
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
    fn a_range_contains_its_ends() {
        let range = YearRange::parse("2020..2024").unwrap();
        assert!(range.contains(2020) && range.contains(2024) && !range.contains(2025));
        assert!(YearRange::parse("..1990").unwrap().contains(1954));
    }
}
