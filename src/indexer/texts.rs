//! Passage texts as the index stores them: each compressed on its own with a zstd dictionary
//! trained on the index's own passages.
//!
//! tantivy's document store compresses blocks of 16 KB, so showing one hit meant decompressing
//! the block around it: more than half the instructions of a search with ten hits. A dictionary
//! of the phrases reports share lets a single passage compress better than a block of them did,
//! and a hit decompresses only its own bytes. The dictionary is trained when an index first holds
//! enough text and kept by every later update, so passages written by different builds read
//! alike. Without a dictionary (a small collection), passages are stored as they are, and the
//! document store's own lz4 compresses them: a tiny zstd frame would spend more time building its
//! own entropy tables than decompressing its text.

use std::io;
use std::sync::{Mutex, OnceLock};

use zstd::dict::{DecoderDictionary, EncoderDictionary};
use zstd::zstd_safe::{self, DCtx};

/// File of the dictionary inside an index generation.
pub const DICTIONARY_FILE: &str = "texts.dict";
/// Largest dictionary zstd may train: larger ones compressed the corpus little better.
const DICTIONARY_BYTES: usize = 112 * 1024;
/// Least passage text worth training a dictionary on.
const SMALLEST_SAMPLE: usize = 100 * 1024;
/// zstd's default level: higher levels compressed passages barely smaller and slower.
const LEVEL: i32 = 3;
/// Largest passage text a frame may announce: more means the bytes are not a passage.
const LARGEST_TEXT: u64 = 256 << 20;
/// How a zstd frame begins; UTF-8 text never does (0xB5 cannot follow '(').
const ZSTD_MAGIC: [u8; 4] = 0xFD2F_B528u32.to_le_bytes();

/// Compresses and decompresses passage texts with one dictionary.
pub struct TextCodec {
    dictionary: Vec<u8>,
    /// Prepared from `dictionary` on first use: a command that reads no passage, or writes
    /// none, does not pay for it.
    encoder: OnceLock<EncoderDictionary<'static>>,
    decoder: OnceLock<DecoderDictionary<'static>>,
    /// Decompression contexts of earlier reads, kept for the next ones: making a context costs
    /// more than decompressing a passage.
    contexts: Mutex<Vec<DCtx<'static>>>,
}

impl TextCodec {
    /// Trains a dictionary on `samples` (passage texts), at most a quarter of their size: zstd
    /// advises a tenth, but on the corpus a sixth (112 KB of 0.72 MB) stored the texts 0.7 MB
    /// smaller than a tenth. Too little text trains none (a small collection gains nothing from
    /// one): passages are then compressed without.
    pub fn train<S: AsRef<[u8]>>(samples: &[S]) -> TextCodec {
        let sample_bytes: usize = samples.iter().map(|s| s.as_ref().len()).sum();
        let dictionary = if sample_bytes < SMALLEST_SAMPLE {
            Vec::new()
        } else {
            zstd::dict::from_samples(samples, DICTIONARY_BYTES.min(sample_bytes / 4))
                .unwrap_or_default()
        };
        TextCodec::with_dictionary(dictionary)
    }

    /// A codec over `dictionary` as its file holds it (empty: passages stored as they are).
    pub fn with_dictionary(dictionary: Vec<u8>) -> TextCodec {
        TextCodec {
            encoder: OnceLock::new(),
            decoder: OnceLock::new(),
            dictionary,
            contexts: Mutex::new(Vec::new()),
        }
    }

    /// The dictionary's bytes, as its file holds them (empty without a dictionary).
    pub fn dictionary(&self) -> &[u8] {
        &self.dictionary
    }

    /// Whether passages are compressed with a dictionary (else stored as they are).
    pub fn has_dictionary(&self) -> bool {
        !self.dictionary.is_empty()
    }

    /// Compresses the texts of `passages`, each on its own.
    pub fn compress_all<'a>(
        &self,
        passages: impl Iterator<Item = &'a str>,
    ) -> io::Result<Vec<Vec<u8>>> {
        if !self.has_dictionary() {
            return Ok(passages.map(|text| text.as_bytes().to_vec()).collect());
        }
        let encoder = self
            .encoder
            .get_or_init(|| EncoderDictionary::copy(&self.dictionary, LEVEL));
        let mut compressor = zstd::bulk::Compressor::with_prepared_dictionary(encoder)?;
        passages
            .map(|text| compressor.compress(text.as_bytes()))
            .collect()
    }

    /// The text of a passage from its stored bytes: a zstd frame, or the text itself when it was
    /// stored while the index had no dictionary.
    pub fn decompress(&self, bytes: &[u8]) -> io::Result<String> {
        let invalid = |reason: &str| io::Error::new(io::ErrorKind::InvalidData, reason.to_string());
        if !bytes.starts_with(&ZSTD_MAGIC) {
            return String::from_utf8(bytes.to_vec())
                .map_err(|_| invalid("a passage text is not UTF-8"));
        }
        let size = zstd_safe::get_frame_content_size(bytes)
            .ok()
            .flatten()
            .filter(|&size| size <= LARGEST_TEXT)
            .ok_or_else(|| invalid("a passage text is not a zstd frame with its size"))?;
        let mut context = self
            .contexts
            .lock()
            .ok()
            .and_then(|mut contexts| contexts.pop())
            .unwrap_or_else(DCtx::create);
        let mut text = Vec::with_capacity(size as usize);
        let decoder = self
            .decoder
            .get_or_init(|| DecoderDictionary::copy(&self.dictionary));
        let result = context.decompress_using_ddict(&mut text, bytes, decoder.as_ddict());
        if let Ok(mut contexts) = self.contexts.lock() {
            contexts.push(context);
        }
        result.map_err(|code| invalid(zstd_safe::get_error_name(code)))?;
        String::from_utf8(text).map_err(|_| invalid("a passage text is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(codec: &TextCodec, texts: &[&str]) {
        let compressed = codec.compress_all(texts.iter().copied()).unwrap();
        for (text, bytes) in texts.iter().zip(&compressed) {
            assert_eq!(&codec.decompress(bytes).unwrap(), text);
        }
    }

    #[test]
    fn too_little_text_trains_no_dictionary_and_stores_passages_as_they_are() {
        // About the seed report: 20 passages, 19 KB.
        let report: Vec<String> = (0..20)
            .map(|i| format!("第{i}项：推动高质量发展，").repeat(30))
            .collect();
        let codec = TextCodec::train(&report);
        assert!(!codec.has_dictionary());
        let texts = ["推动高质量发展", "", "ＧＤＰ增长5.2%", "(括号开头)"];
        round_trip(&codec, &texts);
        let stored = codec.compress_all(texts.iter().copied()).unwrap();
        assert_eq!(stored[0], "推动高质量发展".as_bytes());
    }

    #[test]
    fn a_trained_dictionary_makes_short_passages_smaller_and_survives_a_reload() {
        let phrases = [
            "坚持以习近平新时代中国特色社会主义思想为指导",
            "全面贯彻党的二十大精神",
            "推动经济实现质的有效提升和量的合理增长",
            "加快发展新质生产力",
            "扎实推进乡村全面振兴",
        ];
        let samples: Vec<String> = (0..2000)
            .map(|i| {
                format!(
                    "{}，{}，第{i}项工作{}。",
                    phrases[i % 5],
                    phrases[(i * 7 + 1) % 5],
                    phrases[(i * 3 + 2) % 5]
                )
            })
            .collect();
        let trained = TextCodec::train(&samples);
        assert!(trained.has_dictionary());
        let passage =
            "全面贯彻党的二十大精神，加快发展新质生产力，第9999项工作扎实推进乡村全面振兴。";
        let compressed = trained.compress_all([passage].into_iter()).unwrap();
        assert!(compressed[0].starts_with(&ZSTD_MAGIC));
        assert!(
            compressed[0].len() < passage.len() / 2,
            "{}",
            compressed[0].len()
        );

        let reloaded = TextCodec::with_dictionary(trained.dictionary().to_vec());
        round_trip(&reloaded, &[passage]);
        // Passages stored while the index had no dictionary still read.
        assert_eq!(reloaded.decompress(passage.as_bytes()).unwrap(), passage);
    }

    #[test]
    fn bytes_that_are_not_a_passage_are_an_error() {
        let codec = TextCodec::with_dictionary(Vec::new());
        assert!(codec.decompress(b"\xff not UTF-8").is_err());
        let whole = zstd::bulk::compress("推动高质量发展".repeat(20).as_bytes(), 3).unwrap();
        assert!(codec.decompress(&whole[..whole.len() - 3]).is_err());
        // A failed read leaves the codec usable.
        assert_eq!(
            codec.decompress(&whole).unwrap(),
            "推动高质量发展".repeat(20)
        );
    }
}
