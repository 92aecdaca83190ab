//! Search filters: which documents (`--doc`, `--year` as a year or a range, `--issuer`) and which
//! sections (`--section`) a search looks in. A filter that selects nothing is an error that lists
//! what there is, never a silently empty result.

use std::fmt;
use std::ops::Bound;

use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::sections::resolve_sections;
use crate::error::{Error, Result};
use crate::indexer::{Catalog, CatalogDocument, Fields};

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
pub fn filter_query(
    fields: &Fields,
    catalog: &Catalog,
    filters: &Filters,
) -> Result<Option<Box<dyn Query>>> {
    let documents = select_documents(catalog, filters)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if filters.doc.is_some() {
        clauses.push((Occur::Must, keyword(fields.doc, &documents[0].meta.id)));
    }
    if let Some(issuer) = &filters.issuer {
        clauses.push((Occur::Must, keyword(fields.issuer, issuer.trim())));
    }
    if let Some(years) = filters.years {
        let bound = |year: Option<u32>| match year {
            Some(year) => Bound::Included(Term::from_field_u64(fields.year, year as u64)),
            None => Bound::Unbounded,
        };
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(bound(years.from), bound(years.to))),
        ));
    }
    if let Some(spec) = &filters.section {
        let any: Vec<(Occur, Box<dyn Query>)> = resolve_sections(spec, &documents)?
            .iter()
            .map(|s| (Occur::Should, keyword(fields.sections, &s.citation)))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    Ok((!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>))
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
