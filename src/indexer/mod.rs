//! Building, swapping and opening the index.
//!
//! An index root (`index/` by default) holds generations: each build writes a new directory
//! `gen-…` and only when the build has fully succeeded does it replace the one-line file `CURRENT`
//! (write to a temporary file, then rename: atomic on POSIX). A build that fails or is killed half
//! way leaves `CURRENT` pointing at the previous, complete generation.

pub mod build;
pub mod catalog;
pub mod files;
pub mod schema;
pub mod texts;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::Index;

use crate::analysis::tokenizers::register_tokenizers;
use crate::error::{Error, Result};
use crate::ingest::REPORT_EXTENSIONS;
pub use build::{build_index, BuildReport, Progress};
use catalog::CATALOG_FILE;
pub use catalog::{Catalog, CatalogDocument, CatalogSection, DocumentOutline, SectionNode};
use files::{sync_dir, write_synced, Checksums, CHECKSUMS_FILE};
pub use schema::{Fields, ORDINAL_FIELD};
pub use texts::TextCodec;
use texts::DICTIONARY_FILE;

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
    let (catalog, texts) = open_own_files(root, &generation)?;
    let index = Index::open_in_dir(&generation)
        .map_err(|e| Error::bad_index(root, "its tantivy files", e))?;
    register_tokenizers(&index);
    let fields =
        Fields::of(&index.schema()).map_err(|e| Error::bad_index(root, "its schema", e))?;
    Ok(OpenedIndex {
        index,
        fields,
        catalog,
        texts,
        generation,
    })
}

/// Opens and checks baogao's own files of `generation` (an index under `root`): the catalog's
/// header and table first, so that an index of another version is named as such before anything
/// else is read, then the text dictionary against `checksums.json`. The catalog's details are
/// checked as they are read (see [`Catalog`]); `baogao verify` checks its whole file.
pub fn open_own_files(root: &Path, generation: &Path) -> Result<(Catalog, TextCodec)> {
    let damaged =
        |file: &str, e: std::io::Error| Error::bad_index(root, format!("its file {file}"), e);
    let another_version = || Error::BadIndex {
        path: root.to_path_buf(),
        reason: catalog::ANOTHER_VERSION.to_string(),
        source: None,
    };
    let catalog = match Catalog::open(&generation.join(CATALOG_FILE), root) {
        Ok(catalog) => catalog,
        Err(e) if catalog::is_another_version(&e) => return Err(another_version()),
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && generation.join(catalog::OLD_CATALOG_FILE).exists() =>
        {
            return Err(another_version())
        }
        Err(e) => return Err(damaged(CATALOG_FILE, e)),
    };
    let sums = Checksums::load(generation).map_err(|e| damaged(CHECKSUMS_FILE, e))?;
    let dictionary = sums
        .read(generation, DICTIONARY_FILE)
        .map_err(|e| damaged(DICTIONARY_FILE, e))?;
    Ok((catalog, TextCodec::with_dictionary(dictionary)))
}

/// Checks the whole catalog file of `generation` (an index under `root`) against
/// `checksums.json`: what opening leaves to the first reading of each document.
pub fn verify_catalog(root: &Path, generation: &Path) -> Result<()> {
    let damaged =
        |file: &str, e: std::io::Error| Error::bad_index(root, format!("its file {file}"), e);
    let sums = Checksums::load(generation).map_err(|e| damaged(CHECKSUMS_FILE, e))?;
    sums.read(generation, CATALOG_FILE)
        .map_err(|e| damaged(CATALOG_FILE, e))?;
    Ok(())
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

/// Points `CURRENT` at `generation`, which is complete and synced: sync the generation
/// directory (its files' names), write and sync `CURRENT.tmp`, rename it over `CURRENT`, then sync
/// `root` so that the rename itself is on disk. A crash at any point leaves `CURRENT` naming
/// either the old generation or the new one, complete.
fn make_current(root: &Path, generation: &Path) -> Result<()> {
    let name = generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = root.join(format!("{CURRENT_FILE}.tmp"));
    let write = || -> std::io::Result<()> {
        sync_dir(generation)?;
        write_synced(&temporary, name.as_bytes())?;
        std::fs::rename(&temporary, root.join(CURRENT_FILE))?;
        sync_dir(root)
    };
    write().map_err(|e| {
        Error::io(
            format!("cannot switch {} to the new index", root.display()),
            e,
        )
    })
}

/// Removes generations other than `current` and `previous` (the one it replaced: a reader may
/// still be using it), including leftovers of failed or killed builds. A reader that still maps
/// a removed generation's files keeps reading them: the files live until it lets go.
fn remove_old_generations(root: &Path, current: Option<&Path>, previous: Option<&Path>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_generation = entry
            .file_name()
            .to_string_lossy()
            .starts_with(GENERATION_PREFIX);
        if is_generation && Some(path.as_path()) != current && Some(path.as_path()) != previous {
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
