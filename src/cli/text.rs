//! Text output for people: results, cited text, outlines, documents and statistics, coloured on
//! a terminal unless `NO_COLOR` is set.

use std::io::{IsTerminal, Result, Write};

use crate::indexer::SectionNode;
use crate::output::{DocumentList, Outlines};
use crate::search::compare::Comparison;
use crate::search::kwic::Concordance;
use crate::search::trend::Trend;
use crate::search::{CitedText, SearchResults, Stats, Verified};

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

/// The total, how the query was understood, then each hit: rank, citation, section, snippet.
pub fn write_results(out: &mut dyn Write, results: &SearchResults) -> Result<()> {
    let style = Style::for_stdout();
    let offset = results.offset;
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
        let passage = &hit.passage;
        writeln!(out)?;
        writeln!(
            out,
            "{}. {}{}{}  {}",
            offset + rank + 1,
            style.citation.0,
            passage.citation,
            style.citation.1,
            if passage.section.is_empty() {
                "(opening)"
            } else {
                passage.section.as_str()
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

/// The exact text, then `—— citation《title》, year section`.
pub fn write_cited(out: &mut dyn Write, cited: &CitedText) -> Result<()> {
    let passage = &cited.passage;
    writeln!(out, "{}", passage.text)?;
    let year = passage.year.map(|y| format!(", {y}")).unwrap_or_default();
    let section = if passage.section.is_empty() {
        String::new()
    } else {
        format!(" {}", passage.section)
    };
    writeln!(
        out,
        "—— {}《{}》{}{section}",
        passage.citation, passage.title, year
    )
}

/// Each document, then its outline indented by depth with passage counts.
pub fn write_outlines(out: &mut dyn Write, outlines: &Outlines) -> Result<()> {
    fn write_node(out: &mut dyn Write, node: &SectionNode, depth: usize) -> Result<()> {
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
    for document in &outlines.0 {
        let year = document.year.map(|y| format!(" ({y})")).unwrap_or_default();
        writeln!(
            out,
            "{}  {}{}  [{} passages]",
            document.id, document.title, year, document.passages
        )?;
        if document.opening_passages > 0 {
            writeln!(
                out,
                "  {}:0  (opening, before the first heading)  [{}]",
                document.id, document.opening_passages
            )?;
        }
        for node in document.sections.as_deref().unwrap_or_default() {
            write_node(out, node, 1)?;
        }
    }
    Ok(())
}

/// One document a line: id, year, issuer, title, passages.
pub fn write_documents(out: &mut dyn Write, documents: &DocumentList) -> Result<()> {
    for d in &documents.0 {
        let year = d.year.map_or("----".to_string(), |y| y.to_string());
        let issuer = d.issuer.as_deref().unwrap_or("-");
        writeln!(
            out,
            "{}  {year}  {issuer}  {}  ({} passages)",
            d.id, d.title, d.passages
        )?;
    }
    Ok(())
}

/// Documents, passages, sections and size, one a line.
pub fn write_stats(out: &mut dyn Write, stats: &Stats) -> Result<()> {
    writeln!(out, "documents:  {}", stats.documents)?;
    writeln!(out, "passages:   {}", stats.passages)?;
    writeln!(out, "sections:   {}", stats.sections)?;
    writeln!(
        out,
        "index size: {} bytes ({})",
        stats.index_bytes,
        stats.generation.display()
    )
}

/// What a verification checked.
pub fn write_verified(out: &mut dyn Write, verified: &Verified) -> Result<()> {
    writeln!(
        out,
        "{}: {} documents, {} passages; every file passes its checksum and every passage reads",
        verified.generation.display(),
        verified.documents,
        verified.passages
    )
}

/// Columns a terminal gives a character: two for CJK and full-width forms.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}' => 2,
            _ => 1,
        })
        .sum()
}

/// `text` padded with spaces to `width` columns, on the left or the right.
fn pad(text: &str, width: usize, left: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(text)));
    match left {
        true => format!("{fill}{text}"),
        false => format!("{text}{fill}"),
    }
}

/// Width of the bars of a trend table, in block characters.
const BAR_WIDTH: usize = 30;

/// A bar of `value` out of `most`, in eighths of a block.
fn bar(value: f64, most: f64) -> String {
    if most <= 0.0 || value <= 0.0 {
        return String::new();
    }
    let eighths = (value / most * (BAR_WIDTH * 8) as f64).round().max(1.0) as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8 - 1]);
    }
    bar
}

/// A table of the buckets: keys, characters, each term's count (or rate), and a bar of the
/// first term; then where each term first and last appears.
pub fn write_trend(out: &mut dyn Write, trend: &Trend) -> Result<()> {
    let value = |row: &crate::search::trend::TrendRow, term: &str| {
        let count = row.counts.get(term).copied().unwrap_or_default();
        match trend.show_rates {
            true => count.per_10k,
            false => count.occurrences as f64,
        }
    };
    let first_term = trend.terms.first().map(String::as_str).unwrap_or_default();
    let most = trend
        .rows
        .iter()
        .map(|row| value(row, first_term))
        .fold(0.0, f64::max);
    let labels: Vec<String> = trend
        .rows
        .iter()
        .map(|row| row.bucket.labels().join(" "))
        .collect();
    let key_width = labels
        .iter()
        .map(|l| display_width(l))
        .max()
        .unwrap_or(0)
        .max(6);
    let header: Vec<String> = trend.terms.iter().map(|term| pad(term, 10, true)).collect();
    writeln!(
        out,
        "{}  {:>9}  {}",
        pad(
            &trend
                .by
                .iter()
                .map(|k| format!("{k:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join(" "),
            key_width,
            false
        ),
        "chars",
        header.join(" ")
    )?;
    for (row, label) in trend.rows.iter().zip(&labels) {
        let cells: Vec<String> = trend
            .terms
            .iter()
            .map(|term| {
                let shown = value(row, term);
                pad(
                    &match trend.show_rates {
                        true => format!("{shown:.2}"),
                        false => format!("{shown:.0}"),
                    },
                    display_width(term).max(10),
                    true,
                )
            })
            .collect();
        writeln!(
            out,
            "{}  {:>9}  {}  {}",
            pad(label, key_width, false),
            row.chars,
            cells.join(" "),
            bar(value(row, first_term), most)
        )?;
    }
    for term in &trend.terms {
        match (trend.first.get(term), trend.last.get(term)) {
            (Some(first), Some(last)) => writeln!(
                out,
                "{term}: first {} ({}), last {} ({})",
                first.bucket.labels().join(" "),
                first.citation,
                last.bucket.labels().join(" "),
                last.citation
            )?,
            _ => writeln!(out, "{term}: found nowhere")?,
        }
    }
    Ok(())
}

/// The lines aligned on the match, with their citations.
pub fn write_concordance(out: &mut dyn Write, concordance: &Concordance) -> Result<()> {
    let shown = if concordance.lines.is_empty() {
        String::new()
    } else {
        format!(
            ", showing {}–{}",
            concordance.offset + 1,
            concordance.offset + concordance.lines.len()
        )
    };
    writeln!(
        out,
        "{} occurrences of {}{shown} ({:.1} ms)",
        concordance.total, concordance.term, concordance.took_ms
    )?;
    let citation_width = concordance
        .lines
        .iter()
        .map(|l| display_width(&l.citation))
        .max()
        .unwrap_or(0);
    let left_width = concordance
        .lines
        .iter()
        .map(|l| display_width(&l.left))
        .max()
        .unwrap_or(0);
    for line in &concordance.lines {
        writeln!(
            out,
            "{}  {} 【{}】 {}",
            pad(&line.citation, citation_width, false),
            pad(&line.left, left_width, true),
            line.matched,
            line.right
        )?;
    }
    Ok(())
}

/// The four groups, a word a line with its counts and citation.
pub fn write_comparison(out: &mut dyn Write, comparison: &Comparison) -> Result<()> {
    writeln!(
        out,
        "{} ({} chars) → {} ({} chars), {:.1} ms",
        comparison.a, comparison.chars_a, comparison.b, comparison.chars_b, comparison.took_ms
    )?;
    for (group, words) in comparison.groups() {
        writeln!(out)?;
        writeln!(out, "{group} ({})", words.len())?;
        if words.iter().any(|word| word.first_time) {
            writeln!(
                out,
                "  (first time: no report of an earlier year in the index has it)"
            )?;
        }
        for word in words {
            writeln!(
                out,
                "  {}  {} → {}  G²={:.1}  {}{}",
                pad(&word.word, 12, false),
                word.count_a,
                word.count_b,
                word.keyness,
                match word.passages_in_index {
                    Some(1) => "first time, 1 passage in the index  ".to_string(),
                    Some(passages) => format!("first time, {passages} passages in the index  "),
                    None => String::new(),
                },
                word.citation
            )?;
        }
    }
    Ok(())
}
