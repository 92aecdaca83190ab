//! The index schema, as one struct of named fields.
//!
//! Text is indexed three ways: character unigrams and bigrams with positions (the recall guarantee)
//! and jieba words (ranking). Headings get their own n-gram fields so a heading match can be boosted
//! and so words found only in a heading still find the section's passages.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use crate::analysis::tokenizers::{BIGRAM, UNIGRAM, WORDS};

/// Name of the ordinal field, which the ranking reads as a column to keep document order.
pub const ORDINAL_FIELD: &str = "ordinal";

/// Every field of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `doc:locator`, the passage's citation (exact-match key).
    pub citation: Field,
    /// Document id (exact-match key).
    pub doc: Field,
    /// Issuer of the document (exact-match key).
    pub issuer: Field,
    pub year: Field,
    /// Position of the passage in the whole index: document order, and the way to a passage's
    /// neighbours.
    pub ordinal: Field,
    /// Citations of every section enclosing the passage (exact-match keys, for section filters).
    pub sections: Field,
    /// Heading labels from the top down (stored, multi-valued).
    pub section_path: Field,
    pub paragraph: Field,
    pub item: Field,
    pub start: Field,
    pub end: Field,
    /// The passage text exactly as in the source (stored only).
    pub text: Field,
    pub body_unigrams: Field,
    pub body_bigrams: Field,
    pub heading_unigrams: Field,
    pub heading_bigrams: Field,
    pub body_words: Field,
}

fn analyzed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

impl Fields {
    /// Builds the schema and the field handles that go with it.
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let fields = Fields {
            citation: builder.add_text_field("citation", STRING | STORED),
            doc: builder.add_text_field("doc", STRING | STORED),
            issuer: builder.add_text_field("issuer", STRING),
            year: builder.add_u64_field("year", INDEXED | STORED),
            ordinal: builder.add_u64_field(ORDINAL_FIELD, INDEXED | STORED | FAST),
            sections: builder.add_text_field("sections", STRING),
            section_path: builder.add_text_field("section_path", STORED),
            paragraph: builder.add_u64_field("paragraph", STORED),
            item: builder.add_u64_field("item", STORED),
            start: builder.add_u64_field("start", STORED),
            end: builder.add_u64_field("end", STORED),
            text: builder.add_text_field("text", STORED),
            body_unigrams: builder.add_text_field(
                "body_unigrams",
                analyzed(UNIGRAM, IndexRecordOption::WithFreqs),
            ),
            body_bigrams: builder.add_text_field("body_bigrams", analyzed(BIGRAM, positions)),
            heading_unigrams: builder.add_text_field(
                "heading_unigrams",
                analyzed(UNIGRAM, IndexRecordOption::WithFreqs),
            ),
            heading_bigrams: builder.add_text_field("heading_bigrams", analyzed(BIGRAM, positions)),
            body_words: builder
                .add_text_field("body_words", analyzed(WORDS, IndexRecordOption::WithFreqs)),
        };
        (builder.build(), fields)
    }

    /// The field handles of an opened index, checked against what this version writes.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let (expected, fields) = Fields::schema();
        if &expected != schema {
            return Err(tantivy::TantivyError::SchemaError(
                "the index was written by another version of baogao".to_string(),
            ));
        }
        Ok(fields)
    }
}
