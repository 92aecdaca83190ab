//! Searching: the query language, section filters, the engine that ranks passages, the passages
//! behind citations, and snippets.

mod char_query;
pub mod engine;
pub mod filters;
mod first_phase;
mod headings;
pub mod passages;
pub mod query;
pub mod sections;
pub mod snippet;

pub use engine::{Engine, Hit, Interpretation, SearchRequest, SearchResults, Stats, MAX_LIMIT};
pub use filters::{Filters, YearRange};
pub use passages::CitedText;
