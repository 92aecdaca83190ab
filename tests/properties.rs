//! Property tests: the query parser, the outline parser with mark-up stripping, the normaliser
//! with its map back to the source, snippet and concordance rendering never panic on any input,
//! keep every offset inside the text, and say what they parsed. Inputs mix the pieces reports and
//! queries are made of (CJK, full-width forms, headings, mark-up, quotes, `-`, `OR`, `|`,
//! parentheses) with NUL, control characters, emoji, combining marks and arbitrary characters;
//! one input of each kind is 1 MB without white space. Bounded to a few seconds: 2,048 cases a
//! property (`PROPTEST_CASES` sets more for a longer run; the cases that once failed run first).

use std::path::Path;

use baogao::analysis::normalize::{normalize, normalize_str};
use baogao::ingest::parse_document;
use baogao::search::kwic::context_lines;
use baogao::search::query::{normalize_term, parse_query};
use baogao::search::snippet::make_snippet;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// 2,048 cases a property; the cases that once failed are kept beside this file
/// (`tests/properties.regressions`) and run first.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2048,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    }
}

/// Pieces of reports and queries, and of what breaks parsers.
const PIECES: &[&str] = &[
    "招商引资",
    "華勤",
    "高质量发展",
    "１４．２％",
    "14.2%",
    "亿元",
    "水",
    "AA+",
    "一、",
    "二、",
    "（一）",
    "(二)",
    "1.",
    "（3）",
    "一是",
    "二是",
    "第一，",
    "①",
    "名词解释",
    "\n",
    "\r\n",
    "。",
    "，",
    "**",
    "## ",
    "<!--",
    "-->",
    "<br>",
    "|---|",
    "[^1]",
    "---\ntitle: 报告\n---\n",
    "\"",
    "＂",
    "-",
    " OR ",
    "|",
    "｜",
    "(",
    ")",
    "\0",
    "\u{7}",
    "\u{1b}[31m",
    "😀",
    "e\u{301}",
    "\u{200b}",
    "\u{feff}",
    " ",
    "\t",
    "九十九是",
    "一百是",
];

/// Text made of [`PIECES`] and arbitrary characters.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{0,6}",
    ];
    proptest::collection::vec(piece, 0..48).prop_map(|pieces| pieces.concat())
}

/// About 1 MB of [`PIECES`] without white space.
fn megabyte_without_white_space() -> String {
    let pieces: Vec<&str> = PIECES
        .iter()
        .copied()
        .filter(|p| !p.chars().any(char::is_whitespace))
        .collect();
    let mut text = String::new();
    let mut at = 0;
    while text.len() < 1 << 20 {
        text.push_str(pieces[at % pieces.len()]);
        at = at * 7 + 3;
    }
    text
}

fn check_query(query: &str) -> Result<(), TestCaseError> {
    let Ok(parsed) = parse_query(query) else {
        return Ok(());
    };
    prop_assert!(!parsed.required.is_empty());
    for term in parsed.required.iter().flatten().chain(&parsed.excluded) {
        prop_assert!(!term.text.is_empty());
        prop_assert!(
            !term.text.chars().any(char::is_whitespace),
            "{:?}",
            term.text
        );
    }
    let rendered = parsed.to_string();
    let again = parse_query(&rendered);
    prop_assert_eq!(
        again.as_ref().ok(),
        Some(&parsed),
        "{:?} rendered as {:?}",
        query,
        rendered
    );
    Ok(())
}

fn check_document(text: &str) -> Result<(), TestCaseError> {
    let document = parse_document(Path::new("报告.txt"), text);
    let chars = text.chars().count();
    let outline = &document.outline;
    let mut previous_end = 0;
    for passage in &outline.passages {
        prop_assert!(passage.start <= passage.end && passage.end <= chars);
        prop_assert!(passage.start >= previous_end, "passages overlap");
        previous_end = passage.end;
        prop_assert!(passage.section.is_none_or(|s| s < outline.sections.len()));
    }
    for (index, section) in outline.sections.iter().enumerate() {
        prop_assert!(section.parent.is_none_or(|parent| parent < index));
    }
    let mut locators: Vec<&str> = outline
        .passages
        .iter()
        .map(|p| p.locator.as_str())
        .collect();
    locators.sort_unstable();
    let count = locators.len();
    locators.dedup();
    prop_assert_eq!(locators.len(), count, "locators are unique");
    Ok(())
}

fn check_normalizer(text: &str) -> Result<(), TestCaseError> {
    let normalized = normalize(text);
    let source_chars = text.chars().count() as u32;
    prop_assert_eq!(
        normalized.text.chars().count(),
        normalized.source_char.len()
    );
    prop_assert!(normalized.source_char.windows(2).all(|w| w[0] <= w[1]));
    prop_assert!(normalized.source_char.iter().all(|&c| c < source_chars));
    prop_assert_eq!(
        normalize_str(&normalized.text),
        normalized.text.clone(),
        "idempotent"
    );
    Ok(())
}

fn check_snippet(text: &str, terms: &[String]) -> Result<(), TestCaseError> {
    let snippet = make_snippet(text, terms.iter().map(String::as_str));
    let window: String = snippet
        .fragments
        .iter()
        .map(|(piece, _)| piece.as_str())
        .collect();
    prop_assert!(text.contains(&window), "the window is a piece of the text");
    for (piece, is_match) in &snippet.fragments {
        prop_assert!(!piece.is_empty());
        if *is_match {
            // A whole term, or the part of one the window cuts; a source character that
            // normalises to several (ﬀ → ff) is highlighted whole for a term inside it.
            let found = normalize_str(piece);
            prop_assert!(
                terms
                    .iter()
                    .any(|term| term.contains(&found) || found.contains(term.as_str())),
                "{:?} is highlighted but no term holds it",
                piece
            );
        }
    }
    let html = snippet.to_html();
    prop_assert!(!html.contains("<script"), "escaped");
    Ok(())
}

fn check_concordance(text: &str, term: &str, width: usize) -> Result<(), TestCaseError> {
    let Ok(term) = normalize_term(term) else {
        return Ok(());
    };
    let lines = context_lines(text, &term, width);
    prop_assert_eq!(
        lines.len(),
        normalize_str(text).matches(term.as_str()).count()
    );
    for (left, matched, right) in &lines {
        prop_assert!(left.chars().count() <= width && right.chars().count() <= width);
        // The match is the source characters the term came from; one that normalises to several
        // (¼ → 1⁄4) is shown whole.
        prop_assert!(
            normalize_str(matched).contains(term.as_str()),
            "{:?} in {:?}",
            matched,
            text
        );
        let line = format!("{left}{matched}{right}");
        prop_assert!(text.contains(&line), "{:?} is not in {:?}", line, text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_query_parses_or_is_refused_and_reads_back_the_same(query in mixed_text()) {
        check_query(&query)?;
    }

    #[test]
    fn any_text_parses_into_an_outline_inside_the_text(text in mixed_text()) {
        check_document(&text)?;
    }

    #[test]
    fn the_normaliser_maps_every_character_back_into_the_source(text in mixed_text()) {
        check_normalizer(&text)?;
    }

    #[test]
    fn snippets_highlight_only_the_terms(text in mixed_text(), query in mixed_text()) {
        let terms: Vec<String> = parse_query(&query)
            .map(|parsed| parsed.required.into_iter().flatten().map(|t| t.text).collect())
            .unwrap_or_default();
        check_snippet(&text, &terms)?;
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn concordance_lines_are_the_occurrences_in_the_source_form(
        text in mixed_text(),
        term in proptest::sample::select(PIECES),
        width in 0usize..12,
    ) {
        check_concordance(&text, term, width)?;
    }
}

#[test]
fn a_megabyte_without_white_space_is_handled_in_one_piece() {
    let text = megabyte_without_white_space();
    check_query(&text).unwrap();
    check_document(&text).unwrap();
    check_normalizer(&text).unwrap();
    check_snippet(&text, &["华勤".to_string(), "14.2%".to_string()]).unwrap();
    check_concordance(&text, "華勤", 20).unwrap();
}
