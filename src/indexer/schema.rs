//! The index schema, as one struct of named fields.
//!
//! Searchable text is indexed two ways: character grams with positions (the recall guarantee) and
//! jieba words (ranking). A passage's gram field also holds the titles of its headings, so that
//! words found only in a heading still find the section's passages with one posting list a term;
//! the jieba words are the text's alone, so a match in the text itself ranks higher. Only what a
//! hit shows and what cannot be read from the catalog is stored.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use crate::analysis::tokenizers::{GRAMS, WORDS};

/// Name of the ordinal field, which the ranking reads as a column to keep document order.
pub const ORDINAL_FIELD: &str = "ordinal";

/// Every field of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `doc:locator`, the passage's citation (exact-match key).
    pub citation: Field,
    /// Document id (exact-match key, not stored: re-indexing deletes a document's passages by it).
    pub doc: Field,
    /// Position of the passage in the whole index: document order, the way to a passage's
    /// neighbours, and what filters select (a document's or a section's passages are a run of
    /// consecutive ordinals; see [`crate::search::filters`]). The catalog turns it into the
    /// passage's document and heading path.
    pub ordinal: Field,
    /// The passage text exactly as in the source, compressed on its own (stored only; see
    /// [`crate::indexer::texts`]).
    pub text: Field,
    /// The text and the titles of the enclosing headings as character grams (see
    /// [`crate::analysis::tokenizers`]), one value each: grams never span two values.
    pub grams: Field,
    /// jieba words of the text.
    pub words: Field,
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
            doc: builder.add_text_field("doc", STRING),
            ordinal: builder.add_u64_field(ORDINAL_FIELD, INDEXED | STORED | FAST),
            text: builder.add_bytes_field("text", STORED),
            grams: builder.add_text_field("grams", analyzed(GRAMS, positions)),
            words: builder.add_text_field("words", analyzed(WORDS, IndexRecordOption::WithFreqs)),
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
