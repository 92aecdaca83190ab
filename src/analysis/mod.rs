//! Text analysis: one normaliser for index and query, the tokenizers of the index fields, and the
//! query-side Chinese segmenter.

pub mod normalize;
pub mod segment;
pub mod tokenizers;

pub use normalize::{normalize, normalize_str, Normalized};
