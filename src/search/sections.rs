//! Resolving a `--section` filter to the sections it names.
//!
//! A filter is a section number or words of a heading:
//! - `三` or `3`: section 3 at the top outline level of each document (`3.2` goes deeper);
//! - `三、` a level-1 heading, `(三)`/`（三）` level 2, `(3)`/`（3）` level 4, with any parent;
//! - a citation `gxq-2024:3`;
//! - anything else: words contained in a heading title at any level (`营商环境`).
//!
//! A filter that names no section is an error that lists the sections, never an empty result.

use crate::analysis::normalize_str;
use crate::error::{Error, Result};
use crate::indexer::{CatalogDocument, CatalogSection};
use crate::ingest::numerals::{is_numeral_char, parse_any, parse_chinese};

/// Lines of the section list shown in an error before it is cut.
const LISTED_SECTIONS: usize = 60;

/// How a filter names sections.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SectionSpec {
    /// Dotted numbers from the document's top level (`3`, `3.2`).
    Locator(String),
    /// A heading level and number (`（三）` → level 2, number 3).
    Numbered { level: u8, number: u32 },
    /// A full section citation.
    Citation(String),
    /// Normalised words to find in heading titles.
    Words(String),
}

fn parse_spec(spec: &str) -> SectionSpec {
    let normalized = normalize_str(spec);
    if let Some(inner) = normalized
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
    {
        if let Some(number) = parse_chinese(inner) {
            return SectionSpec::Numbered { level: 2, number };
        }
        if let Some(number) = inner.parse().ok().filter(|&n: &u32| n > 0) {
            return SectionSpec::Numbered { level: 4, number };
        }
    }
    if let Some(number) = normalized.strip_suffix('、').and_then(parse_chinese) {
        return SectionSpec::Numbered { level: 1, number };
    }
    if !normalized.is_empty() && normalized.chars().all(is_numeral_char) {
        if let Some(number) = parse_chinese(&normalized) {
            return SectionSpec::Locator(number.to_string());
        }
    }
    let dotted = normalized.trim_end_matches(['.', '、']);
    if !dotted.is_empty()
        && dotted
            .split('.')
            .all(|part| parse_any(part).is_some() && part.chars().all(|c| c.is_ascii_digit()))
    {
        return SectionSpec::Locator(dotted.to_string());
    }
    if normalized.contains(':') {
        return SectionSpec::Citation(normalized.to_ascii_lowercase());
    }
    SectionSpec::Words(normalized)
}

/// The sections that `spec` names within `documents`, each with its document.
pub fn resolve_sections<'c>(
    spec: &str,
    documents: &[&'c CatalogDocument],
) -> Result<Vec<(&'c CatalogDocument, &'c CatalogSection)>> {
    let parsed = parse_spec(spec);
    let mut matched = Vec::new();
    for document in documents {
        for section in &document.sections {
            let hit = match &parsed {
                SectionSpec::Locator(locator) => section.has_locator(locator),
                SectionSpec::Numbered { level, number } => {
                    section.level == *level && section.number == *number
                }
                SectionSpec::Citation(citation) => &section.citation == citation,
                SectionSpec::Words(words) => {
                    !words.is_empty() && normalize_str(&section.title).contains(words.as_str())
                }
            };
            if hit {
                matched.push((*document, section));
            }
        }
    }
    if matched.is_empty() {
        return Err(Error::UnknownSection {
            spec: spec.to_string(),
            available: list_sections(documents),
        });
    }
    Ok(matched)
}

/// The sections of `documents` as indented lines `citation  label`, cut after a screenful.
fn list_sections(documents: &[&CatalogDocument]) -> String {
    let mut lines = Vec::new();
    for document in documents {
        for section in &document.sections {
            let indent = "  ".repeat(document.depth_of(section));
            lines.push(format!("{indent}{}  {}", section.citation, section.label()));
        }
    }
    if lines.is_empty() {
        return "  (the documents have no headings)".to_string();
    }
    let total = lines.len();
    if total > LISTED_SECTIONS {
        lines.truncate(LISTED_SECTIONS);
        lines.push(format!(
            "  … and {} more (`baogao sections` lists them all)",
            total - LISTED_SECTIONS
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_section_filter() {
        assert_eq!(parse_spec("三"), SectionSpec::Locator("3".into()));
        assert_eq!(parse_spec("3"), SectionSpec::Locator("3".into()));
        assert_eq!(parse_spec("3.2"), SectionSpec::Locator("3.2".into()));
        assert_eq!(parse_spec("３"), SectionSpec::Locator("3".into()));
        assert_eq!(
            parse_spec("(三)"),
            SectionSpec::Numbered {
                level: 2,
                number: 3
            }
        );
        assert_eq!(
            parse_spec("（三）"),
            SectionSpec::Numbered {
                level: 2,
                number: 3
            }
        );
        assert_eq!(
            parse_spec("三、"),
            SectionSpec::Numbered {
                level: 1,
                number: 3
            }
        );
        assert_eq!(
            parse_spec("(3)"),
            SectionSpec::Numbered {
                level: 4,
                number: 3
            }
        );
        assert_eq!(
            parse_spec("GXQ-2024:3"),
            SectionSpec::Citation("gxq-2024:3".into())
        );
        assert_eq!(
            parse_spec("营商环境"),
            SectionSpec::Words("营商环境".into())
        );
        assert_eq!(
            parse_spec("營商環境"),
            SectionSpec::Words("营商环境".into())
        );
    }
}
