//! In-process benchmark of the counting questions on an index (the corpus index is the one the
//! speed figures are for): `cargo bench --bench analysis -- --index DIR [--rounds N]`.
//!
//! Times, as the median and the slowest of N rounds after one warm-up: `trend 发展` over every
//! report; a dictionary of ten terms by issuer and year; `kwic 发展` of 500 lines in document
//! order; `compare` of two State Council reports (the first and last it finds, unless `--compare
//! A B`). Each prints what it counted, so that a figure always comes with its work.

use std::path::PathBuf;
use std::time::Instant;

use baogao::search::compare::{CompareRequest, DEFAULT_MIN_COUNT};
use baogao::search::kwic::{KwicRequest, KwicSort};
use baogao::search::trend::{BucketBy, TrendRequest};
use baogao::search::{Engine, Filters};

/// The ten terms of the dictionary.
const DICTIONARY: [&str; 10] = [
    "改革",
    "开放",
    "创新",
    "发展",
    "环境",
    "民生",
    "就业",
    "教育",
    "科技",
    "营商环境",
];

fn main() -> baogao::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut index, mut rounds, mut pair) = (None, 20, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--index" => index = args.next().map(PathBuf::from),
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(20),
            "--compare" => pair = args.next().zip(args.next()),
            // cargo bench passes --bench to harness-less benchmarks.
            _ => {}
        }
    }
    let index = index.unwrap_or_else(|| PathBuf::from("index"));
    let engine = Engine::open(&index)?;
    let (a, b) = pair.unwrap_or_else(|| {
        let catalog = engine.catalog();
        let council: Vec<String> = (0..catalog.len())
            .filter(|&p| catalog.issuer(p) == Some("国务院") && catalog.year(p).is_some())
            .map(|p| catalog.id(p).to_string())
            .collect();
        let first = council.first().cloned().unwrap_or_default();
        let last = council.last().cloned().unwrap_or_default();
        (first, last)
    });

    let trend_one = TrendRequest::new(&["发展".to_string()], Filters::default(), vec![])?;
    let terms: Vec<String> = DICTIONARY.iter().map(|t| t.to_string()).collect();
    let panel = TrendRequest::new(
        &terms,
        Filters::default(),
        vec![BucketBy::Issuer, BucketBy::Year],
    )?;
    let kwic = KwicRequest::new("发展", Filters::default(), 20, KwicSort::Doc, 500, 0)?;
    let compare = CompareRequest::new(&a, &b, 20, DEFAULT_MIN_COUNT)?;

    println!(
        "{} documents in {}, {rounds} rounds after a warm-up",
        engine.catalog().len(),
        index.display()
    );
    time("trend 发展, every report, by year", rounds, || {
        let trend = engine.trend(&trend_one)?;
        let total: u64 = trend
            .rows
            .iter()
            .map(|r| r.counts["发展"].occurrences)
            .sum();
        Ok(format!("{total} occurrences in {} years", trend.rows.len()))
    })?;
    time("trend of 10 terms by issuer,year", rounds, || {
        let trend = engine.trend(&panel)?;
        Ok(format!("{} rows", trend.rows.len()))
    })?;
    time("kwic 发展, 500 lines in document order", rounds, || {
        let concordance = engine.kwic(&kwic)?;
        Ok(format!(
            "{} lines of {}",
            concordance.lines.len(),
            concordance.total
        ))
    })?;
    time(&format!("compare {a} {b}"), rounds, || {
        let comparison = engine.compare(&compare)?;
        Ok(format!(
            "{} new, {} gone, {} rose, {} fell",
            comparison.new.len(),
            comparison.gone.len(),
            comparison.rose.len(),
            comparison.fell.len()
        ))
    })?;
    Ok(())
}

/// Runs `work` once to warm up, then `rounds` times; prints the median and the slowest.
fn time(
    what: &str,
    rounds: usize,
    mut work: impl FnMut() -> baogao::Result<String>,
) -> baogao::Result<()> {
    let counted = work()?;
    let mut millis: Vec<f64> = (0..rounds.max(1))
        .map(|_| {
            let started = Instant::now();
            work().map(|_| started.elapsed().as_secs_f64() * 1000.0)
        })
        .collect::<baogao::Result<_>>()?;
    millis.sort_by(f64::total_cmp);
    println!(
        "{what}: median {:.2} ms, slowest {:.2} ms ({counted})",
        millis[millis.len() / 2],
        millis[millis.len() - 1]
    );
    Ok(())
}
