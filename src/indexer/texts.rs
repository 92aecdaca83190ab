//! Passage texts as the index stores them: each compressed on its own with a zstd dictionary
//! trained on the index's own passages.
//!
//! tantivy's document store compresses blocks of 16 KB, so showing one hit meant decompressing
//! the block around it: more than half the instructions of a search with ten hits. A dictionary
//! of the phrases reports share lets a single passage compress better than a block of them did,
//! and a hit decompresses only its own bytes. The dictionary is trained when an index is first built
//! and kept by every update of it, so passages written by different builds read alike.

use std::io;
use std::path::Path;
use std::sync::Mutex;

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

/// Compresses and decompresses passage texts with one dictionary.
pub struct TextCodec {
    dictionary: Vec<u8>,
    encoder: EncoderDictionary<'static>,
    decoder: DecoderDictionary<'static>,
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

    fn with_dictionary(dictionary: Vec<u8>) -> TextCodec {
        TextCodec {
            encoder: EncoderDictionary::copy(&dictionary, LEVEL),
            decoder: DecoderDictionary::copy(&dictionary),
            dictionary,
            contexts: Mutex::new(Vec::new()),
        }
    }

    /// Reads the dictionary of an index generation.
    pub fn load(dir: &Path) -> io::Result<TextCodec> {
        Ok(TextCodec::with_dictionary(std::fs::read(
            dir.join(DICTIONARY_FILE),
        )?))
    }

    /// Writes the dictionary into an index generation.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        std::fs::write(dir.join(DICTIONARY_FILE), &self.dictionary)
    }

    /// Compresses the texts of `passages`, each on its own.
    pub fn compress_all<'a>(
        &self,
        passages: impl Iterator<Item = &'a str>,
    ) -> io::Result<Vec<Vec<u8>>> {
        let mut compressor = zstd::bulk::Compressor::with_prepared_dictionary(&self.encoder)?;
        passages
            .map(|text| compressor.compress(text.as_bytes()))
            .collect()
    }

    /// The text of a passage from its compressed bytes.
    pub fn decompress(&self, bytes: &[u8]) -> io::Result<String> {
        let invalid = |reason: &str| io::Error::new(io::ErrorKind::InvalidData, reason.to_string());
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
        let result = context.decompress_using_ddict(&mut text, bytes, self.decoder.as_ddict());
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
    fn too_little_text_trains_no_dictionary_and_still_round_trips() {
        // About the seed report: 20 passages, 19 KB.
        let report: Vec<String> = (0..20)
            .map(|i| format!("第{i}项：推动高质量发展，").repeat(30))
            .collect();
        let codec = TextCodec::train(&report);
        assert!(codec.dictionary.is_empty());
        round_trip(&codec, &["推动高质量发展", "", "ＧＤＰ增长5.2%"]);
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
        assert!(!trained.dictionary.is_empty());
        let passage =
            "全面贯彻党的二十大精神，加快发展新质生产力，第9999项工作扎实推进乡村全面振兴。";
        let with = trained.compress_all([passage].into_iter()).unwrap();
        let without = TextCodec::train(&[""])
            .compress_all([passage].into_iter())
            .unwrap();
        assert!(
            with[0].len() < without[0].len() / 2,
            "{} {}",
            with[0].len(),
            without[0].len()
        );

        let dir = tempfile::tempdir().unwrap();
        trained.save(dir.path()).unwrap();
        round_trip(&TextCodec::load(dir.path()).unwrap(), &[passage]);
    }

    #[test]
    fn bytes_that_are_not_a_passage_are_an_error() {
        let codec = TextCodec::train(&[""]);
        assert!(codec.decompress(b"not zstd").is_err());
        let whole = &codec
            .compress_all(["推动高质量发展".repeat(20).as_str()].into_iter())
            .unwrap()[0];
        assert!(codec.decompress(&whole[..whole.len() - 3]).is_err());
        // A failed read leaves the codec usable.
        round_trip(&codec, &["推动高质量发展"]);
    }
}
