//! Term trends: how often each term occurs per year, issuer or document (or issuer and year, the
//! panel of attention studies), with the characters of each bucket and the rate per 10,000 of
//! them, and where each term first and last appears. Every count is exact (see
//! [`super::counting`]) and every appearance cites its passage.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::counting::{Occurrence, Place};
use super::engine::Engine;
use super::filters::{named_sections, select_documents, Filters};
use super::query::normalize_term;
use crate::error::{Error, Result};
use crate::indexer::Catalog;

/// Most terms one trend counts.
pub const MAX_TERMS: usize = 100;

/// What trend rows are grouped by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum BucketBy {
    Year,
    Issuer,
    Doc,
}

impl BucketBy {
    fn name(self) -> &'static str {
        match self {
            BucketBy::Year => "year",
            BucketBy::Issuer => "issuer",
            BucketBy::Doc => "doc",
        }
    }

    /// Parses `year`, `issuer,year`, …: the keys of a bucket, in order.
    pub fn parse_list(text: &str) -> Result<Vec<BucketBy>> {
        let mut keys = Vec::new();
        for part in text.split(',').map(str::trim) {
            let key = match part {
                "year" => BucketBy::Year,
                "issuer" => BucketBy::Issuer,
                "doc" => BucketBy::Doc,
                _ => {
                    return Err(Error::BadArgument(format!(
                    "bad --by {text:?}: write year, issuer, doc or several of them (issuer,year)"
                )))
                }
            };
            if keys.contains(&key) {
                return Err(Error::BadArgument(format!(
                    "--by {text:?} names {part} twice"
                )));
            }
            keys.push(key);
        }
        Ok(keys)
    }
}

/// One value of a bucket key: a year, an issuer or a document id; `None` when a document has no
/// year or issuer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyValue {
    Year(Option<u32>),
    Text(Option<String>),
}

/// The values of a bucket, one per key of [`Trend::by`]; serialised as `{"year": 2024, …}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bucket(pub Vec<(BucketBy, KeyValue)>);

impl Bucket {
    /// The bucket of the document at `position` in `catalog`.
    fn of(catalog: &Catalog, position: usize, by: &[BucketBy]) -> Bucket {
        Bucket(
            by.iter()
                .map(|&key| {
                    let value = match key {
                        // Documents without a year sort after every year.
                        BucketBy::Year => KeyValue::Year(catalog.year(position)),
                        BucketBy::Issuer => {
                            KeyValue::Text(catalog.issuer(position).map(str::to_string))
                        }
                        BucketBy::Doc => KeyValue::Text(Some(catalog.id(position).to_string())),
                    };
                    (key, value)
                })
                .collect(),
        )
    }

    /// The bucket's values as text, `-` where absent: for tables.
    pub fn labels(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(_, value)| match value {
                KeyValue::Year(year) => year.map_or("-".to_string(), |y| y.to_string()),
                KeyValue::Text(text) => text.clone().unwrap_or_else(|| "-".to_string()),
            })
            .collect()
    }

    /// The year of the bucket, if it is keyed by year.
    pub fn year(&self) -> Option<u32> {
        self.0.iter().find_map(|(_, value)| match value {
            KeyValue::Year(year) => *year,
            KeyValue::Text(_) => None,
        })
    }
}

impl Serialize for Bucket {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            match value {
                KeyValue::Year(year) => map.serialize_entry(key.name(), year)?,
                KeyValue::Text(text) => map.serialize_entry(key.name(), text)?,
            }
        }
        map.end()
    }
}

/// One term in one bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TermCount {
    /// Verbatim occurrences in passage texts and heading titles.
    pub occurrences: u64,
    /// Passages whose text holds it.
    pub passages: u64,
    /// Documents that hold it, in a passage or a heading.
    pub documents: u64,
    /// Occurrences per 10,000 characters of the bucket.
    pub per_10k: f64,
}

/// One bucket's characters and counts.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub bucket: Bucket,
    /// Characters of the bucket's passages and headings (white space left out).
    pub chars: u64,
    /// By term.
    pub counts: BTreeMap<String, TermCount>,
}

/// Where a term first or last appears.
#[derive(Debug, Clone, Serialize)]
pub struct Appearance {
    pub bucket: Bucket,
    /// The passage (or, for a heading, the section) it appears in.
    pub citation: String,
}

/// The answer to a [`TrendRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub terms: Vec<String>,
    pub by: Vec<BucketBy>,
    pub rows: Vec<TrendRow>,
    /// By term; a term found nowhere has none.
    pub first: BTreeMap<String, Appearance>,
    pub last: BTreeMap<String, Appearance>,
    pub took_ms: f64,
    /// Tables show rates per 10,000 characters instead of occurrences.
    #[serde(skip)]
    pub show_rates: bool,
}

/// Terms to count, in what, grouped how: checked when made.
#[derive(Debug, Clone)]
pub struct TrendRequest {
    terms: Vec<String>,
    pub filters: Filters,
    by: Vec<BucketBy>,
}

impl TrendRequest {
    /// Normalises `terms` as search does (duplicates after normalisation count once); `by` is
    /// the bucket keys, year when empty.
    pub fn new(terms: &[String], filters: Filters, by: Vec<BucketBy>) -> Result<TrendRequest> {
        let mut normalized: Vec<String> = Vec::new();
        for term in terms {
            let term = normalize_term(term)?;
            if !normalized.contains(&term) {
                normalized.push(term);
            }
        }
        if normalized.is_empty() {
            return Err(Error::BadArgument(
                "give at least one term to count".to_string(),
            ));
        }
        if normalized.len() > MAX_TERMS {
            return Err(Error::BadArgument(format!(
                "{} terms: at most {MAX_TERMS} are counted at once",
                normalized.len()
            )));
        }
        Ok(TrendRequest {
            terms: normalized,
            filters,
            by: if by.is_empty() {
                vec![BucketBy::Year]
            } else {
                by
            },
        })
    }

    /// The terms, normalised.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// Reads a dictionary of terms: one a line; blank lines and `#` comments are skipped.
pub fn read_terms(path: &std::path::Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read the terms file {}", path.display()), e))?;
    let terms: Vec<String> = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect();
    if terms.is_empty() {
        return Err(Error::BadArgument(format!(
            "the terms file {} holds no term (one a line; # starts a comment)",
            path.display()
        )));
    }
    Ok(terms)
}

impl Engine {
    /// Counts every term of `request` per bucket, with first and last appearances.
    pub fn trend(&self, request: &TrendRequest) -> Result<Trend> {
        let started = Instant::now();
        let documents = select_documents(&self.catalog, &request.filters)?;
        let chars_of = self.selected_chars(&documents, &request.filters)?;
        // Each selected document's bucket; the buckets sorted by their values.
        let mut buckets: Vec<Bucket> = documents
            .iter()
            .map(|&position| Bucket::of(&self.catalog, position, &request.by))
            .collect();
        buckets.sort();
        buckets.dedup();
        let mut bucket_of = vec![usize::MAX; self.catalog.len()];
        let mut rows: Vec<TrendRow> = buckets
            .into_iter()
            .map(|bucket| TrendRow {
                bucket,
                chars: 0,
                counts: BTreeMap::new(),
            })
            .collect();
        for (&position, chars) in documents.iter().zip(&chars_of) {
            let bucket = Bucket::of(&self.catalog, position, &request.by);
            let row = rows
                .binary_search_by(|row| row.bucket.cmp(&bucket))
                .unwrap_or_default();
            bucket_of[position] = row;
            rows[row].chars += chars;
        }

        let mut first = BTreeMap::new();
        let mut last = BTreeMap::new();
        for term in &request.terms {
            let occurrences = self.occurrences(term, &request.filters)?;
            let mut counts = vec![TermCount::default(); rows.len()];
            let mut seen: HashSet<usize> = HashSet::new();
            for occurrence in &occurrences {
                let Some(&row) = bucket_of.get(occurrence.document) else {
                    continue;
                };
                if row == usize::MAX {
                    continue;
                }
                let count = &mut counts[row];
                count.occurrences += u64::from(occurrence.count);
                count.passages += u64::from(matches!(occurrence.place, Place::Passage(_)));
                if seen.insert(occurrence.document) {
                    count.documents += 1;
                }
            }
            for (row, mut count) in rows.iter_mut().zip(counts) {
                count.per_10k = per_10k(count.occurrences, row.chars);
                row.counts.insert(term.clone(), count);
            }
            // Document order within a year: the catalog's ordinals; no year sorts last.
            let order = |occurrence: &&Occurrence| {
                let year = self.catalog.year(occurrence.document);
                (
                    year.is_none(),
                    year,
                    occurrence.ordinal,
                    matches!(occurrence.place, Place::Passage(_)),
                )
            };
            if let Some(earliest) = occurrences.iter().min_by_key(order) {
                first.insert(term.clone(), self.appearance(earliest, &rows, &bucket_of)?);
            }
            if let Some(latest) = occurrences.iter().max_by_key(order) {
                last.insert(term.clone(), self.appearance(latest, &rows, &bucket_of)?);
            }
        }
        Ok(Trend {
            terms: request.terms.clone(),
            by: request.by.clone(),
            rows,
            first,
            last,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0,
            show_rates: false,
        })
    }

    /// The characters of each of `documents` that `filters` select: whole documents, or with a
    /// section filter the named sections (those inside another named one counted once).
    fn selected_chars(&self, documents: &[usize], filters: &Filters) -> Result<Vec<u64>> {
        let Some(spec) = &filters.section else {
            return Ok(documents.iter().map(|&p| self.catalog.chars(p)).collect());
        };
        let documents = self.catalog.documents_at(documents)?;
        Ok(named_sections(spec, &documents)?
            .iter()
            .zip(documents)
            .map(|(indices, document)| indices.iter().map(|&i| document.sections[i].chars).sum())
            .collect())
    }

    /// The bucket and citation of an occurrence.
    fn appearance(
        &self,
        occurrence: &Occurrence,
        rows: &[TrendRow],
        bucket_of: &[usize],
    ) -> Result<Appearance> {
        let document = self.catalog.document(occurrence.document)?;
        let citation = match occurrence.place {
            Place::Heading(section) => document.sections[section].citation.clone(),
            Place::Passage(address) => {
                self.stored_passage(&self.searcher().doc(address)?)?
                    .citation
            }
        };
        Ok(Appearance {
            bucket: rows[bucket_of[occurrence.document]].bucket.clone(),
            citation,
        })
    }
}

/// Occurrences per 10,000 characters, to four decimals; 0 without characters.
fn per_10k(occurrences: u64, chars: u64) -> f64 {
    if chars == 0 {
        return 0.0;
    }
    (occurrences as f64 * 1e4 / chars as f64 * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_keys_parse_in_order_and_once() {
        assert_eq!(
            BucketBy::parse_list("issuer,year").unwrap(),
            [BucketBy::Issuer, BucketBy::Year]
        );
        assert!(BucketBy::parse_list("year,year").is_err());
        assert!(BucketBy::parse_list("month").is_err());
    }

    #[test]
    fn rates_are_per_ten_thousand_characters() {
        assert_eq!(per_10k(3, 30_000), 1.0);
        assert_eq!(per_10k(1, 3), 3333.3333);
        assert_eq!(per_10k(5, 0), 0.0);
    }
}
