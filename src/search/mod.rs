//! Searching: the query language, filters, checked requests, the engine that matches and ranks
//! passages, the passages behind citations, and snippets.

mod char_query;
pub mod compare;
pub mod counting;
pub mod engine;
pub mod facets;
pub mod filters;
mod first_phase;
mod headings;
pub mod kwic;
pub mod passages;
pub mod query;
pub mod reference;
pub mod request;
pub mod sections;
pub mod snippet;
pub mod trend;
pub mod verify;

pub use engine::{Engine, Hit, Interpretation, MatchMode, Matching, SearchResults, Stats};
pub use filters::{Filters, YearRange};
pub use passages::{CitedKind, CitedText, Passage};
pub use request::{Page, SearchRequest, DEFAULT_LIMIT, MAX_LIMIT, MAX_RESULT_WINDOW};
pub use verify::Verified;
