//! baogao (报告): full-text search for Chinese official reports.
//!
//! Reports are parsed into their outline ([`ingest`]), passages are normalised and tokenised twice
//! ([`analysis`]: character n-grams for guaranteed verbatim recall, jieba words for ranking),
//! written to a tantivy index that is swapped in atomically ([`indexer`]), and searched with one
//! query language for the CLI and the HTTP front end ([`search`]), whose results both print in
//! the same formats ([`output`]).

pub mod analysis;
pub mod cli;
pub mod error;
pub mod export;
pub mod http;
pub mod indexer;
pub mod ingest;
pub mod output;
pub mod search;

pub use error::{Error, Result};
