//! Document metadata: id, title, issuer and year, from front matter, the file name and the text.
//!
//! Two naming conventions are understood:
//! - `ID_TITLE.txt` (`gxq-2024_河源国家高新区2024年工作总结.txt`): the part before the first `_` is
//!   the document id, the rest its title;
//! - `YEAR-ISSUER-KIND.txt` (`2024-国务院-政府工作报告.txt`, the corpus convention): the id is
//!   `YEAR-ISSUER` (`2024-国务院`), the issuer `国务院`.
//!
//! A `---` front-matter block with `title:`, `year:`, `issuer:` or `id:` lines overrides the name.
//! Without a title there, the report's first line is its title when it reads like one (short, no
//! full stop); without a year anywhere else, the first year in the opening lines counts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::markup::PlainText;

/// Longest first line taken as the title, in characters.
const MAX_TITLE_LINE_CHARS: usize = 40;
/// Opening lines searched for a year when nothing else gives one.
const YEAR_LINES: usize = 5;

/// Who the document is and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Short, stable id used in citations (`gxq-2024`, `2024-国务院`).
    pub id: String,
    pub title: String,
    /// Who issued it (`国务院`, `东营市`), when known.
    pub issuer: Option<String>,
    pub year: Option<u32>,
    /// The file it was read from, as given on the command line.
    pub source: PathBuf,
    /// Where the report was published online, from the file's front matter (`source:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl DocumentMeta {
    /// The metadata of the report at `path`, with front matter `front` and body `plain`.
    pub fn describe(path: &Path, front: &FrontMatter, plain: &PlainText) -> DocumentMeta {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = NameParts::of(&stem);
        let opening: Vec<String> = plain
            .chars
            .iter()
            .collect::<String>()
            .lines()
            .map(|line| line.trim().to_string())
            .filter(|line| !line.is_empty())
            .take(YEAR_LINES)
            .collect();
        let title_line = opening
            .first()
            .filter(|line| {
                line.chars().count() <= MAX_TITLE_LINE_CHARS && !line.contains(['。', '，', '：'])
            })
            .cloned();
        let title = front
            .title
            .clone()
            .or(name.title)
            .or(title_line)
            .unwrap_or_else(|| stem.clone());
        let year = front
            .year
            .or_else(|| first_year(&stem))
            .or_else(|| first_year(&title))
            .or_else(|| opening.iter().find_map(|line| first_year(line)));
        let issuer = front
            .issuer
            .clone()
            .or(name.issuer)
            .or_else(|| issuer_before_year(&title));
        DocumentMeta {
            id: doc_id(front.id.as_deref().unwrap_or(&name.id)),
            title,
            issuer,
            year,
            source: path.to_path_buf(),
            url: front.url.clone(),
        }
    }
}

/// What a file name says.
struct NameParts {
    id: String,
    title: Option<String>,
    issuer: Option<String>,
}

impl NameParts {
    fn of(stem: &str) -> NameParts {
        if let Some((id, title)) = stem.split_once('_').filter(|(_, t)| !t.trim().is_empty()) {
            return NameParts {
                id: id.to_string(),
                title: Some(title.trim().to_string()),
                issuer: None,
            };
        }
        let parts: Vec<&str> = stem.split('-').collect();
        if let [leading @ .., issuer, kind] = parts.as_slice() {
            if !leading.is_empty() && first_year(leading[0]).is_some() && kind.chars().all(is_cjk) {
                return NameParts {
                    id: parts[..parts.len() - 1].join("-"),
                    title: None,
                    issuer: Some(issuer.to_string()),
                };
            }
        }
        NameParts {
            id: stem.to_string(),
            title: None,
            issuer: None,
        }
    }
}

/// `河源国家高新区` from `河源国家高新区2024年工作总结`: a Chinese name right before the year.
fn issuer_before_year(title: &str) -> Option<String> {
    let prefix: String = title.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let enough =
        prefix.chars().count() >= 2 && prefix.chars().all(is_cjk) && prefix.len() < title.len();
    enough.then_some(prefix)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// True for characters allowed in a document id: safe unquoted in a shell, and in a URL path
/// once percent-encoded like any Chinese text.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || is_cjk(c)
}

/// A citation-safe id: lower-case ASCII letters, digits, Chinese characters, `-` and `.`. A name
/// with other characters keeps those and gains a hash of the whole name, so distinct names stay
/// distinct.
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

/// FNV-1a, 64 bits: a stable hash for ids and file contents (std's hasher may change between
/// Rust versions).
pub fn fnv1a(bytes: &[u8]) -> u64 {
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
pub struct FrontMatter {
    pub title: Option<String>,
    pub year: Option<u32>,
    pub issuer: Option<String>,
    pub id: Option<String>,
    /// Where the report was published online (`source:`).
    pub url: Option<String>,
    /// Char offset where the body starts (0 without front matter).
    pub body_start: usize,
}

impl FrontMatter {
    /// Reads the front matter at the top of `text`, if any.
    pub fn parse(text: &str) -> FrontMatter {
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
                    "issuer" if !value.is_empty() => front.issuer = Some(value),
                    "source" if value.starts_with("http") => front.url = Some(value),
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
    use crate::ingest::parse_document;

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
