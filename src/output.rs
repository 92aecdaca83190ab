//! Machine-readable output, the same for the CLI and the HTTP API: one writer per format (JSON,
//! NDJSON, CSV) over any result that says how it reads as lines and as a table ([`Tabular`]).
//! Text for people is the CLI's own (`cli::text`).

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::indexer::{DocumentOutline, SectionNode};
use crate::search::compare::Comparison;
use crate::search::kwic::{Concordance, KwicLine};
use crate::search::reference::ReferenceStyle;
use crate::search::trend::{Trend, TrendRow};
use crate::search::{CitedText, Hit, SearchResults, Stats, Verified};

/// The byte-order mark that makes Excel on Chinese Windows read a CSV file as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Text for people (coloured on a terminal).
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// One JSON object a line: a hit, a document, an outline.
    Ndjson,
    /// A table with a header row.
    Csv,
    /// A GB/T 7714-2015 reference (`get` only).
    Gbt7714,
    /// A RIS reference for EndNote and Zotero (`get` only).
    Ris,
    /// A CSL-JSON reference (`get` only).
    #[serde(rename = "csl-json")]
    CslJson,
}

impl Format {
    /// The reference style this format asks for, if it is one.
    pub fn reference_style(self) -> Option<ReferenceStyle> {
        match self {
            Format::Gbt7714 => Some(ReferenceStyle::Gbt7714),
            Format::Ris => Some(ReferenceStyle::Ris),
            Format::CslJson => Some(ReferenceStyle::CslJson),
            Format::Text | Format::Json | Format::Ndjson | Format::Csv => None,
        }
    }
}

/// A result that reads as a table (CSV) and as a list of JSON lines (NDJSON).
pub trait Tabular: Serialize {
    /// The header row.
    fn columns(&self) -> Vec<String>;

    /// One row a line of the table, one cell a column.
    fn rows(&self) -> Vec<Vec<String>>;

    /// What NDJSON writes on each line: an item of the result, or the whole result.
    type Line: Serialize;

    /// The objects NDJSON writes, one a line.
    fn lines(&self) -> Vec<&Self::Line>;
}

/// Writes `value` as one pretty-printed JSON document and a line break.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Writes `value` as NDJSON: each of its [`Tabular::lines`] on a line of its own.
pub fn write_ndjson(out: &mut dyn Write, value: &impl Tabular) -> io::Result<()> {
    for line in value.lines() {
        serde_json::to_writer(&mut *out, line)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Writes `value` as CSV (RFC 4180, UTF-8) with a header row, after a byte-order mark if `bom`.
pub fn write_csv<V: Tabular>(out: &mut dyn Write, value: &V, bom: bool) -> io::Result<()> {
    if bom {
        out.write_all(UTF8_BOM)?;
    }
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(value.columns()).map_err(csv_io)?;
    for row in value.rows() {
        writer.write_record(&row).map_err(csv_io)?;
    }
    writer.flush()
}

/// The I/O error inside a CSV writer's error, as it was: converted with `From`, a reader closing
/// the pipe (`baogao kwic … --format csv | head`) would be an error of kind `Other`, reported as
/// a failure instead of the end of the output.
fn csv_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("cannot write CSV: {other:?}")),
    }
}

/// Column names from literals.
fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

/// An optional value as a cell: empty when absent.
fn cell(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl Tabular for SearchResults {
    fn columns(&self) -> Vec<String> {
        names(&[
            "rank", "citation", "doc", "title", "year", "section", "score", "snippet", "text",
        ])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.hits
            .iter()
            .enumerate()
            .map(|(rank, hit)| {
                let passage = &hit.passage;
                vec![
                    (self.offset + rank + 1).to_string(),
                    passage.citation.clone(),
                    passage.doc.clone(),
                    passage.title.clone(),
                    cell(passage.year),
                    passage.section.clone(),
                    hit.score.to_string(),
                    hit.snippet_parts.to_text("", ""),
                    passage.text.clone(),
                ]
            })
            .collect()
    }

    /// One hit a line.
    type Line = Hit;

    fn lines(&self) -> Vec<&Hit> {
        self.hits.iter().collect()
    }
}

impl Tabular for CitedText {
    type Line = CitedText;

    fn lines(&self) -> Vec<&CitedText> {
        vec![self]
    }

    fn columns(&self) -> Vec<String> {
        names(&[
            "citation", "kind", "doc", "title", "year", "section", "text", "previous", "next",
        ])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let passage = &self.passage;
        vec![vec![
            passage.citation.clone(),
            self.kind.as_str().to_string(),
            passage.doc.clone(),
            passage.title.clone(),
            cell(passage.year),
            passage.section.clone(),
            passage.text.clone(),
            cell(self.previous.as_ref()),
            cell(self.next.as_ref()),
        ]]
    }
}

impl Tabular for Stats {
    type Line = Stats;

    fn lines(&self) -> Vec<&Stats> {
        vec![self]
    }

    fn columns(&self) -> Vec<String> {
        names(&[
            "documents",
            "passages",
            "sections",
            "index_bytes",
            "generation",
        ])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        vec![vec![
            self.documents.to_string(),
            self.passages.to_string(),
            self.sections.to_string(),
            self.index_bytes.to_string(),
            self.generation.display().to_string(),
        ]]
    }
}

/// The documents of `baogao docs` and `/api/docs`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct DocumentList(pub Vec<DocumentOutline>);

impl Tabular for DocumentList {
    fn columns(&self) -> Vec<String> {
        names(&["id", "year", "issuer", "title", "passages", "source"])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|d| {
                vec![
                    d.id.clone(),
                    cell(d.year),
                    cell(d.issuer.as_ref()),
                    d.title.clone(),
                    d.passages.to_string(),
                    d.source.display().to_string(),
                ]
            })
            .collect()
    }

    /// One document a line.
    type Line = DocumentOutline;

    fn lines(&self) -> Vec<&DocumentOutline> {
        self.0.iter().collect()
    }
}

/// The outlines of `baogao sections` and `/api/sections`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Outlines(pub Vec<DocumentOutline>);

impl Tabular for Outlines {
    /// A section a row, in outline order; `depth` 0 is the opening before the first heading.
    fn columns(&self) -> Vec<String> {
        names(&["doc", "citation", "depth", "marker", "title", "passages"])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        fn walk(doc: &str, nodes: &[SectionNode], depth: usize, rows: &mut Vec<Vec<String>>) {
            for node in nodes {
                rows.push(vec![
                    doc.to_string(),
                    node.citation.clone(),
                    depth.to_string(),
                    node.marker.clone(),
                    node.title.clone(),
                    node.passages.to_string(),
                ]);
                walk(doc, &node.children, depth + 1, rows);
            }
        }
        let mut rows = Vec::new();
        for document in &self.0 {
            if document.opening_passages > 0 {
                rows.push(vec![
                    document.id.clone(),
                    format!("{}:0", document.id),
                    "0".to_string(),
                    String::new(),
                    String::new(),
                    document.opening_passages.to_string(),
                ]);
            }
            walk(
                &document.id,
                document.sections.as_deref().unwrap_or_default(),
                1,
                &mut rows,
            );
        }
        rows
    }

    /// One document's outline a line.
    type Line = DocumentOutline;

    fn lines(&self) -> Vec<&DocumentOutline> {
        self.0.iter().collect()
    }
}

impl Tabular for Verified {
    type Line = Verified;

    fn lines(&self) -> Vec<&Verified> {
        vec![self]
    }

    fn columns(&self) -> Vec<String> {
        names(&["generation", "documents", "passages"])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        vec![vec![
            self.generation.display().to_string(),
            self.documents.to_string(),
            self.passages.to_string(),
        ]]
    }
}

impl Tabular for Trend {
    /// A row a bucket: its keys, its characters, then a column a term (occurrences, or the rate
    /// per 10,000 characters when asked for).
    fn columns(&self) -> Vec<String> {
        let keys = self
            .by
            .iter()
            .filter_map(|key| serde_json::to_value(key).ok())
            .filter_map(|key| key.as_str().map(str::to_string));
        keys.chain(std::iter::once("chars".to_string()))
            .chain(self.terms.iter().cloned())
            .collect()
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|row| {
                let counts = self.terms.iter().map(|term| {
                    let count = row.counts.get(term).copied().unwrap_or_default();
                    match self.show_rates {
                        true => count.per_10k.to_string(),
                        false => count.occurrences.to_string(),
                    }
                });
                row.bucket
                    .labels()
                    .into_iter()
                    .chain(std::iter::once(row.chars.to_string()))
                    .chain(counts)
                    .collect()
            })
            .collect()
    }

    /// One bucket a line.
    type Line = TrendRow;

    fn lines(&self) -> Vec<&TrendRow> {
        self.rows.iter().collect()
    }
}

impl Tabular for Concordance {
    fn columns(&self) -> Vec<String> {
        names(&["citation", "left", "match", "right"])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.lines
            .iter()
            .map(|line| {
                vec![
                    line.citation.clone(),
                    line.left.clone(),
                    line.matched.clone(),
                    line.right.clone(),
                ]
            })
            .collect()
    }

    /// One occurrence a line.
    type Line = KwicLine;

    fn lines(&self) -> Vec<&KwicLine> {
        self.lines.iter().collect()
    }
}

impl Tabular for Comparison {
    /// A word a row, with its group: new, gone, rose or fell.
    fn columns(&self) -> Vec<String> {
        names(&[
            "group",
            "word",
            "count_a",
            "count_b",
            "per_10k_a",
            "per_10k_b",
            "keyness",
            "first_time",
            "passages_in_index",
            "citation",
        ])
    }

    fn rows(&self) -> Vec<Vec<String>> {
        self.groups()
            .into_iter()
            .flat_map(|(group, words)| {
                words.iter().map(move |word| {
                    vec![
                        group.to_string(),
                        word.word.clone(),
                        word.count_a.to_string(),
                        word.count_b.to_string(),
                        word.per_10k_a.to_string(),
                        word.per_10k_b.to_string(),
                        word.keyness.to_string(),
                        word.first_time.to_string(),
                        word.passages_in_index
                            .map(|passages| passages.to_string())
                            .unwrap_or_default(),
                        word.citation.clone(),
                    ]
                })
            })
            .collect()
    }

    type Line = Comparison;

    fn lines(&self) -> Vec<&Comparison> {
        vec![self]
    }
}
