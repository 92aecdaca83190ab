//! Reading report files: decoding, document metadata and the outline with its passages.
//!
//! A report is named `ID_TITLE.txt` (`gxq-2024_河源国家高新区2024年工作总结.txt`): the part before
//! the first `_` is the document id used in citations, the rest its title, and the first year
//! (1949–2099) in the name is its year. A `---` front-matter block with `title:`, `year:` or `id:`
//! lines overrides the name. Files named otherwise still index: the id is made from the ASCII part
//! of the name plus a short hash, the title from the name.

pub mod decode;
pub mod numerals;
pub mod outline;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use decode::DecodeError;
pub use outline::{Outline, Passage, Section};

/// File extensions read as reports.
pub const REPORT_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// Who the document is and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Short, stable id used in citations (`gxq-2024`).
    pub id: String,
    pub title: String,
    pub year: Option<u32>,
    /// The file it was read from, as given on the command line.
    pub source: PathBuf,
}

/// A parsed report: metadata plus outline.
#[derive(Debug, Clone)]
pub struct Document {
    pub meta: DocumentMeta,
    pub outline: Outline,
}

/// Why a file could not become a document.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("skipped {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: DecodeError },
    #[error("skipped {}: no passages (the file has no body text)", path.display())]
    NoPassages { path: PathBuf },
}

/// Reads and parses one report file.
pub fn read_document(path: &Path) -> Result<Document, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let decoded = decode::decode(&bytes).map_err(|reason| ReadError::Unreadable {
        path: path.to_path_buf(),
        reason,
    })?;
    let document = parse_document(path, &decoded.text);
    if document.outline.passages.is_empty() {
        return Err(ReadError::NoPassages {
            path: path.to_path_buf(),
        });
    }
    Ok(document)
}

/// Parses decoded report text; `path` supplies the metadata the text does not.
pub fn parse_document(path: &Path, text: &str) -> Document {
    let front = FrontMatter::parse(text);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name_id, name_title) = match stem.split_once('_') {
        Some((id, title)) if !title.trim().is_empty() => {
            (id.to_string(), Some(title.trim().to_string()))
        }
        _ => (stem.clone(), None),
    };
    let title = front.title.or(name_title).unwrap_or_else(|| stem.clone());
    let year = front
        .year
        .or_else(|| first_year(&stem))
        .or_else(|| first_year(&title));
    let id = front
        .id
        .map(|id| doc_id(&id))
        .unwrap_or_else(|| doc_id(&name_id));
    Document {
        meta: DocumentMeta {
            id,
            title,
            year,
            source: path.to_path_buf(),
        },
        outline: outline::parse_outline(text, front.body_start),
    }
}

/// True for characters allowed in a document id: safe unquoted in a shell and a URL path.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

/// A citation-safe id: lower-case ASCII letters, digits, `-` and `.`. A name with other characters
/// keeps its ASCII part and gains a hash of the whole name, so distinct names stay distinct.
pub fn doc_id(name: &str) -> String {
    let name = name.trim();
    if !name.is_empty() && name.chars().all(is_id_char) {
        return name.to_ascii_lowercase();
    }
    let mut ascii = String::new();
    for c in name.chars() {
        let c = if is_id_char(c) {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (ascii.is_empty() || ascii.ends_with('-'))) {
            ascii.push(c);
        }
    }
    let ascii = ascii.trim_end_matches('-');
    let hash = format!("{:06x}", fnv1a(name.as_bytes()) & 0xFF_FFFF);
    if ascii.is_empty() {
        hash
    } else {
        format!("{ascii}-{hash}")
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The first plausible year (1949–2099) standing alone as four digits in `text`.
fn first_year(text: &str) -> Option<u32> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len().saturating_sub(3)).find_map(|i| {
        let before_ok = i == 0 || !chars[i - 1].is_ascii_digit();
        let after_ok = chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        let digits: String = chars[i..i + 4].iter().collect();
        let year: u32 = digits.parse().ok()?;
        (before_ok && after_ok && (1949..=2099).contains(&year)).then_some(year)
    })
}

/// The `---` block at the top of a file, if any.
#[derive(Debug, Default)]
struct FrontMatter {
    title: Option<String>,
    year: Option<u32>,
    id: Option<String>,
    /// Char offset where the body starts (0 without front matter).
    body_start: usize,
}

impl FrontMatter {
    fn parse(text: &str) -> FrontMatter {
        let mut front = FrontMatter::default();
        let mut lines = text.split_inclusive('\n');
        if lines.next().map(str::trim) != Some("---") {
            return front;
        }
        let mut consumed = text
            .split_inclusive('\n')
            .next()
            .map_or(0, |l| l.chars().count());
        for line in lines {
            consumed += line.chars().count();
            let line = line.trim();
            if line == "---" {
                front.body_start = consumed;
                return front;
            }
            if let Some((key, value)) = line.split_once(':') {
                let value = value
                    .trim()
                    .trim_matches('"')
                    .trim_matches('\'')
                    .to_string();
                match key.trim() {
                    "title" if !value.is_empty() => front.title = Some(value),
                    "year" => front.year = value.parse().ok(),
                    "id" if !value.is_empty() => front.id = Some(value),
                    _ => {}
                }
            }
        }
        // No closing `---`: not front matter after all.
        FrontMatter::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_comes_from_the_file_name() {
        let doc = parse_document(
            Path::new("seeds/gxq-2024_河源国家高新区2024年工作总结.txt"),
            "正文。\n",
        );
        assert_eq!(doc.meta.id, "gxq-2024");
        assert_eq!(doc.meta.title, "河源国家高新区2024年工作总结");
        assert_eq!(doc.meta.year, Some(2024));
    }

    #[test]
    fn front_matter_overrides_the_name_and_is_not_a_passage() {
        let text =
            "---\ntitle: 2013年政府工作报告\nsource: http://example\n---\n一、回顾\n正文。\n";
        let doc = parse_document(Path::new("2013-北京市-政府工作报告.txt"), text);
        assert_eq!(doc.meta.title, "2013年政府工作报告");
        assert_eq!(doc.meta.year, Some(2013));
        assert_eq!(doc.outline.passages.len(), 1);
        assert_eq!(doc.outline.passages[0].text, "正文。");
        let start = doc.outline.passages[0].start;
        assert_eq!(
            text.chars().skip(start).take(3).collect::<String>(),
            "正文。"
        );
    }

    #[test]
    fn ids_are_safe_in_urls_and_shells() {
        assert_eq!(doc_id("GXQ-2024"), "gxq-2024");
        let made = doc_id("2013-北京市-政府工作报告");
        assert!(made.starts_with("2013-"), "{made}");
        assert!(made.chars().all(is_id_char), "{made}");
        assert_ne!(made, doc_id("2013-上海市-政府工作报告"));
        assert_eq!(made, doc_id("2013-北京市-政府工作报告"));
    }

    #[test]
    fn years_are_found_only_as_whole_numbers() {
        assert_eq!(first_year("gxq-2024"), Some(2024));
        assert_eq!(first_year("report-12024"), None);
        assert_eq!(first_year("1954-国务院"), Some(1954));
        assert_eq!(first_year("no year"), None);
    }
}
