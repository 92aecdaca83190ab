//! In-process benchmark: index build time and query latency (snippets included).
//!
//! `cargo bench --bench search` builds the seed index from `seeds/` (median of 5 builds), then runs
//! every query of `benches/queries-seed.txt` for 20 rounds after one warm-up round and prints the
//! p50/p99 latency of one `Engine::search` call. Options (after `--`):
//! `--index DIR` search an existing index instead of building the seed one;
//! `--queries FILE`, `--rounds N`, `--limit N` (hits per query, default 10).

use std::path::PathBuf;
use std::time::Instant;

use baogao::indexer::build_index;
use baogao::search::{Engine, SearchRequest};

struct Options {
    index: Option<PathBuf>,
    queries: PathBuf,
    rounds: usize,
    limit: usize,
}

fn options() -> Options {
    let mut options = Options {
        index: None,
        queries: PathBuf::from("benches/queries-seed.txt"),
        rounds: 20,
        limit: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--index" => options.index = Some(PathBuf::from(value())),
            "--queries" => options.queries = PathBuf::from(value()),
            "--rounds" => options.rounds = value().parse().expect("--rounds N"),
            "--limit" => options.limit = value().parse().expect("--limit N"),
            // cargo bench passes --bench to harness-less benchmarks.
            _ => {}
        }
    }
    options
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

    let queries: Vec<String> = std::fs::read_to_string(&options.queries)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", options.queries.display()))
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect();
    let engine = Engine::open(&index)?;
    let request = |query: &str| SearchRequest {
        query: query.to_string(),
        limit: options.limit,
        ..SearchRequest::default()
    };

    let mut hits = 0;
    for query in &queries {
        hits += engine.search(&request(query))?.total;
    }
    let mut samples = Vec::with_capacity(queries.len() * options.rounds);
    for _ in 0..options.rounds {
        for query in &queries {
            let started = Instant::now();
            let results = engine.search(&request(query))?;
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(results);
        }
    }
    samples.sort_by(f64::total_cmp);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    println!(
        "queries: {} x {} rounds on {} ({} hits in all): p50 {:.3} ms, p99 {:.3} ms, mean {:.3} ms, max {:.3} ms",
        queries.len(),
        options.rounds,
        index.display(),
        hits,
        percentile(&samples, 50.0),
        percentile(&samples, 99.0),
        mean,
        samples[samples.len() - 1]
    );
    Ok(())
}
