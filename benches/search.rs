//! In-process benchmark: index build time and query latency (snippets included).
//!
//! `cargo bench --bench search` builds the seed index from `seeds/` (median of 5 builds), then runs
//! every query of `benches/queries-seed.txt` for 20 rounds after one warm-up round and prints the
//! p50/p99 latency of one `Engine::search` call (hits with text and snippets). Options (after `--`):
//! `--index DIR` search an existing index instead of building the seed one;
//! `--queries FILE` (one query a line; after a tab, `section=…` or `year=…` filters it);
//! `--rounds N`, `--limit N` (hits per query, default 10);
//! `--rank-only`: time `Engine::rank` (total and top addresses, no stored text, no snippets), the
//! same work as the peers' searches that return ids; `--consecutive`: run each query its rounds in
//! a row before the next query, as the peer harness does (by default every round runs through all
//! queries, so that no query finds the caches warm from itself).
//!
//! Besides p50/p99 of all timings, it prints the statistic the peer harness reports: the median
//! over queries of each query's median time; `--per-query FILE` writes each query's median
//! (query, tab, milliseconds, one line each, in the order of the query file).

use std::path::PathBuf;
use std::time::Instant;

use baogao::indexer::build_index;
use baogao::search::{Engine, Filters, Page, SearchRequest, YearRange};

struct Options {
    index: Option<PathBuf>,
    queries: PathBuf,
    rounds: usize,
    limit: usize,
    rank_only: bool,
    consecutive: bool,
    per_query: Option<PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        index: None,
        queries: PathBuf::from("benches/queries-seed.txt"),
        rounds: 20,
        limit: 10,
        rank_only: false,
        consecutive: false,
        per_query: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--index" => options.index = Some(PathBuf::from(value())),
            "--queries" => options.queries = PathBuf::from(value()),
            "--rounds" => options.rounds = value().parse().expect("--rounds N"),
            "--limit" => options.limit = value().parse().expect("--limit N"),
            "--rank-only" => options.rank_only = true,
            "--consecutive" => options.consecutive = true,
            "--per-query" => options.per_query = Some(PathBuf::from(value())),
            // cargo bench passes --bench to harness-less benchmarks.
            _ => {}
        }
    }
    options
}

/// A request from a line of the query file: the query, then optional `section=`/`year=` after a tab.
fn request(line: &str, limit: usize) -> baogao::Result<SearchRequest> {
    let mut parts = line.split('\t');
    let query = parts.next().unwrap_or_default().trim();
    let mut filters = Filters::default();
    for filter in parts {
        match filter.trim().split_once('=') {
            Some(("section", section)) => filters.section = Some(section.to_string()),
            Some(("year", years)) => filters.years = Some(YearRange::parse(years)?),
            _ => panic!("unknown filter {filter:?} in {line:?}"),
        }
    }
    SearchRequest::new(query, filters, Page::new(limit, 0)?)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() -> baogao::Result<()> {
    let options = options();
    let index = match &options.index {
        Some(dir) => dir.clone(),
        None => {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-seed-index");
            let mut seconds = Vec::new();
            let mut report = None;
            for _ in 0..5 {
                // A fresh directory each time: an existing index would make the build a no-op.
                let _ = std::fs::remove_dir_all(&dir);
                let built = build_index(&[PathBuf::from("seeds")], &dir, &mut |_| {})?;
                seconds.push(built.seconds);
                report = Some(built);
            }
            seconds.sort_by(f64::total_cmp);
            let report = report.expect("five builds");
            let median = seconds[seconds.len() / 2];
            println!(
                "seed build: {} documents, {} passages, {:.3} MB; median {:.1} ms over 5 builds ({:.2} MB/s)",
                report.documents,
                report.passages,
                report.input_bytes as f64 / 1e6,
                median * 1000.0,
                report.input_bytes as f64 / 1e6 / median
            );
            dir
        }
    };

    let requests: Vec<SearchRequest> = std::fs::read_to_string(&options.queries)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", options.queries.display()))
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| request(line, options.limit))
        .collect::<baogao::Result<_>>()?;
    let engine = Engine::open(&index)?;
    // Warm and in process, as the server answers.
    engine.prepare_for_many_queries();

    let mut hits = 0;
    for request in &requests {
        hits += engine.search(request)?.total;
    }
    // Each query's times, for the statistic the peer harness reports: the median over queries of
    // each query's median time.
    let mut per_query: Vec<Vec<f64>> = vec![Vec::with_capacity(options.rounds); requests.len()];
    let order: Vec<usize> = if options.consecutive {
        (0..requests.len())
            .flat_map(|query| std::iter::repeat_n(query, options.rounds))
            .collect()
    } else {
        (0..options.rounds)
            .flat_map(|_| 0..requests.len())
            .collect()
    };
    for query in order {
        let (request, times) = (&requests[query], &mut per_query[query]);
        let started = Instant::now();
        if options.rank_only {
            std::hint::black_box(engine.rank(request)?);
        } else {
            std::hint::black_box(engine.search(request)?);
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
    }
    let mut query_medians: Vec<f64> = per_query
        .iter_mut()
        .map(|times| {
            times.sort_by(f64::total_cmp);
            percentile(times, 50.0)
        })
        .collect();
    if let Some(path) = &options.per_query {
        let lines: String = requests
            .iter()
            .zip(&query_medians)
            .map(|(request, ms)| format!("{}\t{ms:.4}\n", request.query()))
            .collect();
        std::fs::write(path, lines)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
    let mut slowest: Vec<(f64, &str)> = per_query
        .iter()
        .zip(&requests)
        .map(|(times, r)| (times.iter().sum::<f64>() / times.len() as f64, r.query()))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    query_medians.sort_by(f64::total_cmp);
    let mut samples: Vec<f64> = per_query.iter().flatten().copied().collect();
    samples.sort_by(f64::total_cmp);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    println!(
        "{}: {} queries x {} rounds on {} ({} hits in all): p50 {:.3} ms, p99 {:.3} ms, mean {:.3} ms, max {:.3} ms; median of the per-query medians {:.3} ms",
        if options.rank_only { "rank only" } else { "search with snippets" },
        requests.len(),
        options.rounds,
        index.display(),
        hits,
        percentile(&samples, 50.0),
        percentile(&samples, 99.0),
        mean,
        samples[samples.len() - 1],
        percentile(&query_medians, 50.0)
    );
    let worst: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(ms, q)| format!("{q} {ms:.2} ms"))
        .collect();
    println!("slowest (mean): {}", worst.join(", "));
    Ok(())
}
