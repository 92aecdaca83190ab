//! Building, swapping and opening the index.
//!
//! An index root (`index/` by default) holds generations: each build writes a new directory
//! `gen-…` and only when the build has fully succeeded does it replace the one-line file `CURRENT`
//! (write to a temporary file, then rename: atomic on POSIX). A build that fails or is killed half
//! way leaves `CURRENT` pointing at the previous, complete generation.

pub mod build;
pub mod catalog;
pub mod schema;
pub mod texts;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::Index;

use crate::analysis::tokenizers::register_tokenizers;
use crate::error::{Error, Result};
use crate::ingest::REPORT_EXTENSIONS;
pub use build::{build_index, BuildReport, Progress};
pub use catalog::{Catalog, CatalogDocument, CatalogSection, DocumentOutline, SectionNode};
pub use schema::{Fields, ORDINAL_FIELD};
pub use texts::TextCodec;

/// Name of the file that names the current generation.
const CURRENT_FILE: &str = "CURRENT";
/// Prefix of generation directories.
const GENERATION_PREFIX: &str = "gen-";

/// The directory of the current generation under `root`, if an index was ever built there.
pub fn current_generation(root: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(root.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| root.join(name))
}

/// An opened index generation: everything a reader needs, from one reading of `CURRENT`.
pub struct OpenedIndex {
    pub index: Index,
    pub fields: Fields,
    pub catalog: Catalog,
    pub texts: TextCodec,
    /// The generation directory that was opened.
    pub generation: PathBuf,
}

/// Opens the current generation under `root`: the only place an index is opened, so the tokenizers
/// are always registered. `CURRENT` is read once, so a build that switches it meanwhile cannot
/// make the caller believe it opened the new generation.
pub fn open_index(root: &Path) -> Result<OpenedIndex> {
    let generation = current_generation(root).ok_or_else(|| Error::NoIndex(root.to_path_buf()))?;
    // The catalog first: it says which version wrote the index before tantivy reads what an
    // older version may have written differently.
    let catalog =
        Catalog::load(&generation).map_err(|e| Error::bad_index(root, "its catalog", e))?;
    if catalog.format != catalog::FORMAT {
        return Err(Error::BadIndex {
            path: root.to_path_buf(),
            reason: "the index was written by another version of baogao".to_string(),
            source: None,
        });
    }
    let index = Index::open_in_dir(&generation)
        .map_err(|e| Error::bad_index(root, "its tantivy files", e))?;
    register_tokenizers(&index);
    let fields =
        Fields::of(&index.schema()).map_err(|e| Error::bad_index(root, "its schema", e))?;
    let texts =
        TextCodec::load(&generation).map_err(|e| Error::bad_index(root, "its passage texts", e))?;
    Ok(OpenedIndex {
        index,
        fields,
        catalog,
        texts,
        generation,
    })
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

fn new_generation_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{GENERATION_PREFIX}{nanos:x}-{}", std::process::id())
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
