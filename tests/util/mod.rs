//! Test harness: the real `baogao` binary run in a temporary directory, on real report text.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

/// The keys of a hit in the search JSON, for the CLI and the HTTP API alike.
pub const HIT_KEYS: [&str; 9] = [
    "citation",
    "doc",
    "title",
    "year",
    "section",
    "section_path",
    "score",
    "text",
    "snippet",
];

/// File name of the seed report fixture (a 2024 work summary of 河源国家高新区).
pub const SEED: &str = "gxq-2024_河源国家高新区2024年工作总结.txt";

/// Path of a fixture under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The seed report text.
pub fn seed_text() -> String {
    std::fs::read_to_string(fixture(SEED)).expect("seed fixture")
}

/// A scratch directory with a `reports/` folder, where the binary runs.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        std::fs::create_dir(dir.path().join("reports")).expect("reports dir");
        Workspace { dir }
    }

    /// A workspace whose `reports/` holds the seed, indexed into `index/`.
    pub fn with_seed() -> Workspace {
        let workspace = Workspace::new();
        workspace.add_report(SEED, seed_text().as_bytes());
        workspace.ok(&["index", "reports", "--index", "index"]);
        workspace
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a report file into `reports/`.
    pub fn add_report(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path().join("reports").join(name), bytes).expect("write report");
    }

    /// Runs `baogao ARGS` in the workspace.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run baogao")
    }

    /// Runs and expects exit code 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "baogao {args:?} failed with {:?}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    /// Runs and expects exit code `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let output = self.run(args);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(
            output.status.code(),
            Some(code),
            "baogao {args:?}\nstderr: {stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "baogao {args:?} panicked: {stderr}"
        );
        stderr
    }

    /// `baogao ARGS --format json`, expected to succeed, parsed. Like every command here it
    /// reads the workspace's `index/`, the binary's default.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.extend_from_slice(&["--format", "json"]);
        serde_json::from_str(&self.ok(&args)).expect("JSON output")
    }

    /// `get CITATION --format json`, parsed.
    pub fn get_json(&self, citation: &str) -> Value {
        self.json(&["get", citation])
    }

    /// `baogao ARGS --format csv`, expected to succeed, read back with a CSV reader: the header
    /// and the rows.
    pub fn csv(&self, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
        let mut args = args.to_vec();
        args.extend_from_slice(&["--format", "csv"]);
        let output = self.ok(&args);
        let mut reader = csv::Reader::from_reader(output.as_bytes());
        let header = reader
            .headers()
            .expect("CSV header")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|row| row.expect("CSV row").iter().map(str::to_string).collect())
            .collect();
        (header, rows)
    }

    /// `search --format json` with extra arguments, parsed.
    pub fn search(&self, query: &str, extra: &[&str]) -> Value {
        let mut args = vec!["search", query, "--format", "json", "--limit", "100"];
        args.extend_from_slice(extra);
        serde_json::from_str(&self.ok(&args)).expect("search JSON")
    }

    /// Citations of the hits of a search, in rank order.
    pub fn citations(&self, query: &str, extra: &[&str]) -> Vec<String> {
        hit_citations(&self.search(query, extra))
    }
}

/// Citations of the hits in a search result.
pub fn hit_citations(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["citation"].as_str().expect("citation").to_string())
        .collect()
}

/// One seed index shared by the read-only tests.
pub fn seed() -> &'static Workspace {
    static SEED_WORKSPACE: OnceLock<Workspace> = OnceLock::new();
    SEED_WORKSPACE.get_or_init(Workspace::with_seed)
}

/// The current generation directory of the index under `root`.
pub fn current_generation(root: &Path) -> PathBuf {
    let name = std::fs::read_to_string(root.join("CURRENT")).expect("CURRENT");
    root.join(name.trim())
}

/// The first file of `generation` whose name ends with `suffix` (`.store`, `catalog.bin`).
pub fn generation_file(generation: &Path, suffix: &str) -> PathBuf {
    let mut names: Vec<PathBuf> = std::fs::read_dir(generation)
        .expect("generation directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    names.sort();
    names
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no file ending with {suffix} in {}", generation.display()))
}

/// Flips every bit of the byte in the middle of the file (a damaged sector).
pub fn flip_middle_byte(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read file to damage");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(path, bytes).expect("write damaged file");
}

/// Sorted copy, for comparing hit sets regardless of rank.
pub fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

/// Owned strings from literals.
pub fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}
pub mod webdriver;
