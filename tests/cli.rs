//! Integration tests: the real `baogao` binary on the seed report (河源国家高新区 2024 work summary).

use std::path::Path;

use crate::util::{
    current_generation, fixture, flip_middle_byte, generation_file, hit_citations, seed, seed_text,
    sorted, strings, Workspace, SEED,
};
use serde_json::Value;

// ---- Outline and citations ----

#[test]
fn the_seed_has_an_opening_and_nineteen_items() {
    let outline: Value =
        serde_json::from_str(&seed().ok(&["sections", "--json", "--index", "index"])).unwrap();
    let document = &outline[0];
    assert_eq!(document["id"], "gxq-2024");
    assert_eq!(document["title"], "河源国家高新区2024年工作总结");
    assert_eq!(document["year"], 2024);
    assert_eq!(document["passages"], 20);
    assert_eq!(document["opening_passages"], 1);
    let counts: Vec<(String, u64)> = document["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["citation"].as_str().unwrap().to_string(),
                s["passages"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("gxq-2024:1", 4),
        ("gxq-2024:2", 3),
        ("gxq-2024:3", 3),
        ("gxq-2024:4", 4),
        ("gxq-2024:5", 5),
    ];
    assert_eq!(counts, expected.map(|(c, n)| (c.to_string(), n)));
    assert_eq!(document["sections"][1]["marker"], "(二)");
    assert_eq!(
        document["sections"][1]["title"],
        "纵深推进产业空间拓展突破年活动,产业承载能力得到进一步巩固提升"
    );
}

#[test]
fn sections_text_output_shows_the_tree() {
    let text = seed().ok(&["sections", "--index", "index"]);
    assert!(
        text.contains("gxq-2024  河源国家高新区2024年工作总结 (2024)  [20 passages]"),
        "{text}"
    );
    assert!(
        text.contains(
            "gxq-2024:4  (四)纵深推进管理服务质量提升年活动,营商环境水平得到进一步巩固优化  [4]"
        ),
        "{text}"
    );
}

#[test]
fn get_returns_the_exact_text_of_a_citation() {
    let text = seed().ok(&["get", "gxq-2024:2.1", "--index", "index"]);
    let passage = text.lines().next().unwrap();
    assert!(
        passage.starts_with("一是跨江融合发展如火如荼。"),
        "{passage}"
    );
    assert!(
        passage.ends_with("产业项目引进等工作有力有序推进。"),
        "{passage}"
    );
    assert!(seed_text().contains(passage));
    assert!(
        text.contains("—— gxq-2024:2.1《河源国家高新区2024年工作总结》, 2024 (二)纵深推进"),
        "{text}"
    );
}

#[test]
fn get_json_carries_offsets_into_the_source() {
    let passage: Value =
        serde_json::from_str(&seed().ok(&["get", "gxq-2024:0", "--json", "--index", "index"]))
            .unwrap();
    assert_eq!(passage["kind"], "passage");
    assert!(passage["text"]
        .as_str()
        .unwrap()
        .starts_with("2024年,高新区坚持以习近平"));
    assert_eq!(passage["section_path"], Value::Array(vec![]));
}

#[test]
fn every_hit_round_trips_through_get() {
    let results = seed().search("发展", &[]);
    assert!(results["total"].as_u64().unwrap() >= 15);
    for hit in results["hits"].as_array().unwrap() {
        let citation = hit["citation"].as_str().unwrap();
        let got: Value =
            serde_json::from_str(&seed().ok(&["get", citation, "--json", "--index", "index"]))
                .unwrap();
        assert_eq!(got["text"], hit["text"], "{citation}");
        assert!(
            seed_text().contains(got["text"].as_str().unwrap()),
            "{citation}"
        );
    }
}

#[test]
fn a_section_citation_returns_its_passages() {
    let section: Value =
        serde_json::from_str(&seed().ok(&["get", "gxq-2024:3", "--json", "--index", "index"]))
            .unwrap();
    assert_eq!(section["kind"], "section");
    assert_eq!(
        section["passages"],
        serde_json::json!(["gxq-2024:3.1", "gxq-2024:3.2", "gxq-2024:3.3"])
    );
    assert!(section["text"]
        .as_str()
        .unwrap()
        .starts_with("一是协同机制逐步搭建。"));
}

#[test]
fn citations_are_stable_across_reindexing() {
    let workspace = Workspace::with_seed();
    let before = workspace.citations("发展", &[]);
    workspace.ok(&["index", "reports", "--index", "index"]);
    assert_eq!(workspace.citations("发展", &[]), before);
}

// ---- The recall guarantee ----

#[test]
fn names_jieba_does_not_know_are_found() {
    assert_eq!(
        sorted(seed().citations("华勤", &[])),
        strings(&["gxq-2024:1.1", "gxq-2024:2.3"])
    );
    assert_eq!(seed().citations("塔斯汀", &[]), strings(&["gxq-2024:1.2"]));
    assert_eq!(seed().citations("饭饭得", &[]), strings(&["gxq-2024:1.4"]));
    assert_eq!(
        seed().citations("芯友微电子", &[]),
        strings(&["gxq-2024:1.2"])
    );
}

#[test]
fn numbers_with_units_are_found() {
    assert_eq!(seed().citations("133.6亿元", &[]), strings(&["gxq-2024:0"]));
    assert_eq!(
        seed().citations("7575.01万元", &[]),
        strings(&["gxq-2024:4.1"])
    );
    assert_eq!(
        seed().citations("国道205线", &[]),
        strings(&["gxq-2024:2.1"])
    );
    assert_eq!(seed().citations("12345", &[]), strings(&["gxq-2024:4.4"]));
    assert_eq!(seed().citations("14.2%", &[]), strings(&["gxq-2024:0"]));
}

#[test]
fn one_character_queries_find_every_passage_with_the_character() {
    let hits = seed().citations("水", &[]);
    // In the text of the first six; the heading of (四) reads 营商环境水平, so all of its
    // passages match too.
    let expected = strings(&[
        "gxq-2024:0",
        "gxq-2024:1.1",
        "gxq-2024:1.2",
        "gxq-2024:1.3",
        "gxq-2024:2.2",
        "gxq-2024:4.1",
        "gxq-2024:4.2",
        "gxq-2024:4.3",
        "gxq-2024:4.4",
    ]);
    assert_eq!(sorted(hits), expected);
}

#[test]
fn substrings_of_longer_words_are_found() {
    let hits = seed().citations("智能制造", &[]);
    assert!(hits.contains(&"gxq-2024:1.1".to_string()), "{hits:?}");
    assert!(hits.contains(&"gxq-2024:2.3".to_string()), "{hits:?}");
    assert!(hits.contains(&"gxq-2024:3.2".to_string()), "{hits:?}");
}

#[test]
fn every_substring_of_every_passage_finds_its_passage() {
    let outline: Value =
        serde_json::from_str(&seed().ok(&["sections", "--json", "--index", "index"])).unwrap();
    let mut citations = vec!["gxq-2024:0".to_string()];
    for section in outline[0]["sections"].as_array().unwrap() {
        let passages = section["passages"].as_u64().unwrap();
        citations.extend(
            (1..=passages).map(|i| format!("{}.{i}", section["citation"].as_str().unwrap())),
        );
    }
    for citation in citations {
        let got: Value =
            serde_json::from_str(&seed().ok(&["get", &citation, "--json", "--index", "index"]))
                .unwrap();
        let chars: Vec<char> = got["text"].as_str().unwrap().chars().collect();
        for (start, len) in [(0, 2), (7, 1), (13, 5), (40, 3), (chars.len() - 6, 4)] {
            let term: String = chars[start..start + len].iter().collect();
            if !term.chars().any(char::is_alphanumeric) || term.contains(['"', '-', '|']) {
                continue;
            }
            let hits = seed().citations(&format!("\"{term}\""), &[]);
            assert!(
                hits.contains(&citation),
                "{term:?} did not find {citation}: {hits:?}"
            );
        }
    }
}

// ---- Normalisation ----

#[test]
fn traditional_characters_find_simplified_text() {
    assert_eq!(
        seed().citations("招商引資", &[]),
        seed().citations("招商引资", &[])
    );
    assert_eq!(
        sorted(seed().citations("農夫山泉", &[])),
        strings(&["gxq-2024:1.1", "gxq-2024:4.4"])
    );
}

#[test]
fn full_width_forms_find_half_width_text() {
    assert_eq!(
        seed().citations("１４．２％", &[]),
        strings(&["gxq-2024:0"])
    );
    assert_eq!(seed().citations("ＡＡ＋", &[]), strings(&["gxq-2024:4.3"]));
}

#[test]
fn case_does_not_matter() {
    assert_eq!(seed().citations("AA+", &[]), strings(&["gxq-2024:4.3"]));
    assert_eq!(seed().citations("aa+", &[]), strings(&["gxq-2024:4.3"]));
}

#[test]
fn snippets_mark_the_original_characters() {
    let results = seed().search("１４．２％", &[]);
    let snippet = results["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("同比增长<mark>14.2%</mark>"), "{snippet}");
    let results = seed().search("華勤", &[]);
    assert!(results["hits"][0]["snippet"]
        .as_str()
        .unwrap()
        .contains("<mark>华勤</mark>"));
}

// ---- Query semantics ----

#[test]
fn all_terms_are_required() {
    assert_eq!(
        sorted(seed().citations("华勤 二期", &[])),
        strings(&["gxq-2024:1.1", "gxq-2024:2.3"])
    );
    assert_eq!(
        seed().citations("招商引资 塔斯汀", &[]),
        strings(&["gxq-2024:1.2"])
    );
    assert!(seed().citations("华勤 塔斯汀", &[]).is_empty());
}

#[test]
fn punctuation_inside_a_term_must_match_and_leading_marks_are_dropped() {
    let listed = seed().search("二中、三中", &[]);
    assert_eq!(listed["interpretation"]["mode"], "verbatim");
    assert_eq!(
        sorted(hit_citations(&listed)),
        strings(&["gxq-2024:0", "gxq-2024:5.1"])
    );
    // The report lists them with 、, never with a comma: not a verbatim match.
    let comma = seed().search("二中，三中", &[]);
    assert_eq!(comma["interpretation"]["mode"], "words");
    let leading = seed().search("、三中", &[]);
    assert_eq!(
        leading["interpretation"]["required"],
        serde_json::json!([["三中"]])
    );
}

#[test]
fn a_compound_without_verbatim_match_falls_back_to_its_words() {
    let results = seed().search("招商引资基金", &[]);
    assert_eq!(results["interpretation"]["mode"], "words");
    assert_eq!(
        results["interpretation"]["required"],
        serde_json::json!([["招商引资"], ["基金"]])
    );
    assert_eq!(hit_citations(&results), strings(&["gxq-2024:1.2"]));
    let verbatim = seed().search("招商引资", &[]);
    assert_eq!(verbatim["interpretation"]["mode"], "verbatim");
}

#[test]
fn absent_topics_return_zero_hits_not_noise() {
    for query in ["人工智能", "区块链", "元宇宙"] {
        let results = seed().search(query, &[]);
        assert_eq!(results["total"], 0, "{query}: {results}");
    }
}

#[test]
fn a_quoted_phrase_is_exact() {
    assert_eq!(
        seed().citations("\"华勤技术\"", &[]),
        strings(&["gxq-2024:1.1"])
    );
    assert_eq!(
        seed().citations("\"华勤 技术\"", &[]),
        strings(&["gxq-2024:1.1"])
    );
    let results = seed().search("\"招商引资基金\"", &[]);
    assert_eq!(results["total"], 0, "a phrase never falls back to words");
}

#[test]
fn minus_excludes_a_term() {
    assert!(seed().citations("华勤 -二期", &[]).is_empty());
    let hits = seed().citations("农夫山泉 -中储粮", &[]);
    assert_eq!(hits, strings(&["gxq-2024:4.4"]));
    // Typed unquoted, the shell passes `-中储粮` as an argument of its own, options around it.
    let typed = seed().ok(&[
        "search",
        "-中储粮",
        "农夫山泉",
        "-n",
        "5",
        "--format",
        "json",
    ]);
    let typed: Value = serde_json::from_str(&typed).unwrap();
    assert_eq!(hit_citations(&typed), hits);
    assert_eq!(
        typed["interpretation"]["excluded"],
        serde_json::json!(["中储粮"])
    );
}

#[test]
fn or_and_bar_are_alternatives() {
    let expected = strings(&["gxq-2024:1.2", "gxq-2024:1.4"]);
    assert_eq!(sorted(seed().citations("塔斯汀 OR 饭饭得", &[])), expected);
    assert_eq!(sorted(seed().citations("塔斯汀|饭饭得", &[])), expected);
    assert_eq!(
        seed().citations("塔斯汀 OR 饭饭得 招商", &[]),
        strings(&["gxq-2024:1.2"])
    );
}

#[test]
fn heading_only_words_find_the_sections_passages() {
    let hits = seed().citations("营商环境", &[]);
    assert_eq!(
        sorted(hits),
        strings(&[
            "gxq-2024:4.1",
            "gxq-2024:4.2",
            "gxq-2024:4.3",
            "gxq-2024:4.4"
        ])
    );
}

#[test]
fn passages_under_a_heading_naming_the_term_rank_first() {
    // 产业 is in the text of 13 passages; the headings of (一) and (二) name it (…产业集群打造…,
    // …产业空间拓展…), so their passages that mention it lead, ahead of (三)1 and (三)3.
    let hits = seed().citations("产业", &[]);
    assert_eq!(hits.len(), 13, "{hits:?}");
    for citation in &hits[..5] {
        assert!(
            citation.starts_with("gxq-2024:1.") || citation.starts_with("gxq-2024:2."),
            "{hits:?}"
        );
    }
}

#[test]
fn the_best_passage_ranks_first() {
    assert_eq!(seed().citations("招商引资", &[])[0], "gxq-2024:1.2");
    assert_eq!(seed().citations("跨江融合", &[])[0], "gxq-2024:2.1");
    assert_eq!(seed().citations("党风廉政", &[])[0], "gxq-2024:5.3");
    assert_eq!(seed().citations("人才", &[])[0], "gxq-2024:1.4");
}

#[test]
fn ranking_is_deterministic() {
    let first = seed().citations("发展", &[]);
    for _ in 0..3 {
        assert_eq!(seed().citations("发展", &[]), first);
    }
}

#[test]
fn limit_and_offset_page_through_hits() {
    let all = seed().citations("发展", &[]);
    let page: Value = serde_json::from_str(&seed().ok(&[
        "search", "发展", "--json", "--index", "index", "--limit", "3", "--offset", "2",
    ]))
    .unwrap();
    assert_eq!(hit_citations(&page), all[2..5].to_vec());
    assert_eq!(page["total"].as_u64().unwrap() as usize, all.len());
}

// ---- Filters ----

#[test]
fn section_filter_by_number_in_any_form() {
    let expected = strings(&["gxq-2024:4.1"]);
    for section in ["四", "(四)", "（四）", "4"] {
        let hits = seed().citations("水", &["--section", section]);
        assert!(
            hits.iter().all(|c| c.starts_with("gxq-2024:4.")),
            "{section}: {hits:?}"
        );
        assert_eq!(hits[..1], expected[..], "{section}");
    }
}

#[test]
fn section_filter_by_heading_words() {
    let hits = seed().citations("水", &["--section", "营商环境"]);
    assert_eq!(hits.len(), 4);
    assert!(hits.iter().all(|c| c.starts_with("gxq-2024:4.")));
    let party = seed().citations("建设", &["--section", "党的全面领导"]);
    assert!(
        !party.is_empty() && party.iter().all(|c| c.starts_with("gxq-2024:5.")),
        "{party:?}"
    );
}

#[test]
fn doc_and_year_filters() {
    assert_eq!(
        seed()
            .citations("华勤", &["--doc", "gxq-2024", "--year", "2024"])
            .len(),
        2
    );
    let stderr = seed().fails(
        &["search", "华勤", "--doc", "nosuch", "--index", "index"],
        2,
    );
    assert!(
        stderr.contains("no document \"nosuch\"") && stderr.contains("gxq-2024"),
        "{stderr}"
    );
    let stderr = seed().fails(&["search", "华勤", "--year", "1999", "--index", "index"], 2);
    assert!(
        stderr.contains("1999") && stderr.contains("2024"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_section_is_an_error_listing_the_sections() {
    let stderr = seed().fails(&["search", "水", "--section", "十", "--index", "index"], 2);
    assert!(stderr.contains("no section matches \"十\""), "{stderr}");
    assert!(
        stderr.contains("gxq-2024:3  (三)纵深推进省级主平台建设攻坚年活动"),
        "{stderr}"
    );
    seed().fails(
        &["search", "水", "--section", "人工智能", "--index", "index"],
        2,
    );
}

// ---- Output ----

#[test]
fn json_has_the_documented_shape() {
    let results = seed().search("华勤", &[]);
    for key in ["query", "interpretation", "total", "took_ms", "hits"] {
        assert!(results.get(key).is_some(), "missing {key}");
    }
    let hit = &results["hits"][0];
    for key in crate::util::HIT_KEYS {
        assert!(hit.get(key).is_some(), "missing hit.{key}");
    }
    assert_eq!(hit["section"], hit["section_path"][0]);
}

#[test]
fn human_output_lists_citation_section_and_snippet() {
    let text = seed().ok(&["search", "塔斯汀", "--index", "index"]);
    assert!(
        text.starts_with("1 passage for 塔斯汀, showing 1–1"),
        "{text}"
    );
    assert!(
        text.contains("1. gxq-2024:1.2  (一)纵深推进产业集群打造攻坚年活动"),
        "{text}"
    );
    assert!(
        text.contains("顺利推动塔斯汀华南净菜工厂项目落户"),
        "{text}"
    );
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn zero_hits_exit_zero() {
    let text = seed().ok(&["search", "人工智能", "--index", "index"]);
    assert!(text.starts_with("0 passages for 人工智能"), "{text}");
}

#[test]
fn stats_count_documents_and_passages() {
    let stats: Value =
        serde_json::from_str(&seed().ok(&["stats", "--json", "--index", "index"])).unwrap();
    assert_eq!(stats["documents"], 1);
    assert_eq!(stats["passages"], 20);
    assert!(stats["index_bytes"].as_u64().unwrap() > 10_000);
}

#[test]
fn docs_lists_the_documents() {
    let text = seed().ok(&["docs", "--index", "index"]);
    assert_eq!(
        text.trim(),
        "gxq-2024  2024  河源国家高新区  河源国家高新区2024年工作总结  (20 passages)"
    );
}

#[test]
fn every_printing_command_writes_csv_with_a_header() {
    let (header, rows) = seed().csv(&["search", "华勤"]);
    assert_eq!(
        header,
        strings(&[
            "rank", "citation", "doc", "title", "year", "section", "score", "snippet", "text"
        ])
    );
    let ranked: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row[0].as_str(), row[1].as_str()))
        .collect();
    assert_eq!(ranked, [("1", "gxq-2024:2.3"), ("2", "gxq-2024:1.1")]);
    assert!(rows[0][8].contains("华勤项目二期定制化厂房建设加快推进"));
    assert!(
        !rows[0][7].contains("<mark>"),
        "CSV snippets are plain text"
    );

    let (header, rows) = seed().csv(&["docs"]);
    assert_eq!(header[..4], strings(&["id", "year", "issuer", "title"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][..3],
        strings(&["gxq-2024", "2024", "河源国家高新区"])
    );

    let (header, rows) = seed().csv(&["sections"]);
    assert_eq!(
        header,
        strings(&["doc", "citation", "depth", "marker", "title", "passages"])
    );
    // The opening, then the five sections of the seed's outline.
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert_eq!(rows[0][1..3], strings(&["gxq-2024:0", "0"]));
    assert_eq!(rows[4][1..4], strings(&["gxq-2024:4", "1", "(四)"]));

    let (header, rows) = seed().csv(&["get", "gxq-2024:2.1"]);
    assert_eq!(header[..2], strings(&["citation", "kind"]));
    assert_eq!(rows[0][..2], strings(&["gxq-2024:2.1", "passage"]));
    assert!(rows[0][6].starts_with("一是跨江融合发展如火如荼。"));
    assert_eq!(rows[0][7..], strings(&["gxq-2024:1.4", "gxq-2024:2.2"]));

    let (header, rows) = seed().csv(&["stats"]);
    assert_eq!(header[..3], strings(&["documents", "passages", "sections"]));
    assert_eq!(rows[0][..3], strings(&["1", "20", "5"]));
}

#[test]
fn csv_starts_with_a_byte_order_mark_only_when_asked() {
    let with = seed().run(&["docs", "--format", "csv", "--bom"]);
    assert!(with.stdout.starts_with(b"\xEF\xBB\xBFid,year,"));
    let without = seed().ok(&["docs", "--format", "csv"]);
    assert!(without.starts_with("id,year,"), "{without}");
    let stderr = seed().fails(&["docs", "--bom"], 2);
    assert!(
        stderr.contains("--bom only applies to --format csv"),
        "{stderr}"
    );
}

#[test]
fn json_is_the_same_as_format_json_and_ndjson_writes_a_hit_a_line() {
    let hidden_alias = seed().ok(&["search", "华勤", "--json"]);
    let format = seed().ok(&["search", "华勤", "--format", "json"]);
    let without_timing = |text: &str| {
        let mut value: Value = serde_json::from_str(text).unwrap();
        value["took_ms"] = Value::Null;
        value
    };
    assert_eq!(without_timing(&hidden_alias), without_timing(&format));
    let lines = seed().ok(&["search", "华勤", "--format", "ndjson"]);
    let hits: Vec<Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["citation"], "gxq-2024:2.3");
    assert_eq!(seed().get_json("gxq-2024:2")["kind"], "section");
}

#[test]
fn sections_and_docs_take_the_search_filters() {
    let outline = seed().json(&["sections", "--section", "二"]);
    let sections = outline[0]["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 1, "{outline}");
    assert_eq!(sections[0]["citation"], "gxq-2024:2");
    let text = seed().ok(&["sections", "--section", "营商环境"]);
    assert!(
        text.contains("gxq-2024:4  (四)纵深推进管理服务质量提升年活动"),
        "{text}"
    );
    assert!(!text.contains("gxq-2024:1  "), "{text}");
    let docs = seed().json(&["docs", "--issuer", "河源国家高新区", "--year", "2020.."]);
    assert_eq!(docs.as_array().unwrap().len(), 1);
    let stderr = seed().fails(&["docs", "--issuer", "国务院"], 2);
    assert!(
        stderr.contains("no document is issued by \"国务院\""),
        "{stderr}"
    );
}

// ---- Bad input ----

#[test]
fn bad_queries_exit_2_with_a_reason() {
    let cases = [
        ("", "empty"),
        ("，。！", "no letter, digit or Chinese character"),
        ("\"华勤", "quote is not closed"),
        ("华勤 OR", "OR"),
        ("华勤 -", "'-'"),
    ];
    for (query, reason) in cases {
        let stderr = seed().fails(&["search", query, "--index", "index"], 2);
        assert!(stderr.contains(reason), "{query:?}: {stderr}");
        assert!(
            stderr.contains(&format!("bad query {query:?}")),
            "{query:?}: {stderr}"
        );
    }
    let long = "水".repeat(300);
    let stderr = seed().fails(&["search", &long, "--index", "index"], 2);
    assert!(stderr.contains("longer than 256"), "{stderr}");
}

#[test]
fn a_limit_over_the_cap_is_refused() {
    let stderr = seed().fails(&["search", "水", "--limit", "1000", "--index", "index"], 2);
    assert!(stderr.contains("limit 1000 is too large"), "{stderr}");
}

#[test]
fn a_page_beyond_the_result_window_is_refused_before_any_work() {
    for offset in ["10000", "1000000000000", &usize::MAX.to_string()] {
        let stderr = seed().fails(&["search", "水", "--offset", offset], 2);
        assert!(stderr.contains("is too deep"), "{offset}: {stderr}");
    }
    // Arguments are checked before the index is opened: no index is needed to refuse them.
    let stderr = seed().fails(
        &["search", "水", "--offset", "20000", "--index", "nowhere"],
        2,
    );
    assert!(stderr.contains("is too deep"), "{stderr}");
    let stderr = seed().fails(&["search", "水", "--year", "二〇二四"], 2);
    assert!(stderr.contains("bad year \"二〇二四\""), "{stderr}");
}

#[test]
fn an_unknown_citation_exits_2() {
    let stderr = seed().fails(&["get", "gxq-2024:9.9", "--index", "index"], 2);
    assert!(
        stderr.contains("no passage or section has the citation \"gxq-2024:9.9\""),
        "{stderr}"
    );
    seed().fails(&["get", "nonsense", "--index", "index"], 2);
}

#[test]
fn a_missing_index_says_how_to_build_it() {
    let workspace = Workspace::new();
    let stderr = workspace.fails(&["search", "华勤", "--index", "nowhere"], 1);
    assert!(
        stderr.contains("no index at nowhere") && stderr.contains("baogao index --index nowhere"),
        "{stderr}"
    );
}

#[test]
fn a_corrupt_index_says_how_to_rebuild_it() {
    let workspace = Workspace::with_seed();
    let current = std::fs::read_to_string(workspace.path().join("index/CURRENT")).unwrap();
    std::fs::write(
        workspace
            .path()
            .join("index")
            .join(current.trim())
            .join("meta.json"),
        b"{ broken",
    )
    .unwrap();
    let stderr = workspace.fails(&["search", "华勤", "--index", "index"], 1);
    assert!(
        stderr.contains("cannot be read")
            && stderr.contains("rebuild it with `baogao index REPORTS... --index index`"),
        "{stderr}"
    );
}

#[test]
fn verify_names_each_damaged_file_and_a_rebuild_repairs_the_index() {
    let workspace = Workspace::with_seed();
    let text = workspace.ok(&["verify"]);
    assert!(
        text.contains("1 documents, 20 passages; every file passes its checksum"),
        "{text}"
    );
    let generation = current_generation(&workspace.path().join("index"));
    let flip = |path: &Path| flip_middle_byte(path);
    let truncate = |path: &Path| {
        let bytes = std::fs::read(path).unwrap();
        std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
    };
    let append = |path: &Path| {
        let mut bytes = std::fs::read(path).unwrap();
        bytes.push(0);
        std::fs::write(path, bytes).unwrap();
    };
    /// A file (by the end of its name), what is done to it, and what the error then names.
    type Case<'a> = (&'a str, &'a dyn Fn(&Path), &'a str);
    let cases: [Case; 8] = [
        (".store", &flip, "fail their checksums"),
        (".idx", &flip, "fail their checksums"),
        (".pos", &flip, "fail their checksums"),
        (".term", &truncate, ".term"),
        ("catalog.bin", &flip, "catalog.bin is damaged"),
        ("catalog.bin", &truncate, "catalog.bin"),
        ("texts.dict", &append, "texts.dict is damaged"),
        ("checksums.json", &truncate, "checksums.json"),
    ];
    for (suffix, damage, named) in cases {
        let file = generation_file(&generation, suffix);
        let original = std::fs::read(&file).unwrap();
        damage(&file);
        let stderr = workspace.fails(&["verify"], 1);
        assert!(stderr.contains(named), "{suffix}: {stderr}");
        assert!(
            stderr.contains("rebuild it with `baogao index REPORTS... --index index`"),
            "{suffix}: {stderr}"
        );
        std::fs::write(&file, original).unwrap();
    }
    workspace.ok(&["verify"]);

    // A search that reads a damaged document's outline says so, and which file.
    let catalog = generation_file(&generation, "catalog.bin");
    let original = std::fs::read(&catalog).unwrap();
    flip_middle_byte(&catalog);
    let stderr = workspace.fails(&["search", "华勤"], 1);
    assert!(
        stderr.contains("its file catalog.bin") && stderr.contains("fail their checksum"),
        "{stderr}"
    );
    std::fs::write(&catalog, original).unwrap();

    // A damaged segment is not reused: indexing again builds a sound generation.
    flip_middle_byte(&generation_file(&generation, ".store"));
    workspace.fails(&["verify"], 1);
    workspace.ok(&["index", "reports", "--quiet"]);
    workspace.ok(&["verify"]);
    assert_eq!(hit_citations(&workspace.search("华勤", &[])).len(), 2);
}

#[test]
fn search_builds_the_default_index_from_seeds_on_first_use() {
    let workspace = Workspace::new();
    std::fs::create_dir(workspace.path().join("seeds")).unwrap();
    std::fs::copy(fixture(SEED), workspace.path().join("seeds").join(SEED)).unwrap();
    let output = workspace.run(&["search", "华勤"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no index in index; building it from seeds/ first"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("2 passages for 华勤"));
    let again = workspace.run(&["search", "华勤"]);
    assert!(
        String::from_utf8_lossy(&again.stderr).is_empty(),
        "built only once"
    );
}

// ---- Ingestion of awkward files ----

#[test]
fn gb18030_and_utf16_reports_are_decoded() {
    let workspace = Workspace::new();
    let text = "一、总体要求\n（一）稳增长。一是扩大有效投资。二是促进消费。\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    workspace.add_report("gbk-2023_某市报告.txt", &gbk);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    workspace.add_report("utf16-2022_某县报告.txt", &utf16);
    workspace.ok(&["index", "reports", "--index", "index"]);
    assert_eq!(
        sorted(workspace.citations("扩大有效投资", &[])),
        strings(&["gbk-2023:1.1.1", "utf16-2022:1.1.1"])
    );
}

#[test]
fn empty_binary_and_undecodable_files_are_skipped_with_a_warning() {
    let workspace = Workspace::new();
    workspace.add_report(SEED, seed_text().as_bytes());
    workspace.add_report("empty.txt", b"");
    workspace.add_report("binary.txt", b"\x7FELF\x02\x01\x01\x00\x00\x00");
    workspace.add_report("latin1.txt", b"caf\xe9 cr\xe8me \xff\xfe\xfd");
    let output = workspace.run(&["index", "reports", "--index", "index"]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("skipped reports/empty.txt: the file is empty"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped reports/binary.txt: the file looks binary"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped reports/latin1.txt: the file is neither UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("indexed 1 documents, 20 passages"),
        "{stderr}"
    );
}

#[test]
fn a_failed_reindex_keeps_the_previous_index() {
    let workspace = Workspace::with_seed();
    std::fs::create_dir(workspace.path().join("junk")).unwrap();
    std::fs::write(workspace.path().join("junk/empty.txt"), b"").unwrap();
    let stderr = workspace.fails(&["index", "junk", "--index", "index"], 1);
    assert!(stderr.contains("no reports to index in junk"), "{stderr}");
    assert_eq!(
        workspace.citations("塔斯汀", &[]),
        strings(&["gxq-2024:1.2"])
    );
    let stderr = workspace.fails(&["index", "missing-folder", "--index", "index"], 1);
    assert!(stderr.contains("cannot read missing-folder"), "{stderr}");
    assert_eq!(
        workspace.citations("塔斯汀", &[]),
        strings(&["gxq-2024:1.2"])
    );
}

#[test]
fn an_index_of_another_version_is_named_and_rebuilt() {
    let workspace = Workspace::with_seed();
    let generation = std::fs::read_to_string(workspace.path().join("index/CURRENT")).unwrap();
    let catalog = workspace
        .path()
        .join("index")
        .join(generation.trim())
        .join("catalog.bin");
    let mut bytes = std::fs::read(&catalog).unwrap();
    assert!(bytes.starts_with(b"BAOGAOCT"));
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    std::fs::write(&catalog, bytes).unwrap();

    let stderr = workspace.fails(&["search", "塔斯汀", "--index", "index"], 1);
    assert!(
        stderr.contains("the index at index cannot be read (the index was written by another version of baogao); rebuild it"),
        "{stderr}"
    );
    // Versions up to 11 kept the catalog as catalog.json.
    std::fs::rename(&catalog, catalog.with_file_name("catalog.json")).unwrap();
    let stderr = workspace.fails(&["search", "塔斯汀", "--index", "index"], 1);
    assert!(
        stderr.contains("(the index was written by another version of baogao); rebuild it"),
        "{stderr}"
    );
    workspace.ok(&["index", "reports", "--index", "index"]);
    assert_eq!(
        workspace.citations("塔斯汀", &[]),
        strings(&["gxq-2024:1.2"])
    );
}

#[test]
fn two_files_with_one_id_are_refused() {
    let workspace = Workspace::new();
    workspace.add_report("a_甲.txt", "正文甲。\n".as_bytes());
    workspace.add_report("A_乙.txt", "正文乙。\n".as_bytes());
    let stderr = workspace.fails(&["index", "reports", "--index", "index"], 1);
    assert!(
        stderr.contains("document id \"a\" is used by both"),
        "{stderr}"
    );
}

// ---- Export ----

#[test]
fn ndjson_export_round_trips_every_passage() {
    let ndjson = seed().ok(&["export", "--index", "index"]);
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);
    assert_eq!(lines[0]["citation"], "gxq-2024:0");
    for line in &lines {
        let citation = line["citation"].as_str().unwrap();
        let got: Value =
            serde_json::from_str(&seed().ok(&["get", citation, "--json", "--index", "index"]))
                .unwrap();
        assert_eq!(line["text"], got["text"], "{citation}");
        assert_eq!(line["section_path"], got["section_path"], "{citation}");
        assert_eq!(line["doc"], "gxq-2024");
        assert_eq!(line["title"], "河源国家高新区2024年工作总结");
        assert_eq!(line["issuer"], "河源国家高新区");
        assert_eq!(line["year"], 2024);
    }
}

#[test]
fn quickwit_export_writes_the_passages_and_an_index_config() {
    let workspace = Workspace::with_seed();
    let stderr = workspace.fails(&["export", "--format", "quickwit", "--index", "index"], 2);
    assert!(stderr.contains("give --out FILE"), "{stderr}");
    std::fs::create_dir(workspace.path().join("out")).unwrap();
    workspace.ok(&[
        "export",
        "--format",
        "quickwit",
        "--out",
        "out/passages.ndjson",
        "--index",
        "index",
    ]);
    let ndjson = std::fs::read_to_string(workspace.path().join("out/passages.ndjson")).unwrap();
    assert_eq!(ndjson.lines().count(), 20);
    let config =
        std::fs::read_to_string(workspace.path().join("out/quickwit-index-config.yaml")).unwrap();
    assert!(
        config.contains("tokenizer: chinese_compatible") && config.contains("record: position"),
        "{config}"
    );
    for field in [
        "citation",
        "doc",
        "issuer",
        "year",
        "title",
        "section_path",
        "text",
    ] {
        assert!(
            config.contains(&format!("- name: {field}\n")),
            "{field} missing from {config}"
        );
    }
}
