//! Turning the bytes of a report file into text.
//!
//! Reports arrive as UTF-8 (with or without BOM), as GB18030/GBK from older Windows tools, or as
//! UTF-16 with a BOM. Anything else, and empty or binary files, is refused with a reason that the
//! indexer prints next to the file name.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Why a file's bytes could not be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file looks binary (it has NUL or control bytes), not a text report")]
    Binary,
    #[error("the file is neither UTF-8, UTF-16 with a BOM nor GB18030/GBK text")]
    UnknownEncoding,
}

/// The text of a report file and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes `bytes`, trying in turn: a BOM, UTF-8, GB18030.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Decoded {
            text: std::str::from_utf8(rest)
                .map_err(|_| DecodeError::UnknownEncoding)?
                .to_string(),
            encoding: "UTF-8",
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        decode_with(UTF_16LE, rest)?
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        decode_with(UTF_16BE, rest)?
    } else if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
        }
    } else {
        decode_with(GB18030, bytes)?
    };
    if decoded.text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    if looks_binary(decoded.text.as_bytes()) {
        return Err(DecodeError::Binary);
    }
    Ok(decoded)
}

fn decode_with(
    encoding: &'static encoding_rs::Encoding,
    bytes: &[u8],
) -> Result<Decoded, DecodeError> {
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(DecodeError::UnknownEncoding)?;
    Ok(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
    })
}

/// NUL bytes, or other C0 control bytes than tab, line feed, carriage return and form feed.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .take(64 * 1024)
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "（一）招商引资更加精准有效。\r\n";

    #[test]
    fn reads_utf8_with_and_without_bom() {
        assert_eq!(decode(TEXT.as_bytes()).unwrap().text, TEXT);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap().text, TEXT);
    }

    #[test]
    fn reads_gb18030() {
        let (bytes, _, _) = GB18030.encode(TEXT);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, TEXT);
        assert_eq!(decoded.encoding, "gb18030");
    }

    #[test]
    fn reads_utf16_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&le).unwrap().text, TEXT);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(TEXT.encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(&be).unwrap().text, TEXT);
    }

    #[test]
    fn refuses_empty_and_binary_files() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\r\n"), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"\x7FELF\x02\x01\x01\x00\x00"),
            Err(DecodeError::Binary)
        );
        let utf16_without_bom: Vec<u8> =
            TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&utf16_without_bom), Err(DecodeError::Binary));
    }
}
