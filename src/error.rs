//! The library's error type. Each variant says what was wrong with which input and keeps the
//! error that caused it as its [`source`](std::error::Error::source), so that the binary prints
//! the whole chain (`{:#}`) and a server log keeps tantivy's own words. The binary maps
//! [`Error::is_usage`] to exit code 2 and everything else to 1.

use std::path::PathBuf;

/// A boxed cause, for errors of several kinds behind one variant.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in baogao, worded for the person who typed the command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The query cannot be parsed (empty, only punctuation, unbalanced quote, too long, …).
    #[error("bad query {query:?}: {reason}")]
    BadQuery { query: String, reason: String },
    /// A `--section` filter names no section; `available` lists them.
    #[error("no section matches {spec:?}; the sections are:\n{available}")]
    UnknownSection { spec: String, available: String },
    /// A `--doc` filter or `compare` names no document; `available` says which ids are like it.
    #[error("no document {id:?}; {available}")]
    UnknownDocument { id: String, available: String },
    /// `get` or a passage URL names no passage or section.
    #[error("no passage or section has the citation {0:?} (a citation looks like gxq-2024:2.1; `baogao sections` lists them)")]
    UnknownCitation(String),
    /// An argument out of bounds or a filter that selects nothing; the message says which.
    #[error("{0}")]
    BadArgument(String),
    /// No index was ever built under the directory.
    #[error("no index at {}: build it with `baogao index --index {}`", .0.display(), .0.display())]
    NoIndex(PathBuf),
    /// The current generation is damaged or was written by another version.
    #[error("the index at {} cannot be read ({reason}); rebuild it with `baogao index REPORTS... --index {}` (the files or folders it was built from; seeds/ when none is named)", path.display(), path.display())]
    BadIndex {
        path: PathBuf,
        /// Which part could not be read, or why the index is refused.
        reason: String,
        #[source]
        source: Option<Cause>,
    },
    /// The paths given to `index` hold no report file.
    #[error("no reports to index in {0} (looked for readable .txt and .md files)")]
    NothingToIndex(String),
    /// Two report files would get the same document id.
    #[error("document id {id:?} is used by both {} and {}: rename one of the files", first.display(), second.display())]
    DuplicateDocument {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },
    /// A report file could not be read.
    #[error(transparent)]
    Read(#[from] crate::ingest::ReadError),
    /// tantivy failed while writing or searching the index.
    #[error("index error")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A build failed while it wrote its new generation; the previous one is still current.
    #[error("cannot write the new index under {}; the previous index is kept", root.display())]
    WriteIndex {
        root: PathBuf,
        #[source]
        source: Box<Error>,
    },
    /// A file could not be read or written; `context` says which and what for.
    #[error("{context}")]
    Io {
        context: String,
        #[source]
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
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(error) = cause {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return true;
            }
            cause = error.source();
        }
        false
    }

    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, cause: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            cause,
        }
    }

    /// A damaged index at `path`: `reason` names the part, `source` what went wrong in it.
    pub fn bad_index(
        path: impl Into<PathBuf>,
        reason: impl Into<String>,
        source: impl Into<Cause>,
    ) -> Error {
        Error::BadIndex {
            path: path.into(),
            reason: reason.into(),
            source: Some(source.into()),
        }
    }

    /// The error and its causes in one line (`outer: cause: cause`), for logs and JSON answers.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            text.push_str(": ");
            text.push_str(&error.to_string());
            cause = error.source();
        }
        text
    }
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
