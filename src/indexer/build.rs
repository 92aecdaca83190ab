//! Building an index generation: incremental, parallel, atomic.
//!
//! Every file is read and hashed; files whose path and content hash match the current generation's
//! catalog are kept as they are. When nothing changed, nothing is written. Otherwise the new
//! generation starts as hard links to the current one's segment files (tantivy never modifies a
//! segment file), the passages of changed and deleted files are deleted, new and changed files are
//! parsed on every core and added, and the catalog is written and synced; only then does
//! `CURRENT` switch. A current generation whose files fail their checksums is not reused: the
//! build starts anew. One build runs at a time under an index root (`LOCK`), and each removes
//! what a build that was killed or ran out of disk left behind before it writes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use tantivy::store::Compressor;
use tantivy::{
    doc, Index, IndexSettings, IndexSortByField, IndexWriter, Order, TantivyDocument, Term,
};

use super::catalog::{Catalog, CatalogDocument, CATALOG_FILE};
use super::files::{Checksums, CHECKSUMS_FILE};
use super::schema::{Fields, ORDINAL_FIELD};
use super::texts::{TextCodec, DICTIONARY_FILE};
use super::{
    collect_report_files, current_generation, make_current, new_generation_name, open_own_files,
    remove_old_generations,
};
use crate::analysis::normalize_str;
use crate::analysis::tokenizers::register_tokenizers;
use crate::error::{Error, Result};
use crate::ingest::{self, Document, ReadError};

/// The file whose lock a build holds: one build at a time under an index root.
const LOCK_FILE: &str = "LOCK";
/// Memory budget of the index writer, shared by its threads.
const WRITER_MEMORY_BYTES: usize = 400_000_000;
/// Files tantivy rewrites in place of the old ones: copied, never linked, into a new generation.
const MUTABLE_FILES: [&str; 2] = ["meta.json", ".managed.json"];

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Documents in the index after the build.
    pub documents: usize,
    pub passages: usize,
    /// Files parsed and indexed by this build (new or changed).
    pub indexed: usize,
    /// Documents kept from the previous generation untouched.
    pub unchanged: usize,
    /// Documents of the previous generation whose file is gone (changed files count as indexed).
    pub removed: usize,
    /// Files skipped, each with the reason.
    pub skipped: Vec<ReadError>,
    /// Bytes of report text read.
    pub input_bytes: u64,
    pub seconds: f64,
    /// The new generation, or `None` when the index was already up to date.
    pub generation: Option<PathBuf>,
}

/// Progress of a build, for a progress bar or log lines.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// One file to index: where, its size and, when an index exists to compare with, its bytes'
/// hash. Bytes are read one file at a time (to hash, then to parse), never all at once: a build's
/// memory does not grow with its input. A first build hashes as it parses, reading once.
struct Input {
    path: PathBuf,
    /// Empty until parsed when there is no index to compare with.
    hash: String,
    len: u64,
}

/// The hash that the catalog keeps of a file's bytes.
fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", ingest::fnv1a(bytes))
}

impl Input {
    /// The file at `path`, hashed if `hash`.
    fn of(path: &Path, hash: bool) -> Result<Input> {
        let cannot = |e| Error::io(format!("cannot read {}", path.display()), e);
        let (hash, len) = match hash {
            true => {
                let bytes = std::fs::read(path).map_err(cannot)?;
                (content_hash(&bytes), bytes.len() as u64)
            }
            false => (
                String::new(),
                std::fs::metadata(path).map_err(cannot)?.len(),
            ),
        };
        Ok(Input {
            path: path.to_path_buf(),
            hash,
            len,
        })
    }

    /// Reads and parses the file; the hash of the bytes it parsed.
    fn parse(&self) -> std::result::Result<(String, Document), ReadError> {
        let bytes = std::fs::read(&self.path).map_err(|cause| ReadError::Io {
            path: self.path.clone(),
            cause,
        })?;
        Ok((
            content_hash(&bytes),
            ingest::parse_bytes(&self.path, &bytes)?,
        ))
    }
}

/// Indexes the reports under `paths` into a new generation under `root`, re-processing only new,
/// changed and deleted files, and makes it current. Unreadable files are skipped and listed.
pub fn build_index(
    paths: &[PathBuf],
    root: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<BuildReport> {
    let started = Instant::now();
    let files = collect_report_files(paths)?;
    let previous = previous_catalog(root);
    let inputs = files
        .iter()
        .map(|path| Input::of(path, previous.is_some()))
        .collect::<Result<Vec<Input>>>()?;
    let input_bytes = inputs.iter().map(|i| i.len).sum();

    let previous_documents = match &previous {
        Some(catalog) => catalog.documents()?,
        None => Vec::new(),
    };
    let known: HashMap<(&Path, &str), &CatalogDocument> = previous_documents
        .iter()
        .map(|&d| ((d.meta.source.as_path(), d.hash.as_str()), d))
        .collect();
    let (kept, fresh): (Vec<&Input>, Vec<&Input>) = inputs
        .iter()
        .partition(|input| known.contains_key(&(input.path.as_path(), input.hash.as_str())));
    let kept_documents: Vec<CatalogDocument> = kept
        .iter()
        .map(|input| known[&(input.path.as_path(), input.hash.as_str())].clone())
        .collect();
    // Documents whose file is gone or changed: no input has their path and hash any more.
    let input_keys: HashSet<(&Path, &str)> = inputs
        .iter()
        .map(|i| (i.path.as_path(), i.hash.as_str()))
        .collect();
    let removed: Vec<&CatalogDocument> = previous_documents
        .iter()
        .copied()
        .filter(|d| !input_keys.contains(&(d.meta.source.as_path(), d.hash.as_str())))
        .collect();

    let mut report = BuildReport {
        unchanged: kept_documents.len(),
        input_bytes,
        ..BuildReport::default()
    };
    if previous.is_some() && fresh.is_empty() && removed.is_empty() {
        report.documents = kept_documents.len();
        report.passages = kept_documents.iter().map(|d| d.passages).sum();
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }

    std::fs::create_dir_all(root)
        .map_err(|e| Error::io(format!("cannot create {}", root.display()), e))?;
    let _lock = lock_root(root)?;
    let old = current_generation(root);
    remove_old_generations(root, old.as_deref(), None);
    let generation = root.join(new_generation_name());
    let base = previous.as_ref().and_then(|_| current_generation(root));
    let written = write_generation(
        &generation,
        base.as_deref(),
        kept_documents,
        &removed,
        &fresh,
        progress,
    );
    let (catalog, indexed, skipped) = match written {
        Ok(result) => result,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&generation);
            return Err(match error {
                Error::NothingToIndex(_) => {
                    let names: Vec<String> =
                        paths.iter().map(|p| p.display().to_string()).collect();
                    Error::NothingToIndex(names.join(", "))
                }
                other @ (Error::Tantivy(_) | Error::Io { .. }) => Error::WriteIndex {
                    root: root.to_path_buf(),
                    source: Box::new(other),
                },
                other => other,
            });
        }
    };
    make_current(root, &generation)?;
    remove_old_generations(root, Some(&generation), old.as_deref());

    report.documents = catalog.len();
    report.passages = catalog.passage_count();
    report.indexed = indexed;
    report.removed = removed
        .iter()
        .filter(|d| !inputs.iter().any(|input| input.path == d.meta.source))
        .count();
    report.skipped = skipped;
    report.seconds = started.elapsed().as_secs_f64();
    report.generation = Some(generation);
    Ok(report)
}

/// The catalog of the current generation, if it is complete, of this version and undamaged
/// (baogao's files and tantivy's pass their checksums): only then are its segments reused.
fn previous_catalog(root: &Path) -> Option<Catalog> {
    let generation = current_generation(root)?;
    let (catalog, _) = open_own_files(root, &generation).ok()?;
    // A document whose details fail their checksum is indexed again, as a damaged segment is.
    catalog.documents().ok()?;
    let index = Index::open_in_dir(&generation).ok()?;
    let undamaged = index
        .validate_checksum()
        .is_ok_and(|damaged| damaged.is_empty());
    (undamaged && Fields::of(&index.schema()).is_ok()).then_some(catalog)
}

/// Takes the build lock of `root`, held until the returned file is dropped.
fn lock_root(root: &Path) -> Result<std::fs::File> {
    let path = root.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::BadArgument(format!(
            "another `baogao index` is building {} now; wait for it to finish",
            root.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::io(format!("cannot lock {}", path.display()), e))
        }
    }
}

/// Writes the new generation `dir`, starting from `base` when there is one. Returns the catalog,
/// the number of files indexed and the skipped files.
fn write_generation(
    dir: &Path,
    base: Option<&Path>,
    kept: Vec<CatalogDocument>,
    removed: &[&CatalogDocument],
    fresh: &[&Input],
    progress: &mut dyn FnMut(Progress),
) -> Result<(Catalog, usize, Vec<ReadError>)> {
    std::fs::create_dir(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    let (index, fields, kept_texts) = match base {
        Some(base) => {
            link_generation(base, dir)?;
            let index = Index::open_in_dir(dir)?;
            let fields = Fields::of(&index.schema())?;
            let (_, texts) = open_own_files(dir, base)?;
            (index, fields, Some(texts))
        }
        None => {
            let (schema, fields) = Fields::schema();
            let index = Index::builder()
                .schema(schema)
                .settings(index_settings())
                .create_in_dir(dir)?;
            (index, fields, None)
        }
    };
    // A dictionary once trained stays: the passages already stored were compressed with it.
    let texts = match kept_texts {
        Some(texts) if texts.has_dictionary() => texts,
        _ => TextCodec::train(&training_sample(fresh)),
    };
    let mut sums = Checksums::default();
    sums.write(dir, DICTIONARY_FILE, texts.dictionary())
        .map_err(|e| {
            Error::io(
                format!("cannot write the text dictionary in {}", dir.display()),
                e,
            )
        })?;
    register_tokenizers(&index);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, WRITER_MEMORY_BYTES)?;
    for document in removed {
        writer.delete_term(Term::from_field_text(fields.doc, &document.meta.id));
    }

    let mut next_ordinal = kept
        .iter()
        .map(|d| d.first_ordinal + d.passages as u64)
        .max()
        .unwrap_or(0);
    let mut documents = kept;
    // Ids seen so far, by the document's index in `documents`: two files must not share one.
    let mut ids: HashMap<String, usize> = documents
        .iter()
        .enumerate()
        .map(|(index, d)| (d.meta.id.clone(), index))
        .collect();
    let mut skipped = Vec::new();
    let mut indexed = 0;
    let mut done = Progress {
        files_done: 0,
        files_total: fresh.len(),
        bytes_done: 0,
        bytes_total: fresh.iter().map(|i| i.len).sum(),
    };
    for_each_parsed(fresh, threads, &fields, &texts, |input, parsed| {
        done.files_done += 1;
        done.bytes_done += input.len;
        progress(done);
        let (hash, document, passages) = match parsed {
            Ok(parsed) => parsed,
            Err(ReadError::Io { path, cause }) => {
                return Err(Error::io(format!("cannot read {}", path.display()), cause))
            }
            Err(skip) => {
                skipped.push(skip);
                return Ok(());
            }
        };
        let passages = passages.map_err(|e| {
            Error::io(
                format!("cannot compress the passages of {}", input.path.display()),
                e,
            )
        })?;
        if let Some(&other) = ids.get(&document.meta.id) {
            return Err(Error::DuplicateDocument {
                id: document.meta.id,
                first: documents[other].meta.source.clone(),
                second: input.path.clone(),
            });
        }
        ids.insert(document.meta.id.clone(), documents.len());
        // One passage at a time: tantivy queues up to 10,000 batches, so a batch per document
        // would hold 10,000 documents in memory (2.2 GB at ten times the corpus).
        for (offset, mut passage) in passages.into_iter().enumerate() {
            passage.add_u64(fields.ordinal, next_ordinal + offset as u64);
            writer.add_document(passage)?;
        }
        documents.push(CatalogDocument::of(&document, &hash, next_ordinal));
        next_ordinal += document.outline.passages.len() as u64;
        indexed += 1;
        Ok(())
    })?;
    if documents.is_empty() {
        return Err(Error::NothingToIndex(String::new()));
    }
    writer.commit()?;
    writer.wait_merging_threads()?;

    documents.sort_by(|a, b| a.meta.source.cmp(&b.meta.source));
    let catalog = Catalog::new(documents)?;
    let write_error = |e| Error::io(format!("cannot write the catalog in {}", dir.display()), e);
    sums.write(dir, CATALOG_FILE, catalog.file_bytes())
        .and_then(|()| sums.save(dir))
        .map_err(write_error)?;
    Ok((catalog, indexed, skipped))
}

/// Index settings: the document store compressed with lz4, since the passage texts in it are
/// compressed already (lz4 is what keeps the citations small: zstd saved 0.7 MB more on the
/// corpus and took longer to build and read), and every segment sorted by ordinal, merged ones
/// too, so that a lower doc id is always an earlier passage (the first phase of ranking relies on
/// it).
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Lz4,
        sort_by_field: Some(IndexSortByField {
            field: ORDINAL_FIELD.to_string(),
            order: Order::Asc,
        }),
        ..IndexSettings::default()
    }
}

/// Makes `dir` a copy of generation `base`: hard links for the immutable segment files (copies
/// where linking fails), real copies of the files tantivy rewrites; baogao's own files are
/// written anew.
fn link_generation(base: &Path, dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(base)
        .map_err(|e| Error::io(format!("cannot list {}", base.display()), e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if name_text.ends_with(".lock")
            || [CATALOG_FILE, DICTIONARY_FILE, CHECKSUMS_FILE].contains(&name_text.as_ref())
        {
            continue;
        }
        let (from, to) = (entry.path(), dir.join(&name));
        let linked =
            !MUTABLE_FILES.contains(&name_text.as_ref()) && std::fs::hard_link(&from, &to).is_ok();
        if !linked {
            std::fs::copy(&from, &to)
                .map_err(|e| Error::io(format!("cannot copy {}", from.display()), e))?;
        }
    }
    Ok(())
}

/// The hash of a file's bytes, the document parsed from them and the tantivy documents of its
/// passages (all but their ordinals, which depend on the documents before it).
type Parsed =
    std::result::Result<(String, Document, std::io::Result<Vec<TantivyDocument>>), ReadError>;

/// Input bytes whose passages train the text dictionary of a new index, about as many bytes of
/// passage text: on the corpus they train in 0.15 to 0.25 s. Four times as much trained three
/// times as long for stored texts 3 % smaller.
const TRAINING_INPUT_BYTES: usize = 700_000;

/// The passage texts of evenly spaced inputs, to train the text dictionary on; at most twice
/// [`TRAINING_INPUT_BYTES`] of them, however large the inputs (training time grows with them).
fn training_sample(inputs: &[&Input]) -> Vec<String> {
    let total: u64 = inputs.iter().map(|input| input.len).sum();
    let mut sampled = 0;
    inputs
        .iter()
        .step_by((total / TRAINING_INPUT_BYTES as u64).max(1) as usize)
        .filter_map(|input| input.parse().ok().map(|(_, document)| document))
        .flat_map(|document| document.outline.passages.into_iter().map(|p| p.text))
        .take_while(|text| {
            sampled += text.len();
            sampled <= 2 * TRAINING_INPUT_BYTES
        })
        .collect()
}

/// Parses `inputs` and makes their passages' tantivy documents on `threads` threads, and hands
/// each result to `handle` in input order: the thread feeding the index writer only adds them.
fn for_each_parsed(
    inputs: &[&Input],
    threads: usize,
    fields: &Fields,
    texts: &TextCodec,
    mut handle: impl FnMut(&Input, Parsed) -> Result<()>,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel(threads * 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(index) else {
                    break;
                };
                let parsed = input.parse().map(|(hash, document)| {
                    let passages = passage_documents(fields, texts, &document);
                    (hash, document, passages)
                });
                if sender.send((index, parsed)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut expected = 0;
        for (index, parsed) in receiver.iter() {
            waiting.insert(index, parsed);
            while let Some(parsed) = waiting.remove(&expected) {
                // On an error, dropping the receiver stops the workers.
                handle(inputs[expected], parsed)?;
                expected += 1;
            }
        }
        Ok(())
    })
}

/// The tantivy documents of a document's passages, without their ordinals: each passage's text as
/// grams and words, and the titles of its headings as more gram values (each a value of its own,
/// so that no phrase spans two); the text itself is stored compressed by `texts`.
fn passage_documents(
    fields: &Fields,
    texts: &TextCodec,
    document: &Document,
) -> std::io::Result<Vec<TantivyDocument>> {
    let meta = &document.meta;
    let titles: Vec<String> = document
        .outline
        .sections
        .iter()
        .map(|section| normalize_str(&section.title))
        .collect();
    let passages = &document.outline.passages;
    let compressed = texts.compress_all(passages.iter().map(|p| p.text.as_str()))?;
    Ok(passages
        .iter()
        .zip(compressed)
        .map(|(passage, stored_text)| {
            let mut tantivy_doc = doc!(
                fields.citation => format!("{}:{}", meta.id, passage.locator),
                fields.doc => meta.id.clone(),
                fields.text => stored_text,
            );
            for index in document.outline.path_indices(passage.section) {
                tantivy_doc.add_text(fields.grams, &titles[index]);
            }
            let body = normalize_str(&passage.text);
            tantivy_doc.add_text(fields.grams, &body);
            tantivy_doc.add_text(fields.words, body);
            tantivy_doc
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_training_sample_spreads_over_the_inputs_and_stays_small() {
        let dir = tempfile::tempdir().unwrap();
        let input = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            Input::of(&path, true).unwrap()
        };
        let paragraph = "坚持稳中求进工作总基调，推动经济实现质的有效提升和量的合理增长。\n";
        let reports: Vec<Input> = (0..40)
            .map(|i| input(&format!("{i:02}.txt"), &format!("第{i}份报告\n").repeat(1)))
            .chain(std::iter::once(input("big.txt", &paragraph.repeat(40_000))))
            .collect();
        let inputs: Vec<&Input> = reports.iter().collect();
        let sample = training_sample(&inputs);
        let bytes: usize = sample.iter().map(String::len).sum();
        assert!(bytes <= 2 * TRAINING_INPUT_BYTES, "{bytes}");
        assert!(bytes > TRAINING_INPUT_BYTES, "{bytes}");
        assert!(sample
            .first()
            .is_some_and(|text| text.contains("第0份报告")));
    }
}
