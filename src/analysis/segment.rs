//! The Chinese segmenter: jieba's dictionary with the terms of government reports it lacks, one
//! instance per process for the index and the query side.
//!
//! Loading jieba's dictionary costs about 80 ms, more than the rest of a command-line search, so it
//! is loaded only when something cuts text: an index build, `compare`, or a query that needs the
//! cut (a single term that occurs nowhere verbatim). Ranking needs no dictionary at query time: it
//! matches the term's substrings against the words jieba cut from the indexed passages (see the
//! engine).

use std::sync::LazyLock;

use tantivy_jieba::jieba_rs::Jieba;

use super::normalize::is_word_char;

/// Terms that jieba's own dictionary cuts into fragments (see the file for how they are chosen).
const POLICY_TERMS: &str = include_str!("policy_terms.txt");

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for term in policy_terms() {
        jieba.add_word(term, None, None);
    }
    jieba
});

/// The process's segmenter: jieba's dictionary plus [`policy_terms`], shared by every tokenizer
/// instead of copied into each (tantivy clones a field's tokenizer for every segment it writes).
pub fn jieba() -> &'static Jieba {
    &JIEBA
}

/// The terms added to jieba's dictionary, in the order of their file.
pub fn policy_terms() -> impl Iterator<Item = &'static str> {
    POLICY_TERMS
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|term| !term.is_empty())
}

/// jieba's default cut of a normalised term into dictionary words (no overlapping sub-words),
/// punctuation dropped: the words a compound query falls back to.
pub fn dictionary_words(term: &str) -> Vec<String> {
    jieba()
        .cut(term, true)
        .into_iter()
        .filter(|token| token.word.chars().any(is_word_char))
        .map(|token| token.word.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compound_falls_back_to_its_dictionary_words() {
        assert_eq!(dictionary_words("招商引资基金"), vec!["招商引资", "基金"]);
        assert_eq!(dictionary_words("人工智能"), vec!["人工智能"]);
        assert_eq!(
            dictionary_words("规上工业增加值"),
            vec!["规上", "工业", "增加值"]
        );
    }

    #[test]
    fn policy_terms_are_whole_words() {
        for term in policy_terms() {
            assert_eq!(dictionary_words(term), vec![term], "{term}");
        }
        assert_eq!(
            dictionary_words("加快发展新质生产力"),
            vec!["加快", "发展", "新质生产力"]
        );
        assert_eq!(dictionary_words("碳达峰碳中和"), vec!["碳达峰", "碳中和"]);
    }
}
