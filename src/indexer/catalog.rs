//! The catalog: documents and their outlines, saved beside the tantivy index.
//!
//! Section filters, `sections` and `docs` need the outline as a tree, which an inverted index does not
//! give back cheaply; the catalog keeps it, and lets those commands answer without opening tantivy
//! at all.
//!
//! Every command starts by opening the catalog, and a collection grows, so opening must not read
//! it whole. The file (`catalog.bin`) has two parts:
//! - **the table**: a fixed-size record per document (ordinals, passages, characters, year and
//!   where its id, issuer and details are), the ids and issuers, and the documents sorted by id and
//!   by ordinal. Filters, facets, counts and locating a passage need only this, so opening reads
//!   and checks it and nothing else: 1.1 MB for 11,440 documents.
//! - **the details**: each document's metadata and outline as a JSON object with its own CRC-32,
//!   read and decoded the first time the document is asked for.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ingest::{Document, DocumentMeta};

/// File name of the catalog inside an index generation.
pub const CATALOG_FILE: &str = "catalog.bin";

/// File name of the catalog of versions up to 11: an index that has it is of another version.
pub const OLD_CATALOG_FILE: &str = "catalog.json";

/// Version of the catalog and schema layout; bumped when either changes.
pub const FORMAT: u32 = 12;

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

/// What every command needs of one document, kept in memory from the table of the file.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    first_ordinal: u64,
    chars: u64,
    passages: usize,
    year: Option<u32>,
    /// Byte range of the id in [`Catalog::names`].
    id: Range<usize>,
    /// Byte range of the issuer in [`Catalog::names`].
    issuer: Option<Range<usize>>,
    /// Where the document's details are, from the start of the details part, and their CRC-32.
    details: Range<u64>,
    details_crc: u32,
}

/// Where the details of an opened catalog are read from.
#[derive(Debug)]
struct DetailsFile {
    file: Mutex<File>,
    /// Offset of the details part in the file.
    start: u64,
    /// The index root, which errors name.
    root: PathBuf,
}

/// All indexed documents, in index order (by source path).
#[derive(Debug)]
pub struct Catalog {
    entries: Vec<Entry>,
    /// The ids and issuers of every document, one after the other.
    names: String,
    /// Positions of the documents sorted by id: a citation finds its document by binary search.
    by_id: Vec<u32>,
    /// (first ordinal, position) of every document, by ordinal: ranking finds a passage's
    /// document by its ordinal.
    by_ordinal: Vec<(u64, usize)>,
    sections: u64,
    /// Each document's metadata and outline, decoded on first use.
    documents: Vec<OnceLock<Box<CatalogDocument>>>,
    /// `None` for a catalog made in memory, whose documents are all decoded.
    details: Option<DetailsFile>,
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
    /// A catalog over `documents`, all in memory.
    pub fn new(mut documents: Vec<CatalogDocument>) -> Catalog {
        let mut names = String::new();
        let mut entries = Vec::with_capacity(documents.len());
        for document in &mut documents {
            document.index_innermost();
            let mut name = |text: &str| {
                let start = names.len();
                names.push_str(text);
                start..names.len()
            };
            entries.push(Entry {
                first_ordinal: document.first_ordinal,
                chars: document.chars,
                passages: document.passages,
                year: document.meta.year,
                id: name(&document.meta.id),
                issuer: document.meta.issuer.as_deref().map(&mut name),
                details: 0..0,
                details_crc: 0,
            });
        }
        let mut by_id: Vec<u32> = (0..documents.len() as u32).collect();
        by_id.sort_by(|&a, &b| {
            names[entries[a as usize].id.clone()].cmp(&names[entries[b as usize].id.clone()])
        });
        Catalog {
            sections: documents.iter().map(|d| d.sections.len() as u64).sum(),
            by_ordinal: by_ordinal(&entries),
            by_id,
            entries,
            names,
            documents: documents
                .into_iter()
                .map(|document| OnceLock::from(Box::new(document)))
                .collect(),
            details: None,
        }
    }

    /// Opens the catalog file at `path` (of the index at `root`): reads and checks its header and
    /// table only. An error says what is wrong with the file; [`is_another_version`] tells an
    /// older format apart.
    pub fn open(path: &Path, root: &Path) -> io::Result<Catalog> {
        let mut file = File::open(path)?;
        let length = file.metadata()?.len();
        let mut header = [0u8; HEADER_LEN];
        file.read_exact(&mut header)
            .map_err(|_| invalid("it is too short for its header"))?;
        let mut fields = Fields(&header[MAGIC.len()..]);
        if &header[..MAGIC.len()] != MAGIC || fields.u32() != FORMAT {
            return Err(io::Error::new(io::ErrorKind::Unsupported, ANOTHER_VERSION));
        }
        let count = fields.u32() as usize;
        let sections = fields.u64();
        let table_length = fields.u32() as usize;
        let table_crc = fields.u32();
        let details_start = (HEADER_LEN + table_length) as u64;
        if details_start > length {
            return Err(invalid("it is shorter than its table"));
        }
        let mut table = vec![0u8; table_length];
        file.read_exact(&mut table)?;
        if crc32fast::hash(&table) != table_crc {
            return Err(invalid("its table fails its checksum"));
        }
        let (entries, by_id, names) = read_table(&table, count)?;
        if entries
            .iter()
            .any(|e| details_start + e.details.end > length)
        {
            return Err(invalid("it is shorter than the details its table lists"));
        }
        Ok(Catalog {
            by_ordinal: by_ordinal(&entries),
            documents: (0..count).map(|_| OnceLock::new()).collect(),
            entries,
            names,
            by_id,
            sections,
            details: Some(DetailsFile {
                file: Mutex::new(file),
                start: details_start,
                root: root.to_path_buf(),
            }),
        })
    }

    /// The catalog as the bytes of its file: every document is decoded first.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut details = Vec::new();
        let mut records = Vec::with_capacity(self.len() * RECORD_LEN);
        for (position, entry) in self.entries.iter().enumerate() {
            let start = details.len() as u64;
            let json = serde_json::to_vec(self.document(position)?)
                .map_err(|e| Error::io("cannot write the catalog", io::Error::other(e)))?;
            details.extend_from_slice(&json);
            let range_of = |range: &Range<usize>| (range.start as u32, range.len() as u32);
            let (id_start, id_length) = range_of(&entry.id);
            let (issuer_start, issuer_length) =
                entry.issuer.as_ref().map_or((0, NO_ISSUER), range_of);
            records.extend_from_slice(&entry.first_ordinal.to_le_bytes());
            records.extend_from_slice(&entry.chars.to_le_bytes());
            records.extend_from_slice(&(entry.passages as u32).to_le_bytes());
            records.extend_from_slice(&entry.year.unwrap_or(NO_YEAR).to_le_bytes());
            for value in [id_start, id_length, issuer_start, issuer_length] {
                records.extend_from_slice(&value.to_le_bytes());
            }
            records.extend_from_slice(&start.to_le_bytes());
            records.extend_from_slice(&(json.len() as u32).to_le_bytes());
            records.extend_from_slice(&crc32fast::hash(&json).to_le_bytes());
        }
        let mut table = records;
        for position in &self.by_id {
            table.extend_from_slice(&position.to_le_bytes());
        }
        table.extend_from_slice(self.names.as_bytes());
        let mut bytes = Vec::with_capacity(HEADER_LEN + table.len() + details.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(self.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&self.sections.to_le_bytes());
        bytes.extend_from_slice(&(table.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(&table).to_le_bytes());
        bytes.extend_from_slice(&table);
        bytes.extend_from_slice(&details);
        Ok(bytes)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog has no document (a built index always has one).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The id of the document at `position`.
    pub fn id(&self, position: usize) -> &str {
        &self.names[self.entries[position].id.clone()]
    }

    /// The issuer of the document at `position`, when known.
    pub fn issuer(&self, position: usize) -> Option<&str> {
        let range = self.entries[position].issuer.clone()?;
        Some(&self.names[range])
    }

    /// The year of the document at `position`, when known.
    pub fn year(&self, position: usize) -> Option<u32> {
        self.entries[position].year
    }

    /// Characters of the document at `position`, white space left out.
    pub fn chars(&self, position: usize) -> u64 {
        self.entries[position].chars
    }

    /// The ordinals of the passages of the document at `position`.
    pub fn ordinals(&self, position: usize) -> Range<u64> {
        let entry = &self.entries[position];
        entry.first_ordinal..entry.first_ordinal + entry.passages as u64
    }

    /// The position of the document with id `id` among the catalog's documents.
    pub fn position(&self, id: &str) -> Option<usize> {
        let at = self
            .by_id
            .binary_search_by(|&position| self.id(position as usize).cmp(id))
            .ok()?;
        Some(self.by_id[at] as usize)
    }

    /// The document at `position`, with its metadata and outline: decoded from the file on first
    /// use.
    pub fn document(&self, position: usize) -> Result<&CatalogDocument> {
        let cell = &self.documents[position];
        if let Some(document) = cell.get() {
            return Ok(document);
        }
        let decoded = self.decode(position).map_err(|e| {
            let root = self
                .details
                .as_ref()
                .map(|d| d.root.clone())
                .unwrap_or_default();
            Error::bad_index(root, format!("its file {CATALOG_FILE}"), e)
        })?;
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

    /// Reads, checks and decodes the details of the document at `position`.
    fn decode(&self, position: usize) -> io::Result<CatalogDocument> {
        let entry = &self.entries[position];
        let details = self
            .details
            .as_ref()
            .ok_or_else(|| invalid("a catalog in memory lacks a document"))?;
        let mut bytes = vec![0u8; (entry.details.end - entry.details.start) as usize];
        {
            let mut file = details.file.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(details.start + entry.details.start))?;
            file.read_exact(&mut bytes)?;
        }
        let id = self.id(position);
        if crc32fast::hash(&bytes) != entry.details_crc {
            return Err(invalid(&format!("the details of {id} fail their checksum")));
        }
        let mut document: CatalogDocument = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(&format!("the details of {id}: {e}")))?;
        if document.meta.id != id
            || document.first_ordinal != entry.first_ordinal
            || document.passages != entry.passages
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
    pub fn document_starts(&self) -> &[(u64, usize)] {
        &self.by_ordinal
    }

    /// The position of the document holding the passage at `ordinal`, and the passage's number
    /// in that document.
    pub fn locate(&self, ordinal: u64) -> Option<(usize, usize)> {
        let at = self
            .by_ordinal
            .partition_point(|&(first, _)| first <= ordinal)
            .checked_sub(1)?;
        let (first, position) = self.by_ordinal[at];
        let passage = (ordinal - first) as usize;
        (passage < self.entries[position].passages).then_some((position, passage))
    }

    /// Total number of passages.
    pub fn passage_count(&self) -> usize {
        self.entries.iter().map(|e| e.passages).sum()
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

/// (first ordinal, position) of every entry, sorted.
fn by_ordinal(entries: &[Entry]) -> Vec<(u64, usize)> {
    let mut starts: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(position, e)| (e.first_ordinal, position))
        .collect();
    starts.sort_unstable();
    starts
}

/// Reads little-endian numbers one after the other.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into().unwrap_or([0; N])
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
}

/// The entries, the positions by id and the names of a catalog's table of `count` documents,
/// each range checked.
fn read_table(table: &[u8], count: usize) -> io::Result<(Vec<Entry>, Vec<u32>, String)> {
    let records_length = count * RECORD_LEN;
    let names_start = records_length + count * 4;
    if table.len() < names_start {
        return Err(invalid("its table is shorter than its documents' records"));
    }
    let names = std::str::from_utf8(&table[names_start..])
        .map_err(|e| invalid(&format!("its names are not UTF-8: {e}")))?
        .to_string();
    let name = |start: u32, length: u32| {
        let range = start as usize..start as usize + length as usize;
        names
            .get(range.clone())
            .map(|_| range)
            .ok_or_else(|| invalid("a name lies outside its table"))
    };
    let mut entries = Vec::with_capacity(count);
    for record in table[..records_length].chunks_exact(RECORD_LEN) {
        let mut fields = Fields(record);
        let first_ordinal = fields.u64();
        let chars = fields.u64();
        let passages = fields.u32() as usize;
        let year = Some(fields.u32()).filter(|&y| y != NO_YEAR);
        let id = name(fields.u32(), fields.u32())?;
        let (issuer_start, issuer_length) = (fields.u32(), fields.u32());
        let issuer = match issuer_length {
            NO_ISSUER => None,
            length => Some(name(issuer_start, length)?),
        };
        let details_start = fields.u64();
        let details_end = details_start + u64::from(fields.u32());
        entries.push(Entry {
            first_ordinal,
            chars,
            passages,
            year,
            id,
            issuer,
            details: details_start..details_end,
            details_crc: fields.u32(),
        });
    }
    let by_id: Vec<u32> = table[records_length..names_start]
        .chunks_exact(4)
        .map(|bytes| Fields(bytes).u32())
        .collect();
    if by_id.iter().any(|&position| position as usize >= count) {
        return Err(invalid("its index of ids names no document"));
    }
    Ok((entries, by_id, names))
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
        ]);
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
    }

    /// Writes `catalog` into a temporary directory and opens it from there.
    fn written(catalog: &Catalog) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CATALOG_FILE);
        std::fs::write(&path, catalog.to_bytes().unwrap()).unwrap();
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
        assert!(opened.documents[1].get().is_none(), "nothing decoded yet");
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
        let open = |bytes: &[u8]| {
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
