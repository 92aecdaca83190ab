//! Searching: the query language, section filters, the engine that ranks passages, and snippets.

pub mod engine;
pub mod filters;
pub mod query;
pub mod sections;
pub mod snippet;

pub use engine::{
    CitedText, Engine, Hit, Interpretation, SearchRequest, SearchResults, Stats, MAX_LIMIT,
};
pub use filters::{Filters, YearRange};
