//! Tokenizers for the index fields, and the one place that registers them.
//!
//! Two views of the same normalised text are indexed:
//! - character n-grams with real positions ([`CharNgramTokenizer`]): unigrams answer one-character
//!   queries, bigrams at consecutive positions answer every longer term as a phrase. Together they
//!   find any term that occurs verbatim, whatever a segmenter makes of it.
//! - Chinese words from jieba ([`ChineseWordTokenizer`]), used for ranking: a passage where the query
//!   is a real word scores above one where it only appears inside another word.
//!
//! Fields receive text that [`crate::analysis::normalize`] has already folded, so the tokenizers
//! themselves do no case or width folding.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;
use tantivy_jieba::JiebaTokenizer;

use super::normalize::is_word_char;

/// Tokenizer name of the character unigram fields.
pub const UNIGRAM: &str = "baogao_unigram";
/// Tokenizer name of the character bigram fields.
pub const BIGRAM: &str = "baogao_bigram";
/// Tokenizer name of the jieba word field.
pub const WORDS: &str = "baogao_words";

/// Registers every tokenizer the schema names. Tokenizers are not stored with an index, so each
/// opening of an index goes through here.
pub fn register_tokenizers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(UNIGRAM, CharNgramTokenizer::new(1));
    manager.register(BIGRAM, CharNgramTokenizer::new(2));
    manager.register(WORDS, ChineseWordTokenizer::default());
}

/// Emits every run of `n` consecutive characters, the run starting at char `i` at position `i`.
///
/// tantivy's own `NgramTokenizer` puts every gram at position 0, which makes phrase queries over
/// grams meaningless; here a term of k characters is the phrase of its k-1 bigrams.
#[derive(Clone)]
pub struct CharNgramTokenizer {
    n: usize,
    boundaries: Vec<usize>,
    token: Token,
}

impl CharNgramTokenizer {
    /// A tokenizer of `n`-character grams (`n` ≥ 1).
    pub fn new(n: usize) -> Self {
        assert!(n >= 1, "n-grams need at least one character");
        CharNgramTokenizer {
            n,
            boundaries: Vec::new(),
            token: Token::default(),
        }
    }
}

impl Tokenizer for CharNgramTokenizer {
    type TokenStream<'a> = CharNgramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharNgramStream<'a> {
        self.boundaries.clear();
        self.boundaries.extend(text.char_indices().map(|(i, _)| i));
        self.boundaries.push(text.len());
        self.token.reset();
        CharNgramStream {
            text,
            n: self.n,
            boundaries: &self.boundaries,
            next_start: 0,
            token: &mut self.token,
        }
    }
}

/// The stream of [`CharNgramTokenizer`].
pub struct CharNgramStream<'a> {
    text: &'a str,
    n: usize,
    boundaries: &'a [usize],
    next_start: usize,
    token: &'a mut Token,
}

impl TokenStream for CharNgramStream<'_> {
    fn advance(&mut self) -> bool {
        let start = self.next_start;
        let end = start + self.n;
        // `boundaries` holds one entry per char plus the end of the text.
        if end >= self.boundaries.len() {
            return false;
        }
        let (from, to) = (self.boundaries[start], self.boundaries[end]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = start;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.next_start += 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// jieba's search-mode segmentation (whole words and their dictionary sub-words), minus tokens
/// that are only punctuation. Positions are ordinals, so phrase queries on this field work.
#[derive(Clone)]
pub struct ChineseWordTokenizer {
    jieba: JiebaTokenizer,
}

impl Default for ChineseWordTokenizer {
    fn default() -> Self {
        ChineseWordTokenizer {
            jieba: JiebaTokenizer::with_ordinal_position_mode(true),
        }
    }
}

impl Tokenizer for ChineseWordTokenizer {
    type TokenStream<'a> = ChineseWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseWordStream<'a> {
        ChineseWordStream {
            inner: self.jieba.token_stream(text),
        }
    }
}

/// The stream of [`ChineseWordTokenizer`].
pub struct ChineseWordStream<'a> {
    inner: tantivy_jieba::JiebaTokenStream<'a>,
}

impl TokenStream for ChineseWordStream<'_> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            if self.inner.token().text.chars().any(is_word_char) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens_of(tokenizer: &mut impl Tokenizer, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push((token.text.clone(), token.position));
        }
        tokens
    }

    fn texts(tokens: Vec<(String, usize)>) -> Vec<String> {
        tokens.into_iter().map(|(text, _)| text).collect()
    }

    #[test]
    fn bigrams_have_consecutive_positions() {
        let tokens = tokens_of(&mut CharNgramTokenizer::new(2), "华勤技术");
        assert_eq!(
            tokens,
            vec![
                ("华勤".to_string(), 0),
                ("勤技".to_string(), 1),
                ("技术".to_string(), 2)
            ]
        );
    }

    #[test]
    fn unigrams_cover_every_character_including_numbers_and_signs() {
        let tokens = texts(tokens_of(&mut CharNgramTokenizer::new(1), "水14.2%"));
        assert_eq!(tokens, vec!["水", "1", "4", ".", "2", "%"]);
    }

    #[test]
    fn a_text_shorter_than_n_yields_nothing() {
        assert!(tokens_of(&mut CharNgramTokenizer::new(2), "水").is_empty());
        assert!(tokens_of(&mut CharNgramTokenizer::new(1), "").is_empty());
    }

    #[test]
    fn chinese_words_drop_punctuation_and_use_ordinal_positions() {
        let tokens = tokens_of(&mut ChineseWordTokenizer::default(), "招商引资，基金。");
        let words = texts(tokens.clone());
        assert!(words.contains(&"招商引资".to_string()), "{words:?}");
        assert!(words.contains(&"基金".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "，" || w == "。"), "{words:?}");
        let positions: Vec<usize> = tokens.iter().map(|(_, p)| *p).collect();
        assert!(positions.iter().all(|&p| p < 10), "{positions:?}");
    }
}
