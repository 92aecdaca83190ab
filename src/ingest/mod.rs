//! Reading report files: decoding, mark-up, document metadata and the outline with its passages.

pub mod decode;
pub mod markup;
pub mod meta;
pub mod numerals;
pub mod outline;

use std::path::{Path, PathBuf};

pub use decode::DecodeError;
pub use meta::{doc_id, fnv1a, DocumentMeta};
pub use outline::{Outline, Passage, Section};

/// File extensions read as reports.
pub const REPORT_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// A parsed report: metadata plus outline.
#[derive(Debug, Clone)]
pub struct Document {
    pub meta: DocumentMeta,
    pub outline: Outline,
}

/// Why a file could not become a document.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {cause}", path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("skipped {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: DecodeError },
    #[error("skipped {}: no passages (the file has no body text)", path.display())]
    NoPassages { path: PathBuf },
}

/// Reads and parses one report file.
pub fn read_document(path: &Path) -> Result<Document, ReadError> {
    let bytes = std::fs::read(path).map_err(|cause| ReadError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    parse_bytes(path, &bytes)
}

/// Decodes and parses the bytes of the report file at `path`.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<Document, ReadError> {
    let decoded = decode::decode(bytes).map_err(|reason| ReadError::Unreadable {
        path: path.to_path_buf(),
        reason,
    })?;
    let document = parse_document(path, &decoded.text);
    if document.outline.passages.is_empty() {
        return Err(ReadError::NoPassages {
            path: path.to_path_buf(),
        });
    }
    Ok(document)
}

/// Parses decoded report text; `path` supplies the metadata the text does not.
pub fn parse_document(path: &Path, text: &str) -> Document {
    let front = meta::FrontMatter::parse(text);
    let plain = markup::strip_markup(text, front.body_start);
    Document {
        meta: DocumentMeta::describe(path, &front, &plain),
        outline: outline::parse_outline(&plain),
    }
}
