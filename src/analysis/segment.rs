//! The Chinese segmenter on the query side: jieba's dictionary cut of a compound term.
//!
//! Loading jieba's dictionary costs about 80 ms, more than the rest of a command-line search, so it
//! is loaded (once per process, by tantivy-jieba) only when a query actually needs the cut: a single
//! term that occurs nowhere verbatim. Ranking needs no dictionary at query time: it matches the
//! term's substrings against the words jieba cut from the indexed passages (see the engine).

use tantivy::tokenizer::{TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;

use super::normalize::is_word_char;

/// jieba's default cut of a normalised term into dictionary words (no overlapping sub-words),
/// punctuation dropped: the words a compound query falls back to.
pub fn dictionary_words(term: &str) -> Vec<String> {
    let mut tokenizer = JiebaTokenizer::with_search_mode(false);
    let mut stream = tokenizer.token_stream(term);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        if token.text.chars().any(is_word_char) {
            words.push(token.text.clone());
        }
    }
    words
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
}
