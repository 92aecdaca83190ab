//! Text output for people: results, cited text, outlines, documents and statistics, coloured on
//! a terminal unless `NO_COLOR` is set.

use std::io::{IsTerminal, Result, Write};

use crate::indexer::SectionNode;
use crate::output::{DocumentList, Outlines};
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
