//! One function per command: check the arguments, open the index (building it from the default
//! seeds on first use), ask the library, print.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use super::progress::{print_build_report, ProgressDisplay};
use super::text;
use super::{
    print, CompareArgs, ExportArgs, ExportFormat, GetArgs, IndexArgs, KwicArgs, ListArgs,
    SearchArgs, ServeArgs, StatsArgs, TrendArgs, DEFAULT_SEEDS,
};
use crate::error::{Error, Result};
use crate::export;
use crate::indexer;
use crate::output::{DocumentList, Format, Outlines};
use crate::search::compare::CompareRequest;
use crate::search::kwic::KwicRequest;
use crate::search::reference::ReferenceStyle;
use crate::search::trend::{read_terms, BucketBy, TrendRequest};
use crate::search::{Engine, Filters, Page, SearchRequest};

/// `baogao index`
pub fn index(args: IndexArgs) -> anyhow::Result<()> {
    let mut display = ProgressDisplay::new(args.quiet);
    let report = indexer::build_index(&args.paths, &args.index.dir, &mut |p| display.update(p))?;
    display.finish();
    if !args.quiet {
        print_build_report(&report, &args.index.dir);
    }
    Ok(())
}

/// `baogao search`
pub fn search(args: SearchArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let page = args.page.page()?;
    if args.batch {
        if !matches!(format, Format::Text | Format::Json | Format::Ndjson) {
            return Err(Error::BadArgument(
                "--batch prints one JSON object a line; --format csv applies to one search"
                    .to_string(),
            )
            .into());
        }
        let engine = open_or_build(&args.index.dir)?;
        return search_batch(engine, &args.filters, page, std::io::stdin().lock(), out);
    }
    let mut request = SearchRequest::new(args.query.join(" "), args.filters, page)?;
    // Text and CSV show the total and the hits; counting every match's document for the
    // facets would be work that nobody sees.
    request.facets = matches!(format, Format::Json | Format::Ndjson);
    let results = open_or_build(&args.index.dir)?.search(&request)?;
    print(out, format, &args.output, &results, text::write_results)?;
    Ok(())
}

/// Runs every line of `input` as a query with `filters` and `page`, printing NDJSON; a query
/// that fails prints its error and makes the exit code 2 once all lines ran.
fn search_batch(
    engine: &Engine,
    filters: &Filters,
    page: Page,
    input: impl BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut failed = None;
    for line in input.lines() {
        let query = line?;
        match SearchRequest::new(query.as_str(), filters.clone(), page)
            .and_then(|request| engine.search(&request))
        {
            Ok(results) => serde_json::to_writer(&mut *out, &results)?,
            Err(error) => {
                serde_json::to_writer(
                    &mut *out,
                    &serde_json::json!({"query": query, "error": error.chain()}),
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

/// `baogao get`
pub fn get(args: GetArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format_or_reference()?;
    let engine = open_or_build(&args.index.dir)?;
    if let Some(style) = format.reference_style() {
        write!(out, "{}", engine.reference(&args.citation, style)?)?;
        if style == ReferenceStyle::Gbt7714 {
            writeln!(out)?;
        }
        return Ok(());
    }
    let cited = engine.get(&args.citation)?;
    print(out, format, &args.output, &cited, text::write_cited)?;
    Ok(())
}

/// `baogao sections`
pub fn sections(args: ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let outlines = Outlines(open_or_build(&args.index.dir)?.outlines(&args.filters)?);
    print(out, format, &args.output, &outlines, text::write_outlines)?;
    Ok(())
}

/// `baogao docs`: the documents that hold what the filters select.
pub fn docs(args: ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let documents =
        DocumentList(open_or_build(&args.index.dir)?.document_summaries(&args.filters)?);
    print(out, format, &args.output, &documents, text::write_documents)?;
    Ok(())
}

/// `baogao serve`
pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    open_or_build(&args.index.dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(crate::http::serve(args.addr, &args.index.dir))
}

/// `baogao export`
pub fn export(args: ExportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if args.out.is_none() && args.format == ExportFormat::Quickwit {
        return Err(Error::BadArgument(
            "--format quickwit writes two files: give --out FILE".to_string(),
        )
        .into());
    }
    let engine = open_or_build(&args.index.dir)?;
    let written = match &args.out {
        None => export::write_ndjson(engine, out)?,
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
            let mut writer = std::io::BufWriter::new(file);
            let written = export::write_ndjson(engine, &mut writer)?;
            writer
                .flush()
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            if args.format == ExportFormat::Quickwit {
                let config = export::quickwit_config_path(path);
                std::fs::write(&config, export::quickwit_config("baogao-passages"))
                    .map_err(|e| Error::io(format!("cannot write {}", config.display()), e))?;
                eprintln!(
                    "baogao: wrote the Quickwit index config to {}",
                    config.display()
                );
            }
            written
        }
    };
    eprintln!("baogao: exported {written} passages");
    Ok(())
}

/// `baogao stats`
pub fn stats(args: StatsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let stats = open_or_build(&args.index.dir)?.stats();
    print(out, format, &args.output, &stats, text::write_stats)?;
    Ok(())
}

/// `baogao verify`: opens the index as it is (never builds one) and checks all of it.
pub fn verify(args: StatsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let verified = Engine::open(&args.index.dir)?.verify()?;
    print(out, format, &args.output, &verified, text::write_verified)?;
    Ok(())
}

/// `baogao trend`
pub fn trend(args: TrendArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let mut terms = args.terms.clone();
    if let Some(file) = &args.terms_file {
        terms.extend(read_terms(file)?);
    }
    let request = TrendRequest::new(&terms, args.filters, BucketBy::parse_list(&args.by)?)?;
    let mut trend = open_or_build(&args.index.dir)?.trend(&request)?;
    trend.show_rates = args.per.is_some();
    print(out, format, &args.output, &trend, text::write_trend)?;
    Ok(())
}

/// `baogao kwic`
pub fn kwic(args: KwicArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let request = KwicRequest::new(
        &args.term,
        args.filters,
        args.width,
        args.sort,
        args.limit,
        args.offset,
    )?;
    let concordance = open_or_build(&args.index.dir)?.kwic(&request)?;
    print(
        out,
        format,
        &args.output,
        &concordance,
        text::write_concordance,
    )?;
    Ok(())
}

/// `baogao compare`
pub fn compare(args: CompareArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let format = args.output.format()?;
    let request = CompareRequest::new(&args.a, &args.b, args.limit, args.min_count)?;
    let comparison = open_or_build(&args.index.dir)?.compare(&request)?;
    print(
        out,
        format,
        &args.output,
        &comparison,
        text::write_comparison,
    )?;
    Ok(())
}

/// Opens the index under `dir` (built from the seeds on first use) for the rest of the process:
/// a command exits right after its answer, and unmapping each segment file on the way out cost
/// more than the exit does (0.3 ms of a 5 ms search at ten times the corpus).
fn open_or_build(dir: &Path) -> Result<&'static Engine> {
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
    Ok(Box::leak(Box::new(Engine::open(dir)?)))
}
