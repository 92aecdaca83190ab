//! The command line: clap structs, and one thin function per command that checks its arguments,
//! opens the index, calls the library and prints.
//!
//! Arguments are checked before any work (ripgrep's split of raw and checked arguments): a
//! command first turns its arguments into a checked request (a [`SearchRequest`] with its query
//! parsed and its page in bounds, [`Filters`] with their years parsed by clap), and only then
//! opens the index. Every command that prints a result takes the same [`OutputArgs`].

mod commands;
mod progress;
mod text;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::output::{self, Format, Tabular};
use crate::search::kwic::KwicSort;
use crate::search::{Filters, Page, DEFAULT_LIMIT};

/// Reports indexed when no path is given, and when a command finds no index.
pub const DEFAULT_SEEDS: &str = "seeds";
/// Where the index lives unless `--index` says otherwise.
pub const DEFAULT_INDEX: &str = "index";

/// baogao (报告): full-text search for Chinese official reports.
#[derive(Debug, Parser)]
#[command(name = "baogao", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index report files (.txt/.md) or folders of them; swaps the new index in only on success.
    Index(IndexArgs),
    /// Search passages: terms are all required; "exact phrase", -exclude, A OR B.
    Search(SearchArgs),
    /// Print the exact text behind a citation (a passage such as gxq-2024:2.1, or a section).
    Get(GetArgs),
    /// Show the outline of each document with citations and passage counts.
    Sections(ListArgs),
    /// List the indexed documents.
    Docs(ListArgs),
    /// Serve the search page and the JSON API over HTTP until Ctrl-C or SIGTERM.
    Serve(ServeArgs),
    /// Export every passage as NDJSON (and, for Quickwit, an index config beside it).
    Export(ExportArgs),
    /// Documents, passages and size of the index.
    Stats(StatsArgs),
    /// Check the current index: every file against its checksum, every passage readable.
    Verify(StatsArgs),
    /// Count terms per year, issuer or document, with where each first and last appears.
    Trend(TrendArgs),
    /// Concordance: every occurrence of a term with its context, aligned on the match.
    Kwic(KwicArgs),
    /// What changed between two reports: new, gone, rising and falling words.
    Compare(CompareArgs),
}

/// `baogao trend`
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Terms to count (normalised as in search).
    #[arg(required_unless_present = "terms_file")]
    pub terms: Vec<String>,
    /// More terms from a file, one a line (`#` starts a comment).
    #[arg(long)]
    pub terms_file: Option<PathBuf>,
    /// Rows by year, issuer, doc, or several keys (issuer,year).
    #[arg(long, default_value = "year")]
    pub by: String,
    /// `10k`: show occurrences per 10,000 characters in text and CSV (JSON has both).
    #[arg(long, value_parser = ["10k"])]
    pub per: Option<String>,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao kwic`
#[derive(Debug, Args)]
pub struct KwicArgs {
    /// The term (normalised as in search).
    pub term: String,
    /// Characters of context on each side (at most 200).
    #[arg(long, default_value_t = crate::search::kwic::DEFAULT_WIDTH)]
    pub width: usize,
    /// Line order.
    #[arg(long, value_enum, default_value_t = KwicSort::Doc)]
    pub sort: KwicSort,
    /// Lines to show (at most 1,000).
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
    /// Lines to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao compare`
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier report (a document id, as in citations).
    pub a: String,
    /// The later report.
    pub b: String,
    /// Words listed in each group (at most 500).
    #[arg(long, short = 'n', default_value_t = crate::search::compare::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Leave out words that occur fewer times than this (in the two reports together).
    #[arg(long, default_value_t = crate::search::compare::DEFAULT_MIN_COUNT)]
    pub min_count: u32,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao index`
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or folders to index.
    #[arg(default_value = DEFAULT_SEEDS)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `baogao search`
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (several words are joined with spaces).
    #[arg(required_unless_present = "batch")]
    pub query: Vec<String>,
    /// Read queries from standard input, one per line, and print one JSON object per line
    /// (`{"query", "error"}` for a query that fails; the exit code is then 2).
    #[arg(long, conflicts_with = "query")]
    pub batch: bool,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao get`
#[derive(Debug, Args)]
pub struct GetArgs {
    pub citation: String,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao sections` and `baogao docs`: documents selected by filters.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:7700")]
    pub addr: std::net::SocketAddr,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `ndjson`, or `quickwit` for NDJSON plus quickwit-index-config.yaml.
    #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
    pub format: ExportFormat,
    /// Output file (standard output without it; required for quickwit).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
}

/// `baogao stats` and `baogao verify`: the index alone.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub index: IndexArg,
}

/// Formats of `baogao export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Ndjson,
    Quickwit,
}

#[derive(Debug, Args)]
pub struct IndexArg {
    /// Index directory.
    #[arg(long = "index", default_value = DEFAULT_INDEX)]
    pub dir: PathBuf,
}

/// Which hits to print.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Hits to show (at most 100).
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT)]
    pub limit: usize,
    /// Hits to skip, for paging (offset + limit at most 10,000).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

impl PageArgs {
    /// The page, checked against the engine's bounds.
    pub fn page(&self) -> Result<Page> {
        Page::new(self.limit, self.offset)
    }
}

/// How every command that prints a result prints it.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The same as --format json (kept for scripts).
    #[arg(long, hide = true, conflicts_with = "format")]
    pub json: bool,
    /// Start CSV output with a UTF-8 byte-order mark, for Excel on Chinese Windows.
    #[arg(long)]
    pub bom: bool,
}

impl OutputArgs {
    /// The format asked for, checked: `--bom` only goes with CSV, references only with `get`.
    pub fn format(&self) -> Result<Format> {
        let format = self.format_or_reference()?;
        if format.reference_style().is_some() {
            return Err(Error::BadArgument(format!(
                "--format {} is a reference to a cited passage: use it with `baogao get`",
                format
                    .to_possible_value()
                    .map_or_else(String::new, |v| v.get_name().to_string())
            )));
        }
        Ok(format)
    }

    /// The format asked for, references included (for `get`).
    pub fn format_or_reference(&self) -> Result<Format> {
        let format = if self.json { Format::Json } else { self.format };
        if self.bom && format != Format::Csv {
            return Err(Error::BadArgument(
                "--bom only applies to --format csv".to_string(),
            ));
        }
        Ok(format)
    }
}

/// Writes `value` in `format`; `text` writes it for people.
fn print<V: Tabular>(
    out: &mut dyn Write,
    format: Format,
    output: &OutputArgs,
    value: &V,
    text: impl FnOnce(&mut dyn Write, &V) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match format {
        Format::Text => text(out, value),
        Format::Json => output::write_json(out, value),
        Format::Ndjson => output::write_ndjson(out, value),
        Format::Csv => output::write_csv(out, value, output.bom),
        // `OutputArgs::format` refuses these before any work; `get` writes references itself.
        Format::Gbt7714 | Format::Ris | Format::CslJson => Err(std::io::Error::other(
            "a reference format is for `baogao get` only",
        )),
    }
}

impl Cli {
    /// Parses the command line as [`Cli::parse`] does, after moving every word that excludes a
    /// Chinese term (`-二期`, `-「十四五」`) behind `--`, so that `baogao search 华勤 -二期` works as
    /// the same query does on the web page instead of reading `-二` as an option. No option of
    /// baogao starts with `-` and a character outside ASCII; a word such as `-35%` still needs
    /// the query quoted or put after `--`.
    pub fn parse_with_exclusions() -> Cli {
        Cli::parse_from(exclusions_after_separator(std::env::args_os()))
    }
}

/// `args` (the program name first) with the words before `--` that start with `-` and a
/// character outside ASCII moved to the end, after a `--` (added when there is none). Query words
/// keep their order, and an excluded term's place in the query does not matter.
fn exclusions_after_separator(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let options_end = args
        .iter()
        .position(|arg| arg == "--")
        .unwrap_or(args.len());
    let mut tail = args.split_off(options_end);
    let is_exclusion = |arg: &OsString| {
        let mut chars = arg.to_str().unwrap_or_default().chars();
        chars.next() == Some('-') && chars.next().is_some_and(|c| !c.is_ascii())
    };
    let program = (!args.is_empty()).then(|| args.remove(0));
    let (moved, kept): (Vec<OsString>, Vec<OsString>) = args.into_iter().partition(is_exclusion);
    if !moved.is_empty() && tail.is_empty() {
        tail.push("--".into());
    }
    program
        .into_iter()
        .chain(kept)
        .chain(tail)
        .chain(moved)
        .collect()
}

/// Runs one command, writing results to `out` and notices to stderr.
pub fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match cli.command {
        Command::Index(args) => commands::index(args),
        Command::Search(args) => commands::search(args, out),
        Command::Get(args) => commands::get(args, out),
        Command::Sections(args) => commands::sections(args, out),
        Command::Docs(args) => commands::docs(args, out),
        Command::Serve(args) => commands::serve(args),
        Command::Export(args) => commands::export(args, out),
        Command::Stats(args) => commands::stats(args, out),
        Command::Verify(args) => commands::verify(args, out),
        Command::Trend(args) => commands::trend(args, out),
        Command::Kwic(args) => commands::kwic(args, out),
        Command::Compare(args) => commands::compare(args, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(line: &str) -> String {
        let args = line.split(' ').map(OsString::from);
        let rewritten: Vec<String> = exclusions_after_separator(args)
            .into_iter()
            .map(|arg| arg.into_string().unwrap())
            .collect();
        rewritten.join(" ")
    }

    #[test]
    fn words_that_exclude_a_chinese_term_go_behind_the_separator() {
        assert_eq!(
            rewritten("baogao search 华勤 -二期 -n 5"),
            "baogao search 华勤 -n 5 -- -二期"
        );
        assert_eq!(
            rewritten("baogao search -「十四五」 规划 -- 华勤"),
            "baogao search 规划 -- 华勤 -「十四五」"
        );
        assert_eq!(
            rewritten("baogao search 华勤 -n 5 -- -二期"),
            "baogao search 华勤 -n 5 -- -二期"
        );
    }

    #[test]
    fn options_and_ascii_words_stay_where_they_are() {
        for line in [
            "baogao search 华勤 --limit 5 -n 2 --json",
            "baogao search -35% 华勤",
            "baogao search 华勤 -",
            "baogao",
        ] {
            assert_eq!(rewritten(line), line);
        }
    }

    #[test]
    fn the_rewritten_line_parses_as_the_query_meant() {
        let cli = Cli::parse_from(exclusions_after_separator(
            "baogao search 华勤 -二期 --limit 3"
                .split(' ')
                .map(OsString::from),
        ));
        let Command::Search(args) = cli.command else {
            panic!("not a search: {cli:?}");
        };
        assert_eq!(args.query, ["华勤", "-二期"]);
        assert_eq!(args.page.limit, 3);
    }
}
