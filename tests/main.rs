//! The integration tests, in one binary so that tantivy and axum link once: the real `baogao`
//! binary (`cli`, `browser`) and the real HTTP router (`http`) on the seed report and on real
//! government work reports (`corpus`).

mod browser;
mod cli;
mod corpus;
mod durability;
mod http;
mod properties;
mod util;
