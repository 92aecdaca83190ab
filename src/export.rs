//! Exporting the passages for engines that scale past one machine.
//!
//! `ndjson` writes one JSON object per passage (citation, doc, title, issuer, year, section path,
//! text) in document order. `quickwit` writes the same lines plus an index config for Quickwit,
//! whose `chinese_compatible` tokenizer (one token per CJK character, with positions) keeps the
//! verbatim recall of baogao's n-gram fields; keyword fields stay raw for filters.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::search::Engine;

/// File name of the Quickwit index config, written beside the NDJSON file.
pub const QUICKWIT_CONFIG: &str = "quickwit-index-config.yaml";

/// One exported passage.
#[derive(Debug, Serialize)]
pub struct ExportedPassage<'a> {
    pub citation: &'a str,
    pub doc: &'a str,
    pub title: &'a str,
    pub issuer: Option<&'a str>,
    pub year: Option<u32>,
    pub section_path: &'a [String],
    pub text: &'a str,
}

/// Writes every passage of `engine` as NDJSON to `out`; returns the number written.
pub fn write_ndjson(engine: &Engine, out: &mut dyn Write) -> Result<usize> {
    let passages = engine.all_passages()?;
    let write_error = |e: std::io::Error| Error::io("cannot write the export", e);
    for passage in &passages {
        let catalog = engine.catalog();
        let issuer = catalog
            .position(&passage.doc)
            .and_then(|position| catalog.issuer(position));
        let line = ExportedPassage {
            citation: &passage.citation,
            doc: &passage.doc,
            title: &passage.title,
            issuer,
            year: passage.year,
            section_path: &passage.section_path,
            text: &passage.text,
        };
        serde_json::to_writer(&mut *out, &line).map_err(|e| write_error(e.into()))?;
        out.write_all(b"\n").map_err(write_error)?;
    }
    Ok(passages.len())
}

/// The Quickwit index config for the NDJSON export, as YAML.
pub fn quickwit_config(index_id: &str) -> String {
    format!(
        r#"# Quickwit index config for `baogao export --format quickwit`.
# Create the index and load the passages:
#   quickwit index create --index-config {QUICKWIT_CONFIG}
#   quickwit index ingest --index {index_id} --input-path passages.ndjson
version: 0.7
index_id: {index_id}
doc_mapping:
  mode: strict
  field_mappings:
    - name: citation
      type: text
      tokenizer: raw
      fast: true
    - name: doc
      type: text
      tokenizer: raw
      fast: true
    - name: issuer
      type: text
      tokenizer: raw
      fast: true
    - name: year
      type: u64
      indexed: true
      fast: true
    - name: title
      type: text
      tokenizer: chinese_compatible
      record: position
    - name: section_path
      type: array<text>
      tokenizer: chinese_compatible
      record: position
    - name: text
      type: text
      tokenizer: chinese_compatible
      record: position
      fieldnorms: true
search_settings:
  default_search_fields: [text, section_path, title]
"#
    )
}

/// Where the Quickwit config goes for an export to `out`: the same folder.
pub fn quickwit_config_path(out: &Path) -> PathBuf {
    out.parent().unwrap_or(Path::new(".")).join(QUICKWIT_CONFIG)
}
