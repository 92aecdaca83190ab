//! Tokenizers for the index fields, and the one place that registers them.
//!
//! Two views of the same normalised text are indexed:
//! - character grams with real positions ([`GramTokenizer`]): every letter, digit or Chinese
//!   character starts exactly one token, the bigram it forms with the next character (punctuation
//!   included), or itself alone at the end of a value. A longer term is a phrase of its bigrams;
//!   one character is every gram that starts with it (see [`crate::search`]). Together they find
//!   any term that occurs verbatim, whatever a segmenter makes of it.
//! - Chinese words from jieba ([`ChineseWordTokenizer`]), used for ranking: a passage where the query
//!   is a real word scores above one where it only appears inside another word.
//!
//! Fields receive text that [`crate::analysis::normalize`] has already folded, so the tokenizers
//! themselves do no case or width folding.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;
use tantivy_jieba::jieba_rs;

use super::normalize::is_word_char;
use super::segment;

/// Tokenizer name of the character gram field.
pub const GRAMS: &str = "baogao_grams";
/// Tokenizer name of the jieba word field.
pub const WORDS: &str = "baogao_words";

/// Registers every tokenizer the schema names. Tokenizers are not stored with an index, so each
/// opening of an index goes through here.
pub fn register_tokenizers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(GRAMS, GramTokenizer::default());
    manager.register(WORDS, ChineseWordTokenizer);
}

/// Emits, for the character at `i`, the bigram of it and the next character at position `i`, and
/// for the last character, that character alone; punctuation marks start no gram.
///
/// One token per character keeps the field as small as a bigram field while a one-character query
/// still finds every occurrence (as a prefix of the grams). A mark is still found as the end of the
/// bigram before it (`展，`), so a term with marks inside stays exact; grams that start with a mark
/// would be a tenth of the tokens and match only queries that are punctuation. tantivy's own
/// `NgramTokenizer` puts every gram at position 0, which makes phrase queries over grams
/// meaningless; here a term of k characters is the phrase of its k-1 bigrams.
#[derive(Clone, Default)]
pub struct GramTokenizer {
    boundaries: Vec<usize>,
    token: Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        self.boundaries.clear();
        self.boundaries.extend(text.char_indices().map(|(i, _)| i));
        self.boundaries.push(text.len());
        self.token.reset();
        GramStream {
            text,
            boundaries: &self.boundaries,
            next_start: 0,
            token: &mut self.token,
        }
    }
}

/// The stream of [`GramTokenizer`].
pub struct GramStream<'a> {
    text: &'a str,
    boundaries: &'a [usize],
    next_start: usize,
    token: &'a mut Token,
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        // `boundaries` holds one entry per char plus the end of the text.
        let chars = self.boundaries.len() - 1;
        let mut start = self.next_start;
        while start < chars && !self.text[self.boundaries[start]..].starts_with(is_word_char) {
            start += 1;
        }
        if start >= chars {
            return false;
        }
        let end = (start + 2).min(chars);
        let (from, to) = (self.boundaries[start], self.boundaries[end]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = start;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.next_start = start + 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// jieba's segmentation (HMM on, for names it does not know), words of two characters or more.
///
/// The field only ranks: a query word counts where jieba cut it from the passage as a word of its
/// own. Single characters and punctuation would add a third of the tokens and rank nothing that
/// the character grams do not, and search mode's sub-words of compounds would boost a word where
/// it is only part of another. The dictionary is [`segment::jieba`]'s, with the policy terms.
#[derive(Clone, Default)]
pub struct ChineseWordTokenizer;

impl Tokenizer for ChineseWordTokenizer {
    type TokenStream<'a> = ChineseWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseWordStream<'a> {
        ChineseWordStream {
            words: segment::jieba().cut(text, true).into_iter(),
            token: Token::default(),
        }
    }
}

/// The stream of [`ChineseWordTokenizer`]: a token's position is its first character's.
pub struct ChineseWordStream<'a> {
    words: std::vec::IntoIter<jieba_rs::Token<'a>>,
    token: Token,
}

impl TokenStream for ChineseWordStream<'_> {
    fn advance(&mut self) -> bool {
        for word in self.words.by_ref() {
            let text = word.word;
            if text.chars().nth(1).is_some() && text.chars().any(is_word_char) {
                self.token.offset_from = word.byte_start;
                self.token.offset_to = word.byte_end;
                self.token.position = word.start;
                self.token.position_length = word.end - word.start;
                self.token.text.clear();
                self.token.text.push_str(text);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
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

    /// The grams of `text` as (gram, position) pairs.
    fn grams(text: &str) -> Vec<(String, usize)> {
        tokens_of(&mut GramTokenizer::default(), text)
    }

    fn pairs(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
        expected.iter().map(|&(t, p)| (t.to_string(), p)).collect()
    }

    #[test]
    fn every_character_starts_one_gram_at_its_position() {
        let expected = [("华勤", 0), ("勤技", 1), ("技术", 2), ("术", 3)];
        assert_eq!(grams("华勤技术"), pairs(&expected));
    }

    #[test]
    fn punctuation_ends_grams_but_starts_none() {
        let expected = [("水1", 0), ("14", 1), ("4.", 2), ("2%", 4), ("好", 7)];
        assert_eq!(grams("水14.2%，好"), pairs(&expected));
    }

    #[test]
    fn one_character_is_one_gram_and_nothing_is_none() {
        assert_eq!(grams("水"), pairs(&[("水", 0)]));
        assert!(grams("").is_empty());
    }

    #[test]
    fn chinese_words_are_whole_words_of_two_characters_or_more() {
        let words = texts(tokens_of(
            &mut ChineseWordTokenizer,
            "招商引资，基金和人才。",
        ));
        assert_eq!(words, vec!["招商引资", "基金", "人才"]);
        let tokens = tokens_of(&mut ChineseWordTokenizer, "加快发展新质生产力");
        assert_eq!(tokens.last(), Some(&("新质生产力".to_string(), 4)));
    }
}
