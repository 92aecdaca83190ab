//! The catalog: documents and their outlines, saved beside the tantivy index.
//!
//! Section filters, `sections` and `docs` need the outline as a tree, which an inverted index does not
//! give back cheaply; the catalog keeps it, and lets those commands answer without opening tantivy
//! at all.
//!
//! Every command starts by opening the catalog, and a collection grows, so opening must not read
//! it whole. The file (`catalog.bin`, memory-mapped) has, after a header, two parts:
//! - **the table**: a fixed-size record per document (ordinals, passages, characters, year and
//!   where its id, issuer and details are), the documents sorted by id and by first ordinal, and
//!   the ids and issuers. Filters, facets, counts and locating a passage need only this, so
//!   opening checks it (one CRC-32) and nothing else: 1.1 MB for 11,440 documents.
//! - **the details**: each document's metadata and outline as a JSON object with its own CRC-32,
//!   checked and decoded the first time the document is asked for.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use memmap2::Mmap;

use serde::{Deserialize, Serialize};

use crate::analysis::normalize_str;
use crate::error::{Error, Result};
use crate::ingest::{Document, DocumentMeta};

/// File name of the catalog inside an index generation.
pub const CATALOG_FILE: &str = "catalog.bin";

/// File name of the catalog of versions up to 11: an index that has it is of another version.
pub const OLD_CATALOG_FILE: &str = "catalog.json";

/// Version of the catalog, the schema and the tokenizers (with jieba's added terms); bumped when
/// any of them changes.
pub const FORMAT: u32 = 14;

/// First bytes of a catalog file.
const MAGIC: &[u8; 8] = b"BAOGAOCT";
/// Magic, format, documents, sections, table length, table CRC-32.
const HEADER_LEN: usize = 32;
/// First ordinal, characters, passages, year, id, issuer, details (offset, length, CRC-32).
const RECORD_LEN: usize = 56;
/// The year of a document without one, in its record.
const NO_YEAR: u32 = u32::MAX;
/// The issuer length of a document without one, in its record.
const NO_ISSUER: u32 = u32::MAX;

/// Characters of `text` other than white space.
fn visible_chars(text: &str) -> u64 {
    text.chars().filter(|c| !c.is_whitespace()).count() as u64
}

/// Byte offsets of the fields of a document's record in the table.
mod record {
    pub const FIRST_ORDINAL: usize = 0;
    pub const CHARS: usize = 8;
    pub const PASSAGES: usize = 16;
    pub const YEAR: usize = 20;
    pub const ID: usize = 24;
    pub const ISSUER: usize = 32;
    pub const DETAILS: usize = 40;
    pub const DETAILS_LENGTH: usize = 48;
    pub const DETAILS_CRC: usize = 52;
}

/// The bytes of a catalog file: made by a build, or mapped from the file by a reader.
#[derive(Debug)]
enum FileBytes {
    Built(Vec<u8>),
    Mapped(Mmap),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Built(bytes) => bytes,
            FileBytes::Mapped(map) => map,
        }
    }
}

/// All indexed documents, in index order (by source path).
///
/// The file is mapped, not read: opening checks the header and the table, and a document's fields
/// are read from its record when asked for, its details decoded the first time.
#[derive(Debug)]
pub struct Catalog {
    /// The whole file: the header, the table (the records of the documents, their positions
    /// sorted by id and sorted by first ordinal, then the names (ids and issuers) the records
    /// point into), then the details.
    bytes: FileBytes,
    table_length: usize,
    count: usize,
    sections: u64,
    /// (first ordinal, position) of every document, by ordinal, made on first use: counting
    /// many matches per document needs it, locating one passage searches the table instead.
    starts: OnceLock<Arc<[(u64, usize)]>>,
    /// Each document's metadata and outline, decoded on first use.
    decoded: Decoded,
    /// The index root, which errors name (none for a catalog a build makes).
    root: PathBuf,
}

/// Documents decoded from the catalog, in chunks of [`Decoded::CHUNK`] positions allocated on
/// first use: opening a catalog of 11,440 documents, to cite a few, allocates no slot for each.
#[derive(Debug)]
struct Decoded {
    chunks: Vec<OnceLock<Box<[DecodedCell]>>>,
}

/// A document decoded on first use.
type DecodedCell = OnceLock<Box<CatalogDocument>>;

impl Decoded {
    const CHUNK: usize = 64;

    fn new(count: usize) -> Decoded {
        Decoded {
            chunks: (0..count.div_ceil(Decoded::CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// The cell of the document at `position`.
    fn cell(&self, position: usize) -> &DecodedCell {
        let chunk = self.chunks[position / Decoded::CHUNK]
            .get_or_init(|| (0..Decoded::CHUNK).map(|_| OnceLock::new()).collect());
        &chunk[position % Decoded::CHUNK]
    }
}

/// One document: its metadata, passage count and outline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CatalogDocument {
    #[serde(flatten)]
    pub meta: DocumentMeta,
    /// Hash of the file's bytes: an unchanged file is not indexed again.
    pub hash: String,
    /// Ordinal of the document's first passage; its passages follow consecutively.
    pub first_ordinal: u64,
    pub passages: usize,
    /// Characters of its passages and heading titles, white space left out: what counts per
    /// 10,000 characters divide by.
    pub chars: u64,
    pub sections: Vec<CatalogSection>,
    /// Each passage's innermost section, derived from `sections` when the catalog is made.
    #[serde(skip)]
    innermost: Vec<Option<u32>>,
    /// The heading titles normalised as the index holds them, by section, made on first use:
    /// ranking and counting compare query terms with them.
    #[serde(skip)]
    normalized_titles: OnceLock<Vec<String>>,
}

/// One heading of a document's outline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CatalogSection {
    /// `doc:locator`; also the key that section filters match passages by.
    pub citation: String,
    pub level: u8,
    pub number: u32,
    pub marker: String,
    pub title: String,
    /// Index of the parent in the document's `sections`.
    pub parent: Option<usize>,
    /// Passages in this section and its subsections.
    pub passages: usize,
    /// Index of the section's first passage in its document: the section's passages are the
    /// `passages` consecutive ones from there.
    pub first_passage: usize,
    /// Characters of its passages and of its own and its subsections' titles, white space left
    /// out.
    pub chars: u64,
}

impl CatalogSection {
    /// Whether the section's locator (its citation without `doc:`) is `locator`, checked from the
    /// end of the citation: section filters ask this of every section of every document.
    pub fn has_locator(&self, locator: &str) -> bool {
        self.citation
            .strip_suffix(locator)
            .is_some_and(|head| head.ends_with(':'))
    }

    /// Marker and title, as the heading reads in the source.
    pub fn label(&self) -> String {
        format!("{}{}", self.marker, self.title)
    }
}

/// A section with its subsections: the outline as a tree, for `sections` and the HTTP API.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionNode {
    pub citation: String,
    pub marker: String,
    pub title: String,
    pub level: u8,
    pub passages: usize,
    pub children: Vec<SectionNode>,
}

impl CatalogDocument {
    /// The outline as a tree of top sections.
    pub fn tree(&self) -> Vec<SectionNode> {
        self.children_of(None)
    }

    /// Section `index` with its subsections.
    pub fn subtree(&self, index: usize) -> SectionNode {
        let section = &self.sections[index];
        SectionNode {
            citation: section.citation.clone(),
            marker: section.marker.clone(),
            title: section.title.clone(),
            level: section.level,
            passages: section.passages,
            children: self.children_of(Some(index)),
        }
    }

    fn children_of(&self, parent: Option<usize>) -> Vec<SectionNode> {
        (0..self.sections.len())
            .filter(|&index| self.sections[index].parent == parent)
            .map(|index| self.subtree(index))
            .collect()
    }

    /// The position of `section` in this document's outline, if it is one of its sections.
    pub fn index_of(&self, section: &CatalogSection) -> Option<usize> {
        self.sections.iter().position(|s| std::ptr::eq(s, section))
    }

    /// Passages before the first heading (the opening of the report).
    pub fn opening_passages(&self) -> usize {
        let in_sections: usize = self
            .sections
            .iter()
            .filter(|s| s.parent.is_none())
            .map(|s| s.passages)
            .sum();
        // A catalog is checked before it is read, but arithmetic on its numbers never panics.
        self.passages.saturating_sub(in_sections)
    }

    /// Describes a parsed document whose file hashes to `hash` and whose passages start at
    /// `first_ordinal`.
    pub fn of(document: &Document, hash: &str, first_ordinal: u64) -> CatalogDocument {
        let outline = &document.outline;
        let mut counts = vec![0usize; outline.sections.len()];
        let mut firsts: Vec<Option<usize>> = vec![None; outline.sections.len()];
        let mut chars = vec![0u64; outline.sections.len()];
        let mut document_chars = 0;
        for (index, section) in outline.sections.iter().enumerate() {
            let title = visible_chars(&section.title);
            document_chars += title;
            let mut current = Some(index);
            while let Some(at) = current {
                chars[at] += title;
                current = outline.sections[at].parent;
            }
        }
        for (position, passage) in outline.passages.iter().enumerate() {
            let text = visible_chars(&passage.text);
            document_chars += text;
            let mut current = passage.section;
            while let Some(index) = current {
                counts[index] += 1;
                chars[index] += text;
                firsts[index].get_or_insert(position);
                current = outline.sections[index].parent;
            }
        }
        let sections = outline
            .sections
            .iter()
            .zip(counts.into_iter().zip(firsts).zip(chars))
            .map(|(section, ((passages, first), chars))| CatalogSection {
                citation: format!("{}:{}", document.meta.id, section.locator),
                level: section.level,
                number: section.number,
                marker: section.marker.clone(),
                title: section.title.clone(),
                parent: section.parent,
                passages,
                first_passage: first.unwrap_or(0),
                chars,
            })
            .collect();
        CatalogDocument {
            meta: document.meta.clone(),
            hash: hash.to_string(),
            first_ordinal,
            passages: outline.passages.len(),
            chars: document_chars,
            sections,
            innermost: Vec::new(),
            normalized_titles: OnceLock::new(),
        }
    }

    /// Depth of `section` in the outline: 1 for a top section.
    pub fn depth_of(&self, section: &CatalogSection) -> usize {
        1 + section
            .parent
            .map_or(0, |parent| self.ancestors(parent).count())
    }

    /// Section `index` and the sections that contain it, from `index` up.
    pub fn ancestors(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(index), |&i| {
            self.sections.get(i)?.parent.filter(|&parent| parent < i)
        })
    }

    /// The ordinals of a section's passages.
    pub fn section_ordinals(&self, section: &CatalogSection) -> Range<u64> {
        let first = self.first_ordinal + section.first_passage as u64;
        first..first + section.passages as u64
    }

    /// The ordinals of the document's passages.
    pub fn ordinals(&self) -> Range<u64> {
        self.first_ordinal..self.first_ordinal + self.passages as u64
    }

    /// The sections holding the document's passage number `passage`: its heading path, from the
    /// innermost heading up.
    pub fn heading_path(&self, passage: usize) -> impl Iterator<Item = usize> + '_ {
        let innermost = self.innermost.get(passage).copied().flatten();
        innermost
            .into_iter()
            .flat_map(|i| self.ancestors(i as usize))
    }

    /// The heading titles as the index holds them (normalised), by section index.
    pub fn normalized_titles(&self) -> &[String] {
        self.normalized_titles.get_or_init(|| {
            self.sections
                .iter()
                .map(|section| normalize_str(&section.title))
                .collect()
        })
    }

    /// Fills `innermost`: a section comes after the sections that contain it, so the last one
    /// to claim a passage is its innermost.
    fn index_innermost(&mut self) {
        self.innermost = vec![None; self.passages];
        for (index, section) in self.sections.iter().enumerate() {
            let end = (section.first_passage + section.passages).min(self.passages);
            for slot in &mut self.innermost[section.first_passage.min(end)..end] {
                *slot = Some(index as u32);
            }
        }
    }

    /// The sections from the top down to `index` (inclusive).
    pub fn path_of(&self, index: usize) -> Vec<&CatalogSection> {
        let mut path: Vec<&CatalogSection> =
            self.ancestors(index).map(|i| &self.sections[i]).collect();
        path.reverse();
        path
    }
}

impl Catalog {
    /// A catalog over `documents`, all in memory, with the bytes its file will hold.
    pub fn new(mut documents: Vec<CatalogDocument>) -> Result<Catalog> {
        let count = documents.len();
        let mut records = Vec::with_capacity(count * RECORD_LEN);
        let mut names = String::new();
        let mut details = Vec::new();
        for document in &mut documents {
            document.index_innermost();
            let json = serde_json::to_vec(&*document)
                .map_err(|e| Error::io("cannot write the catalog", io::Error::other(e)))?;
            let mut name = |text: Option<&str>| match text {
                Some(text) => {
                    let start = names.len() as u32;
                    names.push_str(text);
                    (start, text.len() as u32)
                }
                None => (0, NO_ISSUER),
            };
            let id = name(Some(&document.meta.id));
            let issuer = name(document.meta.issuer.as_deref());
            let mut push = |bytes: &[u8]| records.extend_from_slice(bytes);
            push(&document.first_ordinal.to_le_bytes());
            push(&document.chars.to_le_bytes());
            push(&(document.passages as u32).to_le_bytes());
            push(&document.meta.year.unwrap_or(NO_YEAR).to_le_bytes());
            for value in [id.0, id.1, issuer.0, issuer.1] {
                push(&value.to_le_bytes());
            }
            push(&(details.len() as u64).to_le_bytes());
            push(&(json.len() as u32).to_le_bytes());
            push(&crc32fast::hash(&json).to_le_bytes());
            details.extend_from_slice(&json);
        }
        let mut by_id: Vec<usize> = (0..count).collect();
        by_id.sort_by(|&a, &b| documents[a].meta.id.cmp(&documents[b].meta.id));
        let mut by_first: Vec<usize> = (0..count).collect();
        by_first.sort_by_key(|&position| documents[position].first_ordinal);
        let mut table = records;
        for position in by_id.into_iter().chain(by_first) {
            table.extend_from_slice(&(position as u32).to_le_bytes());
        }
        table.extend_from_slice(names.as_bytes());
        let sections: u64 = documents.iter().map(|d| d.sections.len() as u64).sum();

        let mut bytes = Vec::with_capacity(HEADER_LEN + table.len() + details.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(count as u32).to_le_bytes());
        bytes.extend_from_slice(&sections.to_le_bytes());
        bytes.extend_from_slice(&(table.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(&table).to_le_bytes());
        bytes.extend_from_slice(&table);
        bytes.extend_from_slice(&details);
        let catalog = Catalog::of_file(
            FileBytes::Built(bytes),
            table.len(),
            count,
            sections,
            PathBuf::new(),
        );
        for (position, document) in documents.into_iter().enumerate() {
            let _ = catalog.decoded.cell(position).set(Box::new(document));
        }
        Ok(catalog)
    }

    /// A catalog over the checked `bytes` of its file.
    fn of_file(
        bytes: FileBytes,
        table_length: usize,
        count: usize,
        sections: u64,
        root: PathBuf,
    ) -> Catalog {
        Catalog {
            bytes,
            table_length,
            count,
            sections,
            starts: OnceLock::new(),
            decoded: Decoded::new(count),
            root,
        }
    }

    /// Opens the catalog file at `path` (of the index at `root`): maps it and checks its header
    /// and table. An error says what is wrong with the file; [`is_another_version`] tells an
    /// older format apart.
    pub fn open(path: &Path, root: &Path) -> io::Result<Catalog> {
        let file = File::open(path)?;
        // SAFETY: a generation's files are written once, synced, and never changed: a build
        // writes a new generation. The map is only read.
        let map = unsafe { Mmap::map(&file)? };
        let header = map
            .get(..HEADER_LEN)
            .ok_or_else(|| invalid("it is too short for its header"))?;
        let number =
            |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().unwrap_or([0; 4]));
        if &header[..MAGIC.len()] != MAGIC || number(8) != FORMAT {
            return Err(io::Error::new(io::ErrorKind::Unsupported, ANOTHER_VERSION));
        }
        let count = number(12) as usize;
        let sections = u64::from_le_bytes(header[16..24].try_into().unwrap_or([0; 8]));
        let table_length = number(24) as usize;
        let table = map
            .get(HEADER_LEN..HEADER_LEN + table_length)
            .filter(|table| table.len() >= count * (RECORD_LEN + 8))
            .ok_or_else(|| invalid("it is shorter than its table"))?;
        if crc32fast::hash(table) != number(28) {
            return Err(invalid("its table fails its checksum"));
        }
        let catalog = Catalog::of_file(
            FileBytes::Mapped(map),
            table_length,
            count,
            sections,
            root.to_path_buf(),
        );
        let details = catalog.details().len() as u64;
        if (0..count).any(|p| catalog.details_of(p).end > details) {
            return Err(invalid("it is shorter than the details its table lists"));
        }
        Ok(catalog)
    }

    /// The bytes of the catalog's file.
    pub fn file_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The table of the file.
    fn table(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..HEADER_LEN + self.table_length]
    }

    /// The details of the file, after its table.
    fn details(&self) -> &[u8] {
        &self.bytes[HEADER_LEN + self.table_length..]
    }

    /// The little-endian number of `N` bytes at `at` in the table (0 past its end, which a
    /// checked table never is).
    fn bytes_at<const N: usize>(&self, at: usize) -> [u8; N] {
        self.table()
            .get(at..at + N)
            .and_then(|bytes| bytes.try_into().ok())
            .unwrap_or([0; N])
    }

    fn u32_of(&self, position: usize, field: usize) -> u32 {
        u32::from_le_bytes(self.bytes_at(position * RECORD_LEN + field))
    }

    fn u64_of(&self, position: usize, field: usize) -> u64 {
        u64::from_le_bytes(self.bytes_at(position * RECORD_LEN + field))
    }

    /// The position at index `at` of the sorted positions after the records: by id for `at`
    /// below `count`, by first ordinal from there.
    fn sorted_position(&self, at: usize) -> usize {
        let position = u32::from_le_bytes(self.bytes_at(self.count * RECORD_LEN + at * 4)) as usize;
        position.min(self.count.saturating_sub(1))
    }

    /// The name (id or issuer) that the record of `position` points to at `field`.
    fn name_of(&self, position: usize, field: usize) -> Option<&str> {
        let (start, length) = (
            self.u32_of(position, field),
            self.u32_of(position, field + 4),
        );
        if length == NO_ISSUER {
            return None;
        }
        let names = self.count * (RECORD_LEN + 8);
        let start = names + start as usize;
        let bytes = self.table().get(start..start + length as usize)?;
        std::str::from_utf8(bytes).ok()
    }

    /// Where the details of the document at `position` are, from the start of the details.
    fn details_of(&self, position: usize) -> Range<u64> {
        let start = self.u64_of(position, record::DETAILS);
        start..start + u64::from(self.u32_of(position, record::DETAILS_LENGTH))
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the catalog has no document (a built index always has one).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The id of the document at `position`.
    pub fn id(&self, position: usize) -> &str {
        self.name_of(position, record::ID).unwrap_or_default()
    }

    /// The issuer of the document at `position`, when known.
    pub fn issuer(&self, position: usize) -> Option<&str> {
        self.name_of(position, record::ISSUER)
    }

    /// The year of the document at `position`, when known.
    pub fn year(&self, position: usize) -> Option<u32> {
        Some(self.u32_of(position, record::YEAR)).filter(|&year| year != NO_YEAR)
    }

    /// Characters of the document at `position`, white space left out.
    pub fn chars(&self, position: usize) -> u64 {
        self.u64_of(position, record::CHARS)
    }

    /// Passages of the document at `position`.
    fn passages(&self, position: usize) -> usize {
        self.u32_of(position, record::PASSAGES) as usize
    }

    /// The ordinals of the passages of the document at `position`.
    pub fn ordinals(&self, position: usize) -> Range<u64> {
        let first = self.u64_of(position, record::FIRST_ORDINAL);
        first..first + self.passages(position) as u64
    }

    /// The position of the document with id `id` among the catalog's documents.
    pub fn position(&self, id: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.count);
        while low < high {
            let middle = low + (high - low) / 2;
            let position = self.sorted_position(middle);
            match self.id(position).cmp(id) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(position),
            }
        }
        None
    }

    /// The document at `position`, with its metadata and outline: decoded from the file on first
    /// use.
    pub fn document(&self, position: usize) -> Result<&CatalogDocument> {
        let cell = self.decoded.cell(position);
        if let Some(document) = cell.get() {
            return Ok(document);
        }
        let decoded = self
            .decode(position)
            .map_err(|e| Error::bad_index(&self.root, format!("its file {CATALOG_FILE}"), e))?;
        Ok(cell.get_or_init(|| Box::new(decoded)))
    }

    /// The document with id `id`, if there is one.
    pub fn document_by_id(&self, id: &str) -> Result<Option<&CatalogDocument>> {
        self.position(id)
            .map(|position| self.document(position))
            .transpose()
    }

    /// All documents in index order, each decoded: for listings and builds.
    pub fn documents(&self) -> Result<Vec<&CatalogDocument>> {
        (0..self.len())
            .map(|position| self.document(position))
            .collect()
    }

    /// The documents at `positions`, each decoded.
    pub fn documents_at(&self, positions: &[usize]) -> Result<Vec<&CatalogDocument>> {
        positions
            .iter()
            .map(|&position| self.document(position))
            .collect()
    }

    /// Checks and decodes the details of the document at `position`.
    fn decode(&self, position: usize) -> io::Result<CatalogDocument> {
        let range = self.details_of(position);
        let bytes = self
            .details()
            .get(range.start as usize..range.end as usize)
            .ok_or_else(|| invalid("a document's details lie outside the catalog"))?;
        let id = self.id(position);
        if crc32fast::hash(bytes) != self.u32_of(position, record::DETAILS_CRC) {
            return Err(invalid(&format!("the details of {id} fail their checksum")));
        }
        let mut document: CatalogDocument = serde_json::from_slice(bytes)
            .map_err(|e| invalid(&format!("the details of {id}: {e}")))?;
        if document.meta.id != id
            || document.first_ordinal != self.ordinals(position).start
            || document.passages != self.passages(position)
        {
            return Err(invalid(&format!(
                "the details of {id} disagree with its table"
            )));
        }
        document.index_innermost();
        Ok(document)
    }

    /// (first ordinal, position) of every document, sorted by ordinal: where each document's
    /// passages start, for finding the document of many passages.
    pub fn document_starts(&self) -> Arc<[(u64, usize)]> {
        let starts = self
            .starts
            .get_or_init(|| (0..self.count).map(|at| self.start_at(at)).collect());
        Arc::clone(starts)
    }

    /// The position of the document holding the passage at `ordinal`, and the passage's number
    /// in that document: a binary search of the table's documents sorted by first ordinal.
    pub fn locate(&self, ordinal: u64) -> Option<(usize, usize)> {
        let (mut low, mut high) = (0, self.count);
        while low < high {
            let middle = low + (high - low) / 2;
            if self.start_at(middle).0 <= ordinal {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        let (first, position) = self.start_at(low.checked_sub(1)?);
        let passage = (ordinal - first) as usize;
        (passage < self.passages(position)).then_some((position, passage))
    }

    /// (first ordinal, position) of the document at index `at` in first ordinal order.
    fn start_at(&self, at: usize) -> (u64, usize) {
        let position = self.sorted_position(self.count + at);
        (self.u64_of(position, record::FIRST_ORDINAL), position)
    }

    /// Total number of passages.
    pub fn passage_count(&self) -> usize {
        (0..self.count).map(|p| self.passages(p)).sum()
    }

    /// Total number of sections.
    pub fn section_count(&self) -> u64 {
        self.sections
    }
}

/// What an error opening a catalog of another format says; see [`is_another_version`].
pub const ANOTHER_VERSION: &str = "the index was written by another version of baogao";

/// Whether `error`, from [`Catalog::open`], says that the file is of another format.
pub fn is_another_version(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Unsupported
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

/// A document with its outline: what `sections`/`docs --format json` print and the HTTP API returns.
#[derive(Debug, Serialize)]
pub struct DocumentOutline {
    pub id: String,
    pub title: String,
    pub issuer: Option<String>,
    pub year: Option<u32>,
    pub source: PathBuf,
    pub passages: usize,
    pub opening_passages: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<SectionNode>>,
}

impl DocumentOutline {
    /// The document without its outline.
    pub fn summary(document: &CatalogDocument) -> DocumentOutline {
        DocumentOutline {
            id: document.meta.id.clone(),
            title: document.meta.title.clone(),
            issuer: document.meta.issuer.clone(),
            year: document.meta.year,
            source: document.meta.source.clone(),
            passages: document.passages,
            opening_passages: document.opening_passages(),
            sections: None,
        }
    }

    /// The document with its outline tree.
    pub fn of(document: &CatalogDocument) -> DocumentOutline {
        DocumentOutline {
            sections: Some(document.tree()),
            ..DocumentOutline::summary(document)
        }
    }

    /// The document with only the sections at `indices` (none inside another) and their
    /// subsections as its outline. The opening is left out.
    pub fn of_sections(document: &CatalogDocument, indices: &[usize]) -> DocumentOutline {
        DocumentOutline {
            opening_passages: 0,
            sections: Some(
                indices
                    .iter()
                    .map(|&index| document.subtree(index))
                    .collect(),
            ),
            ..DocumentOutline::summary(document)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parse_document;
    use std::path::Path;

    fn document(id: &str, text: &str, first_ordinal: u64) -> CatalogDocument {
        let mut parsed = parse_document(Path::new(&format!("{id}.txt")), text);
        parsed.meta.id = id.to_string();
        CatalogDocument::of(&parsed, "hash", first_ordinal)
    }

    #[test]
    fn a_passage_is_located_by_its_ordinal_with_its_heading_path() {
        // The documents are listed by file name, not by ordinal.
        let catalog = Catalog::new(vec![
            document(
                "a",
                "开场。\n一、总体\n（一）产业\n甲。\n乙。\n二、其他\n丙。\n",
                3,
            ),
            document("b", "丁。\n", 0),
        ])
        .unwrap();
        assert_eq!(catalog.locate(0), Some((1, 0)));
        assert_eq!(catalog.locate(2), None, "b has one passage, a starts at 3");
        assert_eq!(catalog.locate(3), Some((0, 0)));
        let (position, passage) = catalog.locate(5).unwrap();
        let a = catalog.document(position).unwrap();
        let titles: Vec<&str> = a
            .heading_path(passage)
            .map(|i| a.sections[i].title.as_str())
            .collect();
        assert_eq!(titles, ["产业", "总体"]);
        assert_eq!(a.heading_path(0).count(), 0, "the opening has no heading");
        let last: Vec<&str> = a
            .heading_path(a.passages - 1)
            .map(|i| a.sections[i].title.as_str())
            .collect();
        assert_eq!(last, ["其他"]);
        assert_eq!(catalog.locate(3 + a.passages as u64), None);
    }

    fn two_documents() -> Catalog {
        let mut with_issuer = parse_document(
            Path::new("2024-国务院-政府工作报告.txt"),
            "开场。\n一、总体\n（一）产业\n甲。\n",
        );
        with_issuer.meta.id = "2024-国务院".to_string();
        Catalog::new(vec![
            document("zz", "丁。\n", 0),
            CatalogDocument::of(&with_issuer, "hash", 1),
        ])
        .unwrap()
    }

    /// Writes `catalog` into a temporary directory and opens it from there.
    fn written(catalog: &Catalog) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CATALOG_FILE);
        std::fs::write(&path, catalog.file_bytes()).unwrap();
        (dir, path)
    }

    #[test]
    fn an_opened_catalog_answers_from_its_table_and_decodes_documents_as_asked() {
        let catalog = two_documents();
        let (dir, path) = written(&catalog);
        let opened = Catalog::open(&path, dir.path()).unwrap();
        assert_eq!(opened.len(), 2);
        assert_eq!(opened.position("2024-国务院"), Some(1));
        assert_eq!(opened.position("zz"), Some(0));
        assert_eq!(opened.position("2024"), None);
        assert_eq!(opened.issuer(1), Some("国务院"));
        assert_eq!(
            (opened.year(1), opened.issuer(0), opened.year(0)),
            (Some(2024), None, None)
        );
        assert_eq!(opened.ordinals(1), 1..3);
        assert_eq!(opened.chars(1), catalog.chars(1));
        assert_eq!((opened.passage_count(), opened.section_count()), (3, 2));
        assert!(
            opened.decoded.chunks[0].get().is_none(),
            "nothing decoded yet"
        );
        assert_eq!(opened.locate(2), Some((1, 1)));
        assert_eq!(
            opened.documents().unwrap(),
            catalog.documents().unwrap(),
            "decoded as written, heading paths included"
        );
        let titles: Vec<&str> = opened
            .document(1)
            .unwrap()
            .heading_path(1)
            .map(|i| opened.document(1).unwrap().sections[i].title.as_str())
            .collect();
        assert_eq!(titles, ["产业", "总体"]);
    }

    #[test]
    fn a_damaged_catalog_is_named_and_an_older_one_told_apart() {
        let (dir, path) = written(&two_documents());
        let bytes = std::fs::read(&path).unwrap();
        // Each case in a file of its own: a catalog maps its file, which must not change under it.
        let cases = std::cell::Cell::new(0);
        let open = |bytes: &[u8]| {
            cases.set(cases.get() + 1);
            let path = path.with_file_name(format!("case-{}.bin", cases.get()));
            std::fs::write(&path, bytes).unwrap();
            Catalog::open(&path, dir.path())
        };

        let mut details = bytes.clone();
        let last = details.len() - 2;
        details[last] ^= 0x20;
        let opened = open(&details).unwrap();
        assert!(opened.document(0).is_ok(), "the other document reads");
        let error = opened.document(1).unwrap_err();
        assert!(
            format!("{:?}", error.chain())
                .contains("the details of 2024-国务院 fail their checksum"),
            "{error:?}"
        );

        let mut table = bytes.clone();
        table[HEADER_LEN + 3] ^= 1;
        let error = open(&table).unwrap_err();
        assert!(
            error.to_string().contains("its table fails its checksum"),
            "{error}"
        );

        let error = open(&bytes[..bytes.len() - 1]).unwrap_err();
        assert!(
            error.to_string().contains("shorter than the details"),
            "{error}"
        );
        assert!(open(&bytes[..10]).is_err());

        let mut older = bytes.clone();
        older[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&11u32.to_le_bytes());
        assert!(is_another_version(&open(&older).unwrap_err()));
    }
}
