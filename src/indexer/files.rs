//! The files baogao writes itself into a generation (the catalog, the text dictionary): each is
//! written and synced to disk, and its length and CRC-32 go into `checksums.json`, written last.
//! A reader checks a file against it before trusting it, so a truncated or flipped byte is found
//! and named instead of read as a different title or number (tantivy checks its own files).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file that lists the checksums of the others.
pub const CHECKSUMS_FILE: &str = "checksums.json";

/// Length and CRC-32 of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    pub len: u64,
    pub crc32: u32,
}

impl Checksum {
    /// The checksum of `bytes`.
    pub fn of(bytes: &[u8]) -> Checksum {
        Checksum {
            len: bytes.len() as u64,
            crc32: crc32fast::hash(bytes),
        }
    }
}

/// Checksums of a generation's own files, by file name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksums(BTreeMap<String, Checksum>);

impl Checksums {
    /// Writes `bytes` to `dir/name`, syncs it and records its checksum.
    pub fn write(&mut self, dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
        write_synced(&dir.join(name), bytes)?;
        self.0.insert(name.to_string(), Checksum::of(bytes));
        Ok(())
    }

    /// Writes `checksums.json` into `dir` and syncs it: the last of baogao's files.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        write_synced(&dir.join(CHECKSUMS_FILE), &json)
    }

    /// Reads `checksums.json` from `dir`.
    pub fn load(dir: &Path) -> io::Result<Checksums> {
        let bytes = std::fs::read(dir.join(CHECKSUMS_FILE))?;
        serde_json::from_slice(&bytes).map_err(|e| invalid(format!("{CHECKSUMS_FILE}: {e}")))
    }

    /// Reads `dir/name` and checks it against its recorded checksum.
    pub fn read(&self, dir: &Path, name: &str) -> io::Result<Vec<u8>> {
        let bytes = std::fs::read(dir.join(name))?;
        self.check(name, &bytes)?;
        Ok(bytes)
    }

    /// Checks the bytes of file `name` against its recorded checksum; the error names the file.
    pub fn check(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let expected = self
            .0
            .get(name)
            .ok_or_else(|| invalid(format!("{CHECKSUMS_FILE} does not list {name}")))?;
        let found = Checksum::of(bytes);
        if found != *expected {
            return Err(invalid(format!(
                "{name} is damaged: {} bytes with CRC-32 {:08x}, written as {} bytes with {:08x}",
                found.len, found.crc32, expected.len, expected.crc32
            )));
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` and syncs the file to disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Syncs a directory, so that the names created or renamed in it are on disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_back_only_as_it_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut sums = Checksums::default();
        sums.write(dir.path(), "catalog.json", b"{\"title\":\"2024\"}")
            .unwrap();
        sums.save(dir.path()).unwrap();
        let sums = Checksums::load(dir.path()).unwrap();
        assert_eq!(
            sums.read(dir.path(), "catalog.json").unwrap(),
            b"{\"title\":\"2024\"}"
        );

        // One flipped byte: the same length, another CRC.
        std::fs::write(dir.path().join("catalog.json"), b"{\"title\":\"2025\"}").unwrap();
        let error = sums.read(dir.path(), "catalog.json").unwrap_err();
        assert!(
            error.to_string().contains("catalog.json is damaged"),
            "{error}"
        );
        // Truncated.
        std::fs::write(dir.path().join("catalog.json"), b"{\"title\"").unwrap();
        assert!(sums.read(dir.path(), "catalog.json").is_err());
        // Not listed.
        assert!(sums.read(dir.path(), "texts.dict").is_err());
    }
}
