//! Building, swapping and opening the index.
//!
//! An index root (`index/` by default) holds generations: each build writes a new directory
//! `gen-…` and only when the build has fully succeeded does it replace the one-line file `CURRENT`
//! (write to a temporary file, then rename: atomic on POSIX). A build that fails or is killed half
//! way leaves `CURRENT` pointing at the previous, complete generation.

pub mod catalog;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tantivy::{doc, Index, IndexWriter, TantivyDocument};

use crate::analysis::normalize_str;
use crate::analysis::tokenizers::register_tokenizers;
use crate::error::{Error, Result};
use crate::ingest::{self, Document, ReadError, REPORT_EXTENSIONS};
pub use catalog::{Catalog, CatalogDocument, CatalogSection, DocumentOutline, SectionNode};
pub use schema::Fields;

/// Name of the file that names the current generation.
const CURRENT_FILE: &str = "CURRENT";
/// Prefix of generation directories.
const GENERATION_PREFIX: &str = "gen-";
/// Memory budget of the index writer.
const WRITER_MEMORY_BYTES: usize = 200_000_000;

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub documents: usize,
    pub passages: usize,
    /// Files skipped, each with the reason.
    pub skipped: Vec<String>,
    /// Bytes of report text read.
    pub input_bytes: u64,
    pub seconds: f64,
    /// The new generation directory.
    pub generation: PathBuf,
}

/// The directory of the current generation under `root`, if an index was ever built there.
pub fn current_generation(root: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(root.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| root.join(name))
}

/// Opens the current generation under `root`: the only place an index is opened, so the tokenizers
/// are always registered.
pub fn open_index(root: &Path) -> Result<(Index, Fields, Catalog)> {
    let generation = current_generation(root).ok_or_else(|| Error::NoIndex(root.to_path_buf()))?;
    let bad = |reason: String| Error::BadIndex {
        path: root.to_path_buf(),
        reason,
    };
    let index = Index::open_in_dir(&generation).map_err(|e| bad(e.to_string()))?;
    register_tokenizers(&index);
    let fields = Fields::of(&index.schema()).map_err(|e| bad(e.to_string()))?;
    let catalog = Catalog::load(&generation).map_err(|e| bad(format!("catalog: {e}")))?;
    if catalog.format != catalog::FORMAT {
        return Err(bad(
            "the index was written by another version of baogao".to_string()
        ));
    }
    Ok((index, fields, catalog))
}

/// Lists the report files under `paths`: files as given, directories by their `.txt`/`.md` files
/// (recursively, sorted by path so that builds are reproducible).
pub fn collect_report_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        if metadata.is_dir() {
            collect_dir(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn collect_dir(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_dir(&path, files)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads the reports under `paths` and builds a new generation under `root`, then makes it current.
/// Unreadable files (empty, binary, unknown encoding) are skipped and listed in the report.
pub fn build_index(paths: &[PathBuf], root: &Path) -> Result<BuildReport> {
    let started = Instant::now();
    let files = collect_report_files(paths)?;
    let mut documents: Vec<Document> = Vec::new();
    let mut skipped = Vec::new();
    let mut input_bytes = 0;
    for file in &files {
        match ingest::read_document(file) {
            Ok(document) => {
                if let Some(other) = documents.iter().find(|d| d.meta.id == document.meta.id) {
                    return Err(Error::DuplicateDocument {
                        id: document.meta.id,
                        first: other.meta.source.clone(),
                        second: file.clone(),
                    });
                }
                input_bytes += std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
                documents.push(document);
            }
            Err(ReadError::Io { path, source }) => {
                return Err(Error::io(format!("cannot read {}", path.display()), source))
            }
            Err(skip) => skipped.push(skip.to_string()),
        }
    }
    if documents.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::NothingToIndex(names.join(", ")));
    }

    std::fs::create_dir_all(root)
        .map_err(|e| Error::io(format!("cannot create {}", root.display()), e))?;
    let generation = root.join(new_generation_name());
    let built = write_generation(&generation, &documents);
    if let Err(error) = built {
        let _ = std::fs::remove_dir_all(&generation);
        return Err(error);
    }
    let previous = current_generation(root);
    make_current(root, &generation)?;
    remove_old_generations(root, &generation, previous.as_deref());

    Ok(BuildReport {
        documents: documents.len(),
        passages: documents.iter().map(|d| d.outline.passages.len()).sum(),
        skipped,
        input_bytes,
        seconds: started.elapsed().as_secs_f64(),
        generation,
    })
}

fn new_generation_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{GENERATION_PREFIX}{nanos:x}-{}", std::process::id())
}

/// Writes the tantivy index and the catalog of `documents` into the new directory `dir`.
fn write_generation(dir: &Path, documents: &[Document]) -> Result<()> {
    std::fs::create_dir(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(dir, schema)?;
    register_tokenizers(&index);
    // One indexing thread keeps documents in one segment in insertion order, so equal scores
    // fall back to document order.
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
    let mut ordinal = 0u64;
    for document in documents {
        for passage in &document.outline.passages {
            writer.add_document(passage_document(&fields, document, passage, ordinal))?;
            ordinal += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;

    let catalog = Catalog {
        format: catalog::FORMAT,
        documents: documents.iter().map(CatalogDocument::of).collect(),
    };
    catalog
        .save(dir)
        .map_err(|e| Error::io(format!("cannot write the catalog in {}", dir.display()), e))
}

/// The tantivy document of one passage.
fn passage_document(
    fields: &Fields,
    document: &Document,
    passage: &ingest::Passage,
    ordinal: u64,
) -> TantivyDocument {
    let meta = &document.meta;
    let body = normalize_str(&passage.text);
    let mut tantivy_doc = doc!(
        fields.citation => format!("{}:{}", meta.id, passage.locator),
        fields.doc => meta.id.clone(),
        fields.ordinal => ordinal,
        fields.paragraph => passage.paragraph as u64,
        fields.start => passage.start as u64,
        fields.end => passage.end as u64,
        fields.text => passage.text.clone(),
        fields.body_unigrams => body.clone(),
        fields.body_bigrams => body.clone(),
        fields.body_words => body,
    );
    if let Some(year) = meta.year {
        tantivy_doc.add_u64(fields.year, year as u64);
    }
    if let Some(issuer) = &meta.issuer {
        tantivy_doc.add_text(fields.issuer, issuer);
    }
    if let Some(item) = passage.item {
        tantivy_doc.add_u64(fields.item, item as u64);
    }
    for section in document.outline.path_of(passage.section) {
        tantivy_doc.add_text(fields.sections, format!("{}:{}", meta.id, section.locator));
        tantivy_doc.add_text(fields.section_path, section.label());
        let title = normalize_str(&section.title);
        tantivy_doc.add_text(fields.heading_unigrams, &title);
        tantivy_doc.add_text(fields.heading_bigrams, &title);
    }
    tantivy_doc
}

/// Points `CURRENT` at `generation`: write a temporary file, flush it, rename it over the old one.
fn make_current(root: &Path, generation: &Path) -> Result<()> {
    let name = generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = root.join(format!("{CURRENT_FILE}.tmp"));
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(name.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, root.join(CURRENT_FILE))
    };
    write().map_err(|e| {
        Error::io(
            format!("cannot switch {} to the new index", root.display()),
            e,
        )
    })
}

/// Removes generations other than the new one and the one it replaced (a reader may still be
/// using that one), including leftovers of failed builds.
fn remove_old_generations(root: &Path, current: &Path, previous: Option<&Path>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_generation = entry
            .file_name()
            .to_string_lossy()
            .starts_with(GENERATION_PREFIX);
        if is_generation && path != current && Some(path.as_path()) != previous {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Total size in bytes of the files in `dir`.
pub fn directory_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
