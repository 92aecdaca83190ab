//! The library's error type. Each variant says what was wrong with which input; the binary maps
//! [`Error::is_usage`] to exit code 2 and everything else to 1.

use std::path::PathBuf;

/// Everything that can go wrong in baogao, worded for the person who typed the command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("bad query {query:?}: {reason}")]
    BadQuery { query: String, reason: String },
    #[error("no section matches {spec:?}; the sections are:\n{available}")]
    UnknownSection { spec: String, available: String },
    #[error("no document {id:?}; the documents are: {available}")]
    UnknownDocument { id: String, available: String },
    #[error("no passage or section has the citation {0:?} (a citation looks like gxq-2024:2.1; `baogao sections` lists them)")]
    UnknownCitation(String),
    #[error("{0}")]
    BadArgument(String),
    #[error("no index at {}: build it with `baogao index --index {}`", .0.display(), .0.display())]
    NoIndex(PathBuf),
    #[error("the index at {} cannot be read ({reason}); rebuild it with `baogao index --index {}`", path.display(), path.display())]
    BadIndex { path: PathBuf, reason: String },
    #[error("no reports to index in {0} (looked for readable .txt and .md files)")]
    NothingToIndex(String),
    #[error("document id {id:?} is used by both {} and {}: rename one of the files", first.display(), second.display())]
    DuplicateDocument {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(transparent)]
    Read(#[from] crate::ingest::ReadError),
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },
}

impl Error {
    /// True when the input was wrong (bad query, unknown section or citation): exit code 2.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::BadQuery { .. }
                | Error::UnknownSection { .. }
                | Error::UnknownDocument { .. }
                | Error::UnknownCitation(_)
                | Error::BadArgument(_)
        )
    }

    /// True when output went to a pipe that its reader closed (`baogao export | head`): not a
    /// failure of baogao's.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { cause, .. } if cause.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, cause: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            cause,
        }
    }
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
