//! What `baogao index` tells while and after it builds: a progress bar (or plain lines when
//! stderr is not a terminal) and the summary of the build.

use std::io::IsTerminal;
use std::path::Path;

use crate::indexer::{BuildReport, Progress};

/// Prints the summary of a build, and each skipped file as a warning.
pub fn print_build_report(report: &BuildReport, dir: &Path) {
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
pub struct ProgressDisplay {
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    last_line: std::time::Instant,
}

impl ProgressDisplay {
    /// Seconds between plain progress lines when stderr is not a terminal.
    const LINE_SECONDS: u64 = 2;

    pub fn new(quiet: bool) -> ProgressDisplay {
        let now = std::time::Instant::now();
        ProgressDisplay {
            quiet,
            bar: None,
            started: now,
            last_line: now,
        }
    }

    pub fn update(&mut self, progress: Progress) {
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

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
