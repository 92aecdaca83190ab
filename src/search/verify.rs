//! Checking a whole generation: what `baogao verify` runs, and what the server asks of a new
//! generation before it switches to it. Opening checks the text dictionary and the catalog's
//! table, and each document's details as they are first read; this checks the whole catalog file
//! against its checksum, decodes every document, checks tantivy's checksums of every segment file
//! and reads every passage's text back.

use std::path::PathBuf;

use serde::Serialize;

use super::engine::Engine;
use crate::error::{Error, Result};

/// What a verification found sound.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub generation: PathBuf,
    pub documents: usize,
    pub passages: usize,
}

impl Engine {
    /// Checks every file of the generation and reads every passage; the error names the damaged
    /// files and says how to rebuild.
    pub fn verify(&self) -> Result<Verified> {
        let root = self.generation.parent().unwrap_or(&self.generation);
        let damaged = |reason: String| Error::BadIndex {
            path: root.to_path_buf(),
            reason,
            source: None,
        };
        crate::indexer::verify_catalog(root, &self.generation)?;
        self.catalog.documents()?;
        let searcher = self.reader.searcher();
        let mut failed: Vec<String> = searcher
            .index()
            .validate_checksum()?
            .iter()
            .map(|file| file.display().to_string())
            .collect();
        if !failed.is_empty() {
            failed.sort();
            return Err(damaged(format!(
                "its files {} fail their checksums",
                failed.join(", ")
            )));
        }
        let passages = self.all_passages()?.len();
        let listed = self.catalog.passage_count();
        if passages != listed {
            return Err(damaged(format!(
                "it holds {passages} passages where its catalog lists {listed}"
            )));
        }
        Ok(Verified {
            generation: self.generation.clone(),
            documents: self.catalog.len(),
            passages,
        })
    }
}
