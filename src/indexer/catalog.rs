//! The catalog: documents and their outlines, saved as JSON beside the tantivy index.
//!
//! Section filters, `sections` and `docs` need the outline as a tree, which an inverted index does not
//! give back cheaply; the catalog keeps it, small and readable, and lets those commands answer
//! without opening tantivy at all.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ingest::{Document, DocumentMeta};

/// File name of the catalog inside an index generation.
pub const CATALOG_FILE: &str = "catalog.json";

/// Version of the catalog and schema layout; bumped when either changes.
pub const FORMAT: u32 = 11;

/// Characters of `text` other than white space.
fn visible_chars(text: &str) -> u64 {
    text.chars().filter(|c| !c.is_whitespace()).count() as u64
}

/// The format version of a catalog file from its first bytes (`{"format":N,`), without parsing
/// the rest: an index of another version is named as such before anything else is read.
pub fn format_of(bytes: &[u8]) -> Option<u32> {
    let rest = bytes.strip_prefix(b"{\"format\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// All indexed documents, in index order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Catalog {
    pub format: u32,
    documents: Vec<CatalogDocument>,
    /// Position of each document by id: every hit and every exported passage looks its document up.
    #[serde(skip)]
    positions: HashMap<String, usize>,
    /// (first ordinal, position) of every document, by ordinal: ranking finds a passage's
    /// document by its ordinal.
    #[serde(skip)]
    by_ordinal: std::sync::Arc<[(u64, usize)]>,
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
    /// A catalog of this version over `documents`.
    pub fn new(mut documents: Vec<CatalogDocument>) -> Catalog {
        for document in &mut documents {
            document.index_innermost();
        }
        let positions = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.meta.id.clone(), i))
            .collect();
        let mut by_ordinal: Vec<(u64, usize)> = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.first_ordinal, i))
            .collect();
        by_ordinal.sort_unstable();
        Catalog {
            format: FORMAT,
            documents,
            positions,
            by_ordinal: by_ordinal.into(),
        }
    }

    /// (first ordinal, position) of every document, sorted by ordinal: where each document's
    /// passages start, for finding the document of many passages.
    pub fn document_starts(&self) -> std::sync::Arc<[(u64, usize)]> {
        std::sync::Arc::clone(&self.by_ordinal)
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
        (passage < self.documents[position].passages).then_some((position, passage))
    }

    /// Reads a catalog from the bytes of its file (checked by the caller).
    pub fn parse(bytes: &[u8]) -> std::io::Result<Catalog> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        // One UTF-8 check of the whole file: parsing from bytes would check every string again.
        let text = std::str::from_utf8(bytes).map_err(|e| invalid(e.to_string()))?;
        let stored: Catalog = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        Ok(Catalog {
            format: stored.format,
            ..Catalog::new(stored.documents)
        })
    }

    /// The documents, in index order.
    pub fn documents(&self) -> &[CatalogDocument] {
        &self.documents
    }

    /// The catalog as the JSON of its file; `format` comes first (see [`format_of`]).
    pub fn to_json(&self) -> std::io::Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(std::io::Error::other)
    }

    /// The document with id `id`.
    pub fn document(&self, id: &str) -> Option<&CatalogDocument> {
        self.positions.get(id).map(|&i| &self.documents[i])
    }

    /// The position of the document with id `id` among [`Catalog::documents`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// Total number of passages.
    pub fn passage_count(&self) -> usize {
        self.documents.iter().map(|d| d.passages).sum()
    }
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
        let a = &catalog.documents()[position];
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
}
