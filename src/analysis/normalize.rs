//! The one normaliser used at index time and at query time.
//!
//! Users type full-width digits, traditional characters and mixed case; reports print the same words
//! in other forms. Both sides therefore go through [`normalize`]: NFKC (`１４．２％` → `14.2%`), case
//! folding (`AA+` → `aa+`), traditional → simplified (`招商引資` → `招商引资`), and white space dropped
//! (it carries no meaning inside Chinese text). Every normalised character remembers which source
//! character it came from, so snippets and offsets still point into the original text.

use unicode_normalization::UnicodeNormalization;

/// Normalised text plus, for each of its characters, the index of the source character it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `source_char[i]` is the char index in the source of the i-th char of `text`.
    pub source_char: Vec<u32>,
}

/// Normalises `source` and keeps the char-level map back into it.
pub fn normalize(source: &str) -> Normalized {
    let mut folded = String::with_capacity(source.len());
    let mut source_char = Vec::with_capacity(source.len() / 3 + 1);
    for (index, c) in source.chars().enumerate() {
        fold_char(c, |folded_char| {
            folded.push(folded_char);
            source_char.push(index as u32);
        });
    }
    // fast2s converts character by character, so the char map stays valid.
    let text = fast2s::convert(&folded);
    debug_assert_eq!(text.chars().count(), source_char.len());
    Normalized { text, source_char }
}

/// Normalises a query term or a heading: the same folding as [`normalize`], without the map.
pub fn normalize_str(source: &str) -> String {
    normalize(source).text
}

/// NFKC and lower case for one source character; white space yields nothing.
fn fold_char(c: char, mut emit: impl FnMut(char)) {
    if c.is_ascii() {
        // `is_whitespace`, not `is_ascii_whitespace`: the query parser splits terms on the same
        // characters, vertical tab included.
        if !c.is_whitespace() {
            emit(c.to_ascii_lowercase());
        }
        return;
    }
    // CJK unified ideographs are NFKC-stable and have no case: the common path stays cheap.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        emit(c);
        return;
    }
    for n in std::iter::once(c).nfkc() {
        if n.is_whitespace() {
            continue;
        }
        for lower in n.to_lowercase() {
            emit(lower);
        }
    }
}

/// True for characters that carry searchable content: letters (including CJK), digits. The CJK
/// Unified Ideographs, most of every report, are answered without the Unicode table lookup.
pub fn is_word_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_become_half_width() {
        assert_eq!(normalize_str("１４．２％"), "14.2%");
        assert_eq!(normalize_str("ＡＡ＋"), "aa+");
        assert_eq!(normalize_str("（一）"), "(一)");
    }

    #[test]
    fn case_is_folded() {
        assert_eq!(normalize_str("AA+"), "aa+");
        assert_eq!(normalize_str("GDP"), "gdp");
    }

    #[test]
    fn traditional_becomes_simplified() {
        assert_eq!(normalize_str("招商引資"), "招商引资");
        assert_eq!(normalize_str("農夫山泉"), "农夫山泉");
        assert_eq!(normalize_str("華勤技術"), "华勤技术");
        assert_eq!(normalize_str("國道205線"), "国道205线");
    }

    #[test]
    fn simplified_text_is_unchanged() {
        let text = "2024年,园区实现规上工业增加值133.6亿元。";
        assert_eq!(normalize_str(text), text);
    }

    #[test]
    fn white_space_is_dropped_and_the_map_points_into_the_source() {
        let n = normalize("Ａ　b\u{a0}水 ");
        assert_eq!(n.text, "ab水");
        assert_eq!(n.source_char, vec![0, 2, 4]);
    }

    #[test]
    fn compatibility_characters_expand_with_their_source_index() {
        // U+3392 SQUARE MHZ expands to three characters, all from source char 1.
        let n = normalize("1㎒");
        assert_eq!(n.text, "1mhz");
        assert_eq!(n.source_char, vec![0, 1, 1, 1]);
    }

    #[test]
    fn word_chars_exclude_punctuation() {
        assert!(is_word_char('水'));
        assert!(is_word_char('7'));
        assert!(!is_word_char('，'));
        assert!(!is_word_char('%'));
        assert!(!is_word_char('“'));
    }
}
