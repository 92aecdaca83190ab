//! The command line: clap structs, and thin commands that call the library and print.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::export;
use crate::indexer::{self, BuildReport, CatalogDocument, DocumentOutline, Progress, SectionNode};
use crate::search::{CitedText, Engine, Filters, SearchRequest, SearchResults, YearRange};

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
    Index {
        /// Files or folders to index.
        #[arg(default_value = DEFAULT_SEEDS)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        index: IndexArg,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Search passages: terms are all required; "exact phrase", -exclude, A OR B.
    Search {
        /// The query (several words are joined with spaces).
        #[arg(required_unless_present = "batch")]
        query: Vec<String>,
        /// Read queries from standard input, one per line, and print one JSON object per line
        /// (`{"query", "error"}` for a query that fails; the exit code is then 2).
        #[arg(long, conflicts_with = "query")]
        batch: bool,
        /// A section number (三, (三), 3, 3.2) or words of a heading title.
        #[arg(long, short)]
        section: Option<String>,
        /// Only this document (its id, as in citations).
        #[arg(long, short)]
        doc: Option<String>,
        /// Only documents of this year or range of years (2024, 2020..2024, 2020.., ..2024).
        #[arg(long, short)]
        year: Option<String>,
        /// Only documents of this issuer (国务院, 东营市, …).
        #[arg(long, short)]
        issuer: Option<String>,
        /// Hits to show (at most 100).
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// Hits to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[command(flatten)]
        output: OutputArg,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Print the exact text behind a citation (a passage such as gxq-2024:2.1, or a section).
    Get {
        citation: String,
        #[command(flatten)]
        output: OutputArg,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Show the outline of each document with citations and passage counts.
    Sections {
        /// Only this document.
        #[arg(long, short)]
        doc: Option<String>,
        #[command(flatten)]
        output: OutputArg,
        #[command(flatten)]
        index: IndexArg,
    },
    /// List the indexed documents.
    Docs {
        #[command(flatten)]
        output: OutputArg,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Serve the search page and the JSON API over HTTP until Ctrl-C or SIGTERM.
    Serve {
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:7700")]
        addr: std::net::SocketAddr,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Export every passage as NDJSON (and, for Quickwit, an index config beside it).
    Export {
        /// `ndjson`, or `quickwit` for NDJSON plus quickwit-index-config.yaml.
        #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
        format: ExportFormat,
        /// Output file (standard output without it; required for quickwit).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Documents, passages and size of the index.
    Stats {
        #[command(flatten)]
        output: OutputArg,
        #[command(flatten)]
        index: IndexArg,
    },
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

#[derive(Debug, Args)]
pub struct OutputArg {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs one command, writing results to `out` and notices to stderr.
pub fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    match cli.command {
        Command::Index {
            paths,
            index,
            quiet,
        } => {
            let mut display = ProgressDisplay::new(quiet);
            let report = indexer::build_index(&paths, &index.dir, &mut |p| display.update(p))?;
            display.finish();
            if !quiet {
                print_build_report(&report, &index.dir);
            }
        }
        Command::Search {
            query,
            batch,
            section,
            doc,
            year,
            issuer,
            limit,
            offset,
            output,
            index,
        } => {
            let engine = open_or_build(&index.dir)?;
            let request = SearchRequest {
                query: query.join(" "),
                filters: Filters {
                    doc,
                    years: year.as_deref().map(YearRange::parse).transpose()?,
                    issuer,
                    section,
                },
                limit,
                offset,
            };
            if batch {
                search_batch(&engine, request, std::io::stdin().lock(), out)?;
            } else {
                let results = engine.search(&request)?;
                if output.json {
                    write_json(out, &results)?;
                } else {
                    write_results(out, &results, request.offset)?;
                }
            }
        }
        Command::Get {
            citation,
            output,
            index,
        } => {
            let cited = open_or_build(&index.dir)?.get(&citation)?;
            if output.json {
                write_json(out, &cited)?;
            } else {
                write_cited(out, &cited)?;
            }
        }
        Command::Sections { doc, output, index } => {
            let engine = open_or_build(&index.dir)?;
            let documents = engine.documents(&Filters {
                doc,
                ..Filters::default()
            })?;
            if output.json {
                let outlines: Vec<DocumentOutline> =
                    documents.iter().map(|d| DocumentOutline::of(d)).collect();
                write_json(out, &outlines)?;
            } else {
                write_sections(out, &documents)?;
            }
        }
        Command::Docs { output, index } => {
            let engine = open_or_build(&index.dir)?;
            let documents: Vec<&CatalogDocument> = engine.catalog().documents().iter().collect();
            if output.json {
                let listed: Vec<DocumentOutline> = documents
                    .iter()
                    .map(|d| DocumentOutline::summary(d))
                    .collect();
                write_json(out, &listed)?;
            } else {
                for d in documents {
                    let year = d.meta.year.map_or("----".to_string(), |y| y.to_string());
                    let issuer = d.meta.issuer.as_deref().unwrap_or("-");
                    writeln!(
                        out,
                        "{}  {year}  {issuer}  {}  ({} passages)",
                        d.meta.id, d.meta.title, d.passages
                    )?;
                }
            }
        }
        Command::Serve { addr, index } => {
            open_or_build(&index.dir)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(crate::http::serve(addr, &index.dir))?;
        }
        Command::Export {
            format,
            out: file,
            index,
        } => {
            let engine = open_or_build(&index.dir)?;
            let written = match &file {
                None if format == ExportFormat::Quickwit => {
                    return Err(Error::BadArgument(
                        "--format quickwit writes two files: give --out FILE".to_string(),
                    )
                    .into())
                }
                None => export::write_ndjson(&engine, out)?,
                Some(path) => {
                    let create = |p: &Path| {
                        std::fs::File::create(p)
                            .map_err(|e| Error::io(format!("cannot create {}", p.display()), e))
                    };
                    let mut writer = std::io::BufWriter::new(create(path)?);
                    let written = export::write_ndjson(&engine, &mut writer)?;
                    writer
                        .flush()
                        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
                    if format == ExportFormat::Quickwit {
                        let config = export::quickwit_config_path(path);
                        std::fs::write(&config, export::quickwit_config("baogao-passages"))
                            .map_err(|e| {
                                Error::io(format!("cannot write {}", config.display()), e)
                            })?;
                        eprintln!(
                            "baogao: wrote the Quickwit index config to {}",
                            config.display()
                        );
                    }
                    written
                }
            };
            eprintln!("baogao: exported {written} passages");
        }
        Command::Stats { output, index } => {
            let stats = open_or_build(&index.dir)?.stats();
            if output.json {
                write_json(out, &stats)?;
            } else {
                writeln!(out, "documents:  {}", stats.documents)?;
                writeln!(out, "passages:   {}", stats.passages)?;
                writeln!(out, "sections:   {}", stats.sections)?;
                writeln!(
                    out,
                    "index size: {} bytes ({})",
                    stats.index_bytes,
                    stats.generation.display()
                )?;
            }
        }
    }
    Ok(())
}

/// Runs every line of `input` as a query with the filters of `template`, printing NDJSON.
fn search_batch(
    engine: &Engine,
    template: SearchRequest,
    input: impl BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut failed = None;
    for line in input.lines() {
        let query = line?;
        let request = SearchRequest {
            query: query.clone(),
            ..template.clone()
        };
        match engine.search(&request) {
            Ok(results) => serde_json::to_writer(&mut *out, &results)?,
            Err(error) => {
                serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({"query": query, "error": error.to_string()}),
                )?;
                failed = Some(error);
            }
        }
        writeln!(out)?;
        out.flush()?;
    }
    match failed {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

/// Opens the index in `dir`, first building it from the default seeds if there is none.
fn open_or_build(dir: &Path) -> Result<Engine> {
    if indexer::current_generation(dir).is_none() && Path::new(DEFAULT_SEEDS).is_dir() {
        eprintln!(
            "baogao: no index in {}; building it from {DEFAULT_SEEDS}/ first",
            dir.display()
        );
        let mut display = ProgressDisplay::new(false);
        let report = indexer::build_index(&[PathBuf::from(DEFAULT_SEEDS)], dir, &mut |p| {
            display.update(p)
        })?;
        display.finish();
        print_build_report(&report, dir);
    }
    Engine::open(dir)
}

fn print_build_report(report: &BuildReport, dir: &Path) {
    for skipped in &report.skipped {
        eprintln!("baogao: warning: {skipped}");
    }
    let megabytes = report.input_bytes as f64 / 1e6;
    if report.generation.is_none() {
        eprintln!(
            "baogao: {} is up to date: {} documents, {} passages ({megabytes:.2} MB checked in {:.2} s)",
            dir.display(),
            report.documents,
            report.passages,
            report.seconds
        );
        return;
    }
    eprintln!(
        "baogao: indexed {} documents, {} passages ({megabytes:.2} MB) in {:.2} s into {} \
         ({} new or changed, {} unchanged, {} removed)",
        report.documents,
        report.passages,
        report.seconds,
        dir.display(),
        report.indexed,
        report.unchanged,
        report.removed
    );
}

/// Build progress on stderr: a bar with files/s and MB/s on a terminal, a plain line every few
/// seconds otherwise, nothing when quiet.
struct ProgressDisplay {
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    last_line: std::time::Instant,
}

impl ProgressDisplay {
    /// Seconds between plain progress lines when stderr is not a terminal.
    const LINE_SECONDS: u64 = 2;

    fn new(quiet: bool) -> ProgressDisplay {
        let now = std::time::Instant::now();
        ProgressDisplay {
            quiet,
            bar: None,
            started: now,
            last_line: now,
        }
    }

    fn update(&mut self, progress: Progress) {
        if self.quiet || progress.files_total == 0 {
            return;
        }
        let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = format!(
            "{:.0} files/s, {:.1} MB/s",
            progress.files_done as f64 / seconds,
            progress.bytes_done as f64 / 1e6 / seconds
        );
        if std::io::stderr().is_terminal() {
            let bar = self.bar.get_or_insert_with(|| {
                let bar = indicatif::ProgressBar::new(progress.files_total as u64);
                let style =
                    indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files  {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                bar.set_style(style);
                bar
            });
            bar.set_position(progress.files_done as u64);
            bar.set_message(rate);
        } else if self.last_line.elapsed().as_secs() >= Self::LINE_SECONDS
            || progress.files_done == progress.files_total
        {
            self.last_line = std::time::Instant::now();
            eprintln!(
                "baogao: indexing {}/{} files ({rate})",
                progress.files_done, progress.files_total
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn write_json(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// ANSI styles on a terminal (unless NO_COLOR is set), nothing otherwise.
struct Style {
    mark: (&'static str, &'static str),
    citation: (&'static str, &'static str),
}

impl Style {
    fn for_stdout() -> Style {
        if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            Style {
                mark: ("\x1b[1;31m", "\x1b[0m"),
                citation: ("\x1b[1;36m", "\x1b[0m"),
            }
        } else {
            Style {
                mark: ("", ""),
                citation: ("", ""),
            }
        }
    }
}

fn write_results(
    out: &mut dyn Write,
    results: &SearchResults,
    offset: usize,
) -> std::io::Result<()> {
    let style = Style::for_stdout();
    let shown = if results.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}–{}", offset + 1, offset + results.hits.len())
    };
    let noun = if results.total == 1 {
        "passage"
    } else {
        "passages"
    };
    writeln!(
        out,
        "{} {noun} for {}{} ({:.1} ms)",
        results.total, results.query, shown, results.took_ms
    )?;
    writeln!(out, "  {}", results.interpretation.description)?;
    for (rank, hit) in results.hits.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "{}. {}{}{}  {}",
            offset + rank + 1,
            style.citation.0,
            hit.citation,
            style.citation.1,
            if hit.section.is_empty() {
                "(opening)"
            } else {
                hit.section.as_str()
            }
        )?;
        writeln!(
            out,
            "   {}",
            hit.snippet_parts.to_text(style.mark.0, style.mark.1)
        )?;
    }
    Ok(())
}

fn write_cited(out: &mut dyn Write, cited: &CitedText) -> std::io::Result<()> {
    writeln!(out, "{}", cited.text)?;
    let year = cited.year.map(|y| format!(", {y}")).unwrap_or_default();
    let section = if cited.section.is_empty() {
        String::new()
    } else {
        format!(" {}", cited.section)
    };
    writeln!(
        out,
        "—— {}《{}》{}{section}",
        cited.citation, cited.title, year
    )
}

fn write_sections(out: &mut dyn Write, documents: &[&CatalogDocument]) -> std::io::Result<()> {
    fn write_node(out: &mut dyn Write, node: &SectionNode, depth: usize) -> std::io::Result<()> {
        writeln!(
            out,
            "{}{}  {}{}  [{}]",
            "  ".repeat(depth),
            node.citation,
            node.marker,
            node.title,
            node.passages
        )?;
        node.children
            .iter()
            .try_for_each(|child| write_node(out, child, depth + 1))
    }
    for document in documents {
        let year = document
            .meta
            .year
            .map(|y| format!(" ({y})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {}{}  [{} passages]",
            document.meta.id, document.meta.title, year, document.passages
        )?;
        let opening = document.opening_passages();
        if opening > 0 {
            writeln!(
                out,
                "  {}:0  (opening, before the first heading)  [{opening}]",
                document.meta.id
            )?;
        }
        for node in document.tree() {
            write_node(out, &node, 1)?;
        }
    }
    Ok(())
}
