//! Real reports: 21 government work reports of different issuers and decades (copied from
//! `../shared/corpus/reports` into `tests/fixtures/corpus`), their metadata and outlines as a reader
//! sees them in the files, mark-up removal, and encodings.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::util::{hit_citations, sorted, strings, Workspace};
use baogao::analysis::normalize::normalize_str;
use baogao::ingest::{markup::strip_markup, parse_document, read_document, Document};
use baogao::search::{Engine, Filters, Page, SearchRequest};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn report(name: &str) -> Document {
    read_document(&corpus_dir().join(format!("{name}-政府工作报告.txt"))).expect("fixture")
}

/// The fixtures indexed once, for the tests that run the binary.
fn indexed() -> &'static Workspace {
    static WORKSPACE: OnceLock<Workspace> = OnceLock::new();
    WORKSPACE.get_or_init(|| {
        let workspace = Workspace::new();
        let dir = corpus_dir();
        workspace.ok(&[
            "index",
            dir.to_str().unwrap(),
            "--index",
            "index",
            "--quiet",
        ]);
        workspace
    })
}

/// `locator label` of the top sections, as `baogao sections --json` shows them.
fn top_sections(doc: &str) -> Vec<String> {
    let outline: Value = serde_json::from_str(
        &indexed().ok(&["sections", "--doc", doc, "--json", "--index", "index"]),
    )
    .unwrap();
    outline[0]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let locator = s["citation"]
                .as_str()
                .unwrap()
                .split_once(':')
                .unwrap()
                .1
                .to_string();
            format!(
                "{locator} {}{}",
                s["marker"].as_str().unwrap(),
                s["title"].as_str().unwrap()
            )
        })
        .collect()
}

fn children(document: &Document, locator: &str) -> Vec<String> {
    let parent = document
        .outline
        .sections
        .iter()
        .position(|s| s.locator == locator)
        .expect("section");
    document
        .outline
        .sections
        .iter()
        .filter(|s| s.parent == Some(parent))
        .map(|s| format!("{} {}", s.locator, s.label()))
        .collect()
}

#[test]
fn metadata_comes_from_front_matter_names_and_first_lines() {
    let cases = [
        ("2024-国务院", "政府工作报告", "国务院", 2024),
        (
            "2020-东营市",
            "东营市政府工作报告（2020年1月10日 赵志远）",
            "东营市",
            2020,
        ),
        ("1964-part-国务院", "1964年政府工作报告", "国务院", 1964),
        ("2006-福州市", "政府工作报告（2006年）", "福州市", 2006),
        ("1979-浙江省", "1979年政府工作报告", "浙江省", 1979),
        (
            "2014-甘南藏族自治州",
            "甘南藏族自治州政府工作报告 （2014年1月6日 毛生武）",
            "甘南藏族自治州",
            2014,
        ),
    ];
    for (name, title, issuer, year) in cases {
        let meta = report(name).meta;
        assert_eq!(meta.id, name);
        assert_eq!(meta.title, title, "{name}");
        assert_eq!(meta.issuer.as_deref(), Some(issuer), "{name}");
        assert_eq!(meta.year, Some(year), "{name}");
    }
}

#[test]
fn the_state_council_2024_outline() {
    assert_eq!(
        top_sections("2024-国务院"),
        strings(&[
            "1 一、2023年工作回顾",
            "2 二、2024年经济社会发展总体要求和政策取向",
            "3 三、2024年政府工作任务",
        ])
    );
    let document = report("2024-国务院");
    let tasks = children(&document, "3");
    assert_eq!(tasks.len(), 10);
    assert_eq!(
        tasks[0],
        "3.1 （一）大力推进现代化产业体系建设，加快发展新质生产力"
    );
    assert_eq!(
        tasks[9],
        "3.10 （十）切实保障和改善民生，加强和创新社会治理"
    );
}

#[test]
fn a_passage_two_headings_deep_carries_its_document_and_heading_path() {
    let passage: Value = serde_json::from_str(&indexed().ok(&[
        "get",
        "2024-国务院:3.1.p2",
        "--json",
        "--index",
        "index",
    ]))
    .unwrap();
    assert_eq!(passage["doc"], "2024-国务院");
    assert_eq!(passage["year"], 2024);
    assert_eq!(
        passage["section_path"],
        serde_json::json!([
            "三、2024年政府工作任务",
            "（一）大力推进现代化产业体系建设，加快发展新质生产力"
        ])
    );
    assert_eq!(passage["previous"], "2024-国务院:3.1.p1");
    assert_eq!(passage["next"], "2024-国务院:3.1.p3");
}

#[test]
fn parts_without_numbers_hold_the_numbered_sections() {
    assert_eq!(
        top_sections("2013-成都市"),
        strings(&[
            "1 过去五年的政府工作",
            "2 今后五年政府工作的总体要求及2013年的主要任务",
            "g 名词解释"
        ])
    );
    let document = report("2013-成都市");
    assert_eq!(children(&document, "1")[0], "1.1 一、经济发展目标超额实现");
    assert_eq!(children(&document, "2").len(), 8);
    assert_eq!(
        top_sections("2006-福州市"),
        strings(&[
            "1 2005年暨“十五”发展回顾",
            "2 2006年主要预期目标和重点工作安排"
        ])
    );
}

#[test]
fn bold_headings_with_body_text_on_the_same_line() {
    let document = report("1979-浙江省");
    assert_eq!(
        children(&document, "1"),
        strings(&[
            "1.1 （一）拨乱反正，落实政策，初步形成了安定团结、生动活泼的政治局面",
            "1.2 （二）经济的恢复和发展成效显著，比我们预期的还好些",
            "1.3 （三）科技、教育、文化、卫生、体育等事业蓬勃兴旺",
            "1.4 （四）随着生产的发展，城乡人民的生活有了改善",
        ])
    );
    assert_eq!(
        top_sections("1979-浙江省")[..3],
        strings(&[
            "1 一、两年工作的基本估计",
            "2 二、集中主要精力搞好经济建设",
            "3 三、加强政权建设"
        ])
    );
}

#[test]
fn level_two_headings_without_level_one() {
    assert_eq!(
        top_sections("1985-国务院"),
        strings(&["1 （一）关于经济形势", "2 （二）关于经济体制改革"])
    );
}

#[test]
fn level_three_headings_nest_under_level_one() {
    let document = report("1993-海南省");
    let practice = children(&document, "1");
    assert_eq!(
        practice[0],
        "1.1 1、深化经济体制改革，初步建立社会主义市场经济新体制框架"
    );
    assert_eq!(practice.len(), 6);
}

#[test]
fn a_glossary_is_a_list_not_an_outline() {
    for (name, heading) in [
        ("2003-四川省", "g 名词解释"),
        ("2010-广州市", "g 名词解释："),
        ("2022-儋州市", "g 名词解释"),
    ] {
        let document = report(name);
        assert!(
            top_sections(name).contains(&heading.to_string()),
            "{name}: {:?}",
            top_sections(name)
        );
        assert!(
            children(&document, "g").is_empty(),
            "{name}: numbered glossary lines are not sections"
        );
        let entries = document
            .outline
            .passages
            .iter()
            .filter(|p| p.locator.starts_with("g."))
            .count();
        assert!(entries >= 10, "{name}: {entries} glossary entries");
    }
}

#[test]
fn comments_and_footnote_marks_are_not_passages() {
    let document = report("1964-part-国务院");
    for passage in &document.outline.passages {
        assert!(
            !passage.text.contains("<!--") && !passage.text.contains("[^"),
            "{}",
            passage.text
        );
    }
    assert!(document
        .outline
        .passages
        .iter()
        .any(|p| p.text == "（根据中共中央文件刊印）"));
}

#[test]
fn passages_carry_no_markup_and_point_at_their_source() {
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let document = parse_document(&path, &text);
        assert!(document.outline.passages.len() >= 30, "{}", path.display());
        let source: Vec<char> = text.chars().collect();
        for passage in &document.outline.passages {
            for mark in ["**", "<!--", "[^", "##", "<br"] {
                assert!(
                    !passage.text.contains(mark),
                    "{}: {}",
                    path.display(),
                    passage.text
                );
            }
            let slice: String = source[passage.start..passage.end].iter().collect();
            let plain: String = strip_markup(&slice, 0).chars.iter().collect();
            assert_eq!(plain.trim(), passage.text, "{}", path.display());
        }
    }
}

#[test]
fn citations_are_unique_in_every_report() {
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let document = read_document(&entry.unwrap().path()).unwrap();
        let mut locators: Vec<&str> = document
            .outline
            .passages
            .iter()
            .map(|p| p.locator.as_str())
            .collect();
        let count = locators.len();
        locators.sort_unstable();
        locators.dedup();
        assert_eq!(locators.len(), count, "{}", document.meta.id);
    }
}

#[test]
fn docs_lists_twenty_one_reports_with_issuer_and_year() {
    let docs: Value =
        serde_json::from_str(&indexed().ok(&["docs", "--json", "--index", "index"])).unwrap();
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 21);
    let state_council = docs.iter().find(|d| d["id"] == "2024-国务院").unwrap();
    assert_eq!(state_council["issuer"], "国务院");
    assert_eq!(state_council["year"], 2024);
}

/// Citations of one page of hits for `query`.
fn page(query: &str, limit: usize, offset: usize) -> Vec<String> {
    let (limit, offset) = (limit.to_string(), offset.to_string());
    let args = [
        "search", query, "--json", "--index", "index", "--limit", &limit, "--offset", &offset,
    ];
    let results: Value = serde_json::from_str(&indexed().ok(&args)).unwrap();
    crate::util::hit_citations(&results)
}

#[test]
fn pages_of_hits_neither_overlap_nor_skip() {
    // Well past the window of hits that the word and phrase boosts re-rank.
    let all = page("发展", 80, 0);
    assert_eq!(all.len(), 80);
    let paged: Vec<String> = (0..80)
        .step_by(10)
        .flat_map(|offset| page("发展", 10, offset))
        .collect();
    assert_eq!(paged, all);
}

#[test]
fn year_ranges_issuers_and_docs_filter_searches() {
    let workspace = indexed();
    let years = |args: &[&str]| -> Vec<String> {
        let results = workspace.search("政府工作", args);
        let mut docs: Vec<String> = results["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["doc"].as_str().unwrap().to_string())
            .collect();
        docs.sort();
        docs.dedup();
        docs
    };
    let recent = years(&["--year", "2020..2024"]);
    assert!(!recent.is_empty());
    assert!(
        recent
            .iter()
            .all(|d| (2020..=2024).contains(&d[..4].parse::<u32>().unwrap())),
        "{recent:?}"
    );
    let state = years(&["--issuer", "国务院"]);
    assert!(state.iter().all(|d| d.ends_with("国务院")), "{state:?}");
    assert_eq!(
        sorted(years(&["--issuer", "国务院", "--year", "..1990"])),
        strings(&["1955-国务院", "1964-part-国务院", "1985-国务院"])
    );
    let stderr = workspace.fails(
        &["search", "水", "--year", "2030..2020", "--index", "index"],
        2,
    );
    assert!(stderr.contains("2030..2020"), "{stderr}");
    let stderr = workspace.fails(&["search", "水", "--issuer", "火星", "--index", "index"], 2);
    assert!(
        stderr.contains("no document is issued by \"火星\"") && stderr.contains("国务院"),
        "{stderr}"
    );
}

#[test]
fn the_same_report_in_every_encoding_gives_the_same_passages() {
    let original =
        std::fs::read_to_string(corpus_dir().join("2020-东营市-政府工作报告.txt")).unwrap();
    let workspace = Workspace::new();
    workspace.add_report("utf8-2020_东营.txt", original.as_bytes());
    let (gbk, _, _) = encoding_rs::GB18030.encode(&original);
    workspace.add_report("gbk-2020_东营.txt", &gbk);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(original.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    workspace.add_report("utf16-2020_东营.txt", &utf16);
    let crlf_bom = format!("\u{FEFF}{}", original.replace('\n', "\r\n"));
    workspace.add_report("crlf-2020_东营.txt", crlf_bom.as_bytes());
    workspace.ok(&["index", "reports", "--index", "index", "--quiet"]);
    let texts = |doc: &str| -> Vec<String> {
        let results = workspace.search("发展", &["--doc", doc]);
        results["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                format!(
                    "{} {}",
                    h["citation"].as_str().unwrap().split_once(':').unwrap().1,
                    h["text"]
                )
            })
            .collect()
    };
    let expected = texts("utf8-2020");
    assert!(expected.len() >= 20);
    for doc in ["gbk-2020", "utf16-2020", "crlf-2020"] {
        assert_eq!(texts(doc), expected, "{doc}");
    }
}

// ---- Incremental indexing ----

/// A workspace whose `reports/` holds three of the fixtures, indexed.
fn three_reports() -> Workspace {
    let workspace = Workspace::new();
    for name in ["2024-国务院", "2020-东营市", "1985-国务院"] {
        let file = format!("{name}-政府工作报告.txt");
        workspace.add_report(&file, &std::fs::read(corpus_dir().join(&file)).unwrap());
    }
    workspace.ok(&["index", "reports", "--index", "index"]);
    workspace
}

fn index_stderr(workspace: &Workspace) -> String {
    let output = workspace.run(&["index", "reports", "--index", "index"]);
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_unchanged_folder_is_not_indexed_again() {
    let workspace = three_reports();
    let stderr = index_stderr(&workspace);
    assert!(
        stderr.contains("index is up to date: 3 documents"),
        "{stderr}"
    );
}

/// [`three_reports`] after one of them changed (经济发展企稳回升 becomes 经济发展稳中向好饭团科技)
/// and the folder was indexed again; with that run's stderr.
fn three_reports_one_changed() -> (Workspace, String) {
    let workspace = three_reports();
    let path = workspace
        .path()
        .join("reports/2020-东营市-政府工作报告.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("经济发展企稳回升", "经济发展稳中向好饭团科技");
    std::fs::write(&path, text).unwrap();
    let stderr = index_stderr(&workspace);
    (workspace, stderr)
}

#[test]
fn a_changed_file_is_indexed_alone_and_replaces_its_passages() {
    let (workspace, stderr) = three_reports_one_changed();
    assert!(
        stderr.contains("(1 new or changed, 2 unchanged, 0 removed)"),
        "{stderr}"
    );
    assert_eq!(workspace.search("饭团科技", &[])["total"], 1);
    assert_eq!(workspace.search("经济发展企稳回升", &[])["total"], 0);
    // Filters follow the re-indexed document to its new passages.
    let filtered = workspace.search("饭团科技", &["--doc", "2020-东营市", "--year", "2020"]);
    assert_eq!(filtered["total"], 1);
    assert_eq!(
        workspace.search("饭团科技", &["--year", "2024"])["total"],
        0
    );
    let citation = filtered["hits"][0]["citation"]
        .as_str()
        .unwrap()
        .to_string();
    let section = citation
        .rsplit_once('.')
        .map_or(citation.as_str(), |(s, _)| s);
    let cited: Value =
        serde_json::from_str(&workspace.ok(&["get", section, "--json", "--index", "index"]))
            .unwrap();
    let passages: Vec<&str> = cited["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(
        passages.contains(&citation.as_str()),
        "{section}: {passages:?}"
    );
    assert!(
        workspace.search("新质生产力", &[])["total"]
            .as_u64()
            .unwrap()
            > 0,
        "unchanged documents stay"
    );
}

#[test]
fn an_updated_index_finds_what_a_fresh_build_of_the_same_files_finds() {
    // The update leaves the changed report's old passages behind as deletions, which every way
    // of counting must skip: one gram (counted apart from ranking), grams all required, a
    // character, an exclusion.
    let (workspace, _) = three_reports_one_changed();
    workspace.ok(&["index", "reports", "--index", "fresh"]);
    let results = |query: &str, index: &str| -> (u64, Vec<String>) {
        let output = workspace.ok(&[
            "search", query, "--json", "--index", index, "--limit", "100",
        ]);
        let results: Value = serde_json::from_str(&output).unwrap();
        let total = results["total"].as_u64().unwrap();
        let mut citations = hit_citations(&results);
        citations.sort();
        (total, citations)
    };
    for query in ["发展", "经济 发展", "饭团", "稳中向好", "创", "政府 -经济"] {
        let (updated, fresh) = (results(query, "index"), results(query, "fresh"));
        assert!(updated.0 > 0, "{query}");
        assert_eq!(updated.0, fresh.0, "total of {query}");
        if updated.0 <= 100 {
            assert_eq!(updated.1, fresh.1, "hits of {query}");
        }
    }
    // The update compressed its new passages with the dictionary the first build trained, so
    // old and new passages read back alike.
    assert_eq!(exported(&workspace, "index"), exported(&workspace, "fresh"));
}

/// Every passage the index at `index` exports, as sorted NDJSON lines.
fn exported(workspace: &Workspace, index: &str) -> Vec<String> {
    sorted(
        workspace
            .ok(&["export", "--format", "ndjson", "--index", index])
            .lines()
            .map(String::from)
            .collect(),
    )
}

fn text_dictionary_bytes(workspace: &Workspace, index: &str) -> u64 {
    let root = workspace.path().join(index);
    let generation = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    std::fs::metadata(root.join(generation.trim()).join("texts.dict"))
        .unwrap()
        .len()
}

#[test]
fn an_index_begun_small_trains_its_text_dictionary_once_it_grows() {
    // The seed alone is too little text to train on: its passages are stored as they are. When
    // three reports join it, the update trains the dictionary, and both kinds of passages read.
    let workspace = Workspace::with_seed();
    assert_eq!(text_dictionary_bytes(&workspace, "index"), 0);
    for name in ["2024-国务院", "2020-东营市", "1985-国务院"] {
        let file = format!("{name}-政府工作报告.txt");
        workspace.add_report(&file, &std::fs::read(corpus_dir().join(&file)).unwrap());
    }
    let stderr = index_stderr(&workspace);
    assert!(
        stderr.contains("(3 new or changed, 1 unchanged"),
        "{stderr}"
    );
    assert!(text_dictionary_bytes(&workspace, "index") > 0);

    workspace.ok(&["index", "reports", "--index", "fresh"]);
    let updated = exported(&workspace, "index");
    assert!(updated
        .iter()
        .any(|line| line.contains("\"doc\":\"gxq-2024\"")));
    assert_eq!(updated, exported(&workspace, "fresh"));
}

#[test]
fn a_deleted_file_leaves_the_index() {
    let workspace = three_reports();
    std::fs::remove_file(
        workspace
            .path()
            .join("reports/1985-国务院-政府工作报告.txt"),
    )
    .unwrap();
    let stderr = index_stderr(&workspace);
    assert!(
        stderr.contains("(0 new or changed, 2 unchanged, 1 removed)"),
        "{stderr}"
    );
    let stderr = workspace.fails(
        &["search", "水", "--doc", "1985-国务院", "--index", "index"],
        2,
    );
    assert!(stderr.contains("no document \"1985-国务院\""), "{stderr}");
    // The ids that share its parts; in a larger index, none at all points to `baogao docs`.
    assert!(stderr.contains("similar ones are 2024-国务院"), "{stderr}");
    let stderr = indexed().fails(&["search", "水", "--doc", "nosuch", "--index", "index"], 2);
    assert!(
        stderr.contains("none is similar; `baogao docs` lists them"),
        "{stderr}"
    );
    assert_eq!(
        workspace.citations("新质生产力", &[]).len(),
        workspace
            .citations("新质生产力", &["--doc", "2024-国务院"])
            .len()
    );
}

#[test]
fn a_killed_indexing_run_leaves_the_last_good_index() {
    let workspace = three_reports();
    let before = workspace.citations("发展", &[]);
    let dir = corpus_dir();
    for delay_ms in [0, 30, 120] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args([
                "index",
                dir.to_str().unwrap(),
                "--index",
                "index",
                "--quiet",
            ])
            .current_dir(workspace.path())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let after = workspace.citations("发展", &[]);
        assert!(
            after == before || after.len() > before.len(),
            "a search after kill -9 sees the old or the new index"
        );
    }
}

#[test]
fn the_export_holds_every_passage_once() {
    let workspace = indexed();
    let ndjson = workspace.ok(&["export", "--index", "index"]);
    let stats: Value =
        serde_json::from_str(&workspace.ok(&["stats", "--json", "--index", "index"])).unwrap();
    let mut citations: Vec<String> = ndjson
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["citation"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(citations.len() as u64, stats["passages"].as_u64().unwrap());
    for citation in citations.iter().step_by(97) {
        let got: Value =
            serde_json::from_str(&workspace.ok(&["get", citation, "--json", "--index", "index"]))
                .unwrap();
        let line = ndjson
            .lines()
            .find(|l| {
                l.contains(&format!(
                    "\"citation\":{}",
                    serde_json::to_string(citation).unwrap()
                ))
            })
            .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(line).unwrap()["text"],
            got["text"],
            "{citation}"
        );
    }
    citations.sort();
    let count = citations.len();
    citations.dedup();
    assert_eq!(citations.len(), count);
}

#[test]
fn a_reader_closing_the_pipe_early_is_not_an_error() {
    // The export of 21 reports is far larger than a pipe buffer, so closing the pipe breaks it.
    use std::io::Read;
    for args in [
        vec!["export"],
        vec!["search", "发展", "--json", "--limit", "100"],
        vec!["kwic", "发展", "--limit", "1000"],
        vec!["kwic", "发展", "--limit", "1000", "--format", "csv"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(&args)
            .args(["--index", "index"])
            .current_dir(indexed().path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{args:?}: {:?}", output.status);
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

// ---- Counting: trend, concordance, comparison ----

/// A piece of report text as `baogao export` and the outline give it, normalised: a passage's
/// text, or a heading's title (each heading once, by document and path; headings without any
/// passage from the outline, since no passage's path names them).
struct Piece {
    doc: String,
    year: Option<u64>,
    issuer: Option<String>,
    heading: bool,
    text: String,
}

fn export_pieces(workspace: &Workspace) -> Vec<Piece> {
    let mut seen = std::collections::HashSet::new();
    let mut pieces = Vec::new();
    for line in workspace.ok(&["export"]).lines() {
        let passage: Value = serde_json::from_str(line).unwrap();
        let piece = |text: &str, heading: bool| Piece {
            doc: passage["doc"].as_str().unwrap().to_string(),
            year: passage["year"].as_u64(),
            issuer: passage["issuer"].as_str().map(str::to_string),
            heading,
            text: normalize_str(text),
        };
        pieces.push(piece(passage["text"].as_str().unwrap(), false));
        let path: Vec<&str> = passage["section_path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|label| label.as_str().unwrap())
            .collect();
        for depth in 1..=path.len() {
            if seen.insert((passage["doc"].to_string(), path[..depth].join(" > "))) {
                pieces.push(piece(path[depth - 1], true));
            }
        }
    }
    let documents = workspace.json(&["docs"]);
    let (_, sections) = workspace.csv(&["sections"]);
    for section in sections.iter().filter(|row| row[5] == "0") {
        let document = documents
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == section[0].as_str())
            .unwrap();
        pieces.push(Piece {
            doc: section[0].clone(),
            year: document["year"].as_u64(),
            issuer: document["issuer"].as_str().map(str::to_string),
            heading: true,
            text: normalize_str(&section[4]),
        });
    }
    pieces
}

/// An independent count over the export: each piece with the non-overlapping occurrences of
/// `term` in it.
fn export_count(workspace: &Workspace, term: &str) -> Vec<(Piece, usize)> {
    export_pieces(workspace)
        .into_iter()
        .map(|piece| {
            let count = piece.text.matches(term).count();
            (piece, count)
        })
        .collect()
}

/// Occurrences in the pieces that `keep` keeps.
fn total(counted: &[(Piece, usize)], keep: impl Fn(&Piece) -> bool) -> u64 {
    counted
        .iter()
        .filter(|(piece, _)| keep(piece))
        .map(|(_, n)| *n as u64)
        .sum()
}

#[test]
fn trend_counts_equal_an_independent_count_over_the_export() {
    let workspace = indexed();
    for term in ["发展", "改革开放", "人民", "水", "14.2%"] {
        let expected = export_count(workspace, term);
        let trend = workspace.json(&["trend", term, "--by", "year"]);
        let normalized = normalize_str(term);
        for row in trend["rows"].as_array().unwrap() {
            let year = row["bucket"]["year"].as_u64();
            let counts = &row["counts"][&normalized];
            let occurrences = total(&expected, |piece| piece.year == year);
            assert_eq!(counts["occurrences"], occurrences, "{term} in {year:?}");
            let passages = expected
                .iter()
                .filter(|(piece, n)| piece.year == year && !piece.heading && *n > 0)
                .count();
            assert_eq!(counts["passages"], passages as u64, "{term} in {year:?}");
        }
    }
    // Filters and buckets: the State Council's reports by document, and a range by issuer and year.
    let expected = export_count(workspace, "发展");
    let trend = workspace.json(&["trend", "发展", "--issuer", "国务院", "--by", "doc"]);
    let rows = trend["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "{trend}");
    for row in rows {
        let doc = row["bucket"]["doc"].as_str().unwrap();
        let in_doc = total(&expected, |piece| piece.doc == doc);
        assert_eq!(row["counts"]["发展"]["occurrences"], in_doc, "{doc}");
        assert_eq!(row["counts"]["发展"]["documents"], u64::from(in_doc > 0));
    }
    let (header, rows) = workspace.csv(&[
        "trend",
        "发展",
        "改革",
        "--year",
        "1990..2020",
        "--by",
        "issuer,year",
    ]);
    assert_eq!(
        header,
        strings(&["issuer", "year", "chars", "发展", "改革"])
    );
    for row in &rows {
        let year: u64 = row[1].parse().unwrap();
        assert!((1990..=2020).contains(&year), "{row:?}");
        let in_bucket = total(&expected, |piece| {
            piece.year == Some(year) && piece.issuer.as_deref() == Some(&row[0])
        });
        assert_eq!(row[3], in_bucket.to_string(), "{row:?}");
    }
}

#[test]
fn trend_names_where_a_term_first_and_last_appears() {
    let trend = indexed().json(&["trend", "改革开放", "饭团科技"]);
    let first = &trend["first"]["改革开放"];
    let last = &trend["last"]["改革开放"];
    assert!(first["bucket"]["year"].as_u64() <= last["bucket"]["year"].as_u64());
    // The first appearance is in the earliest year that counts any occurrence.
    let earliest = trend["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["counts"]["改革开放"]["occurrences"].as_u64() > Some(0))
        .unwrap();
    assert_eq!(first["bucket"], earliest["bucket"]);
    let cited = indexed().get_json(first["citation"].as_str().unwrap());
    assert!(
        normalize_str(cited["text"].as_str().unwrap()).contains("改革开放")
            || normalize_str(cited["section"].as_str().unwrap()).contains("改革开放"),
        "{cited}"
    );
    // A term found nowhere counts zero everywhere and has no appearance: not an error.
    assert!(trend["first"].get("饭团科技").is_none());
    let total: u64 = trend["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["counts"]["饭团科技"]["occurrences"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 0);
}

#[test]
fn a_terms_file_is_read_and_its_errors_are_named() {
    let workspace = indexed();
    std::fs::write(
        workspace.path().join("terms.txt"),
        "# 词表\n发展\n\n改革 # 注释\n",
    )
    .unwrap();
    let trend = workspace.json(&["trend", "--terms-file", "terms.txt"]);
    assert_eq!(trend["terms"], serde_json::json!(["发展", "改革"]));
    let stderr = workspace.fails(&["trend", "--terms-file", "missing.txt"], 1);
    assert!(
        stderr.contains("cannot read the terms file missing.txt"),
        "{stderr}"
    );
    std::fs::write(workspace.path().join("empty.txt"), "# nothing\n\n").unwrap();
    let stderr = workspace.fails(&["trend", "--terms-file", "empty.txt"], 2);
    assert!(stderr.contains("holds no term"), "{stderr}");
    let stderr = workspace.fails(&["trend", "发展", "--by", "month"], 2);
    assert!(stderr.contains("bad --by"), "{stderr}");
}

#[test]
fn kwic_lines_are_the_occurrences_with_their_context() {
    let workspace = indexed();
    let in_text = total(&export_count(workspace, "改革"), |piece| !piece.heading) as usize;
    let all = workspace.json(&["kwic", "改革", "--limit", "1000", "--width", "8"]);
    assert_eq!(all["total"], in_text as u64);
    let lines = all["lines"].as_array().unwrap();
    assert_eq!(lines.len(), in_text.min(1000));
    for line in lines {
        assert_eq!(normalize_str(line["match"].as_str().unwrap()), "改革");
        assert!(line["left"].as_str().unwrap().chars().count() <= 8);
        assert!(line["right"].as_str().unwrap().chars().count() <= 8);
        let cited = workspace.get_json(line["citation"].as_str().unwrap());
        let text = cited["text"].as_str().unwrap();
        let context = format!(
            "{}{}{}",
            line["left"].as_str().unwrap(),
            line["match"].as_str().unwrap(),
            line["right"].as_str().unwrap()
        );
        assert!(text.contains(&context), "{context} is not in {text}");
    }
    // Pages follow document order.
    let page = workspace.json(&[
        "kwic", "改革", "--limit", "5", "--offset", "5", "--width", "8",
    ]);
    assert_eq!(page["lines"].as_array().unwrap()[..], lines[5..10]);
    // Sorted by the left context read outwards, and by the right context.
    let left = workspace.json(&["kwic", "改革", "--sort", "left", "--limit", "1000"]);
    let keys: Vec<String> = left["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["left"].as_str().unwrap().chars().rev().collect())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    let (header, rows) = workspace.csv(&["kwic", "改革", "--sort", "right", "--limit", "1000"]);
    assert_eq!(header, strings(&["citation", "left", "match", "right"]));
    assert!(rows.windows(2).all(|w| w[0][3] <= w[1][3]));
    assert_eq!(rows.len(), lines.len());
}

#[test]
fn compare_lists_words_counted_in_both_reports_with_citations() {
    let workspace = indexed();
    let comparison = workspace.json(&["compare", "1998-国务院", "2024-国务院", "-n", "50"]);
    let pieces = export_pieces(workspace);
    let text_of = |doc: &str| -> String {
        let texts: Vec<&str> = pieces
            .iter()
            .filter(|piece| piece.doc == doc)
            .map(|piece| piece.text.as_str())
            .collect();
        texts.join("\u{1}")
    };
    let (a, b) = (text_of("1998-国务院"), text_of("2024-国务院"));
    for group in ["new", "gone", "rose", "fell"] {
        let words = comparison[group].as_array().unwrap();
        assert!(!words.is_empty(), "{group}");
        for word in words {
            let text = word["word"].as_str().unwrap();
            assert_eq!(
                word["count_a"],
                a.matches(text).count() as u64,
                "{group} {text}"
            );
            assert_eq!(
                word["count_b"],
                b.matches(text).count() as u64,
                "{group} {text}"
            );
            let cited = workspace.get_json(word["citation"].as_str().unwrap());
            assert!(
                normalize_str(cited["text"].as_str().unwrap()).contains(text)
                    || normalize_str(&cited["section_path"].to_string()).contains(text),
                "{group} {text}: {cited}"
            );
        }
        // Words used for the first time lead the new ones, those most used in the index first.
        let rank: Vec<(bool, u64, f64)> = words
            .iter()
            .map(|w| {
                let first_time = w["first_time"].as_bool().unwrap();
                let passages = w["passages_in_index"].as_u64().unwrap_or(0);
                (first_time, passages, w["keyness"].as_f64().unwrap())
            })
            .collect();
        assert!(
            rank.windows(2).all(|w| w[0] >= w[1]),
            "{group} ranked by first time, then keyness"
        );
    }
    assert!(comparison["new"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["count_a"] == 0));
    assert!(comparison["gone"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["count_b"] == 0));
    let stderr = workspace.fails(&["compare", "1998-国务", "2024-国务院"], 2);
    assert!(
        stderr.contains("similar ones are") && stderr.contains("1998-国务院"),
        "{stderr}"
    );
}

#[test]
fn compare_lists_the_words_written_in_for_the_first_time_before_the_other_new_ones() {
    let workspace = indexed();
    let comparison = workspace.json(&["compare", "2023-国务院", "2024-国务院", "-n", "100"]);
    let new = comparison["new"].as_array().unwrap();
    let first = &new[0];
    assert_eq!(first["word"], "新质生产力", "{comparison}");
    assert_eq!(
        (first["count_a"].as_u64(), first["count_b"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(first["first_time"], true);
    assert_eq!(
        first["passages_in_index"],
        workspace.search("新质生产力", &[])["total"]
    );
    // The 2024 report uses it in the title of section 3.1 only.
    assert_eq!(first["citation"], "2024-国务院:3.1");
    // First time means no report of an earlier year holds it (verbatim: a quoted search); such
    // words come before the others.
    let engine = Engine::open(&workspace.path().join("index")).unwrap();
    let before_2024 = Filters {
        years: Some("..2023".parse().unwrap()),
        ..Filters::default()
    };
    let in_earlier_years = |word: &str| {
        let quoted = format!("\"{word}\"");
        let page = Page::new(1, 0).unwrap();
        let request = SearchRequest::new(quoted, before_2024.clone(), page).unwrap();
        engine.search(&request).unwrap().total > 0
    };
    let marked = new.iter().take_while(|w| w["first_time"] == true).count();
    let first_time = new.iter().filter(|w| w["first_time"] == true).count();
    assert_eq!(marked, first_time, "{comparison}");
    for word in new {
        let text = word["word"].as_str().unwrap();
        let first_time = word["first_time"].as_bool().unwrap();
        assert_eq!(in_earlier_years(text), !first_time, "{text}");
        assert_eq!(word["passages_in_index"].is_u64(), first_time, "{text}");
    }
    // No report of the index precedes 1955: there is no history to be new to.
    let comparison = workspace.json(&["compare", "2024-国务院", "1955-国务院"]);
    let new = comparison["new"].as_array().unwrap();
    assert!(!new.is_empty() && new.iter().all(|w| w["first_time"] == false));
}

#[test]
fn get_writes_the_reference_of_a_cited_report_in_three_styles() {
    let workspace = indexed();
    // An online report: [R/OL], its URL and the day of access.
    let gbt = workspace.ok(&["get", "1979-浙江省:1", "--format", "gbt7714"]);
    assert!(gbt.starts_with("浙江省. "), "{gbt}");
    assert!(gbt.contains("[R/OL]. 1979: 1979-浙江省:1["), "{gbt}");
    assert!(
        gbt.trim_end()
            .ends_with("https://www.zj.gov.cn/art/1979/5/29/art_1229019379_1214.html."),
        "{gbt}"
    );
    // Without a source: [R].
    let gbt = workspace.ok(&["get", "2024-国务院:1", "--format", "gbt7714"]);
    assert_eq!(
        gbt.trim_end(),
        "国务院. 政府工作报告[R]. 2024: 2024-国务院:1."
    );
    let ris = workspace.ok(&["get", "1979-浙江省:1", "--format", "ris"]);
    for tag in [
        "TY  - RPRT",
        "AU  - 浙江省",
        "PY  - 1979",
        "UR  - https://www.zj.gov.cn/",
        "ER  - ",
    ] {
        assert!(ris.contains(tag), "{tag}: {ris}");
    }
    let csl: Value =
        serde_json::from_str(&workspace.ok(&["get", "2024-国务院:1", "--format", "csl-json"]))
            .unwrap();
    assert_eq!(csl[0]["type"], "report");
    assert_eq!(csl[0]["title"], "政府工作报告");
    assert_eq!(csl[0]["locator"], "2024-国务院:1");
    let stderr = workspace.fails(&["search", "发展", "--format", "ris"], 2);
    assert!(stderr.contains("use it with `baogao get`"), "{stderr}");
}

#[test]
fn queries_typed_with_a_chinese_input_method_find_what_the_ascii_ones_find() {
    let workspace = indexed();
    for (typed, ascii) in [
        ("“高质量 发展” －经济", "\"高质量 发展\" -经济"),
        ("「新质生产力」", "\"新质生产力\""),
        ("改革 ｜ 开放", "改革 | 开放"),
    ] {
        let (typed, ascii) = (workspace.search(typed, &[]), workspace.search(ascii, &[]));
        assert!(ascii["total"].as_u64().unwrap() > 0, "{ascii}");
        assert_eq!(typed["total"], ascii["total"]);
        assert_eq!(
            typed["interpretation"]["required"],
            ascii["interpretation"]["required"]
        );
        assert_eq!(
            typed["interpretation"]["excluded"],
            ascii["interpretation"]["excluded"]
        );
    }
}

#[test]
fn a_search_without_facets_counts_and_ranks_as_one_with_them() {
    // Text and CSV leave the facets out, and count the matches without their documents.
    let engine = Engine::open(&indexed().path().join("index")).unwrap();
    let year = Filters {
        years: Some("2010..2024".parse().unwrap()),
        ..Filters::default()
    };
    for (query, filters) in [
        ("发展", Filters::default()),
        ("高质量发展", Filters::default()),
        ("水", Filters::default()),
        ("创新 高质量发展", Filters::default()),
        ("改革 OR 开放 -经济", Filters::default()),
        ("科技创新 人才", Filters::default()),
        ("发展", year.clone()),
        ("高质量发展", year),
    ] {
        let mut request = SearchRequest::new(query, filters, Page::new(20, 0).unwrap()).unwrap();
        let with = engine.search(&request).unwrap();
        request.facets = false;
        let without = engine.search(&request).unwrap();
        assert!(with.facets.is_some() && without.facets.is_none(), "{query}");
        assert!(with.total > 0, "{query}");
        assert_eq!(without.total, with.total, "{query}");
        let citations = |results: &baogao::search::SearchResults| -> Vec<String> {
            results
                .hits
                .iter()
                .map(|hit| hit.passage.citation.clone())
                .collect()
        };
        assert_eq!(citations(&without), citations(&with), "{query}");
    }
    let text = indexed().ok(&["search", "发展", "--index", "index"]);
    let json = indexed().json(&["search", "发展"]);
    assert!(
        text.starts_with(&format!("{} passages for 发展", json["total"])),
        "{text}"
    );
}

#[test]
fn search_facets_count_every_match_by_year_issuer_and_section() {
    let workspace = indexed();
    let results = workspace.json(&["search", "发展", "-n", "1"]);
    let total = results["total"].as_u64().unwrap();
    let facets = &results["facets"];
    let by_year: u64 = facets["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_year, total, "every report of the fixtures has a year");
    let issuers = facets["issuers"].as_array().unwrap();
    assert!(issuers.len() <= 20);
    let state_council = issuers.iter().find(|i| i["value"] == "国务院").unwrap()["count"]
        .as_u64()
        .unwrap();
    let filtered = workspace.json(&["search", "发展", "-n", "1", "--issuer", "国务院"]);
    assert_eq!(filtered["total"].as_u64().unwrap(), state_council);
    // An engine prepared for many queries (the server's) finds each match's document by the
    // document runs of its segment instead of its ordinal: the same facets.
    let engine = Engine::open(&workspace.path().join("index")).unwrap();
    let request = SearchRequest::new("发展", Filters::default(), Page::new(1, 0).unwrap()).unwrap();
    let by_ordinals = engine.search(&request).unwrap().facets;
    engine.prepare_for_many_queries();
    let by_runs = engine.search(&request).unwrap().facets;
    assert_eq!(by_runs, by_ordinals);
    assert_eq!(&serde_json::to_value(&by_runs).unwrap(), facets);
    // Within one report: its top sections, whose counts are the section-filtered totals.
    let one = workspace.json(&["search", "发展", "-n", "1", "--doc", "2024-国务院"]);
    for section in one["facets"]["sections"].as_array().unwrap() {
        let within = workspace.json(&[
            "search",
            "发展",
            "-n",
            "1",
            "--section",
            section["citation"].as_str().unwrap(),
        ]);
        assert_eq!(within["total"], section["count"], "{section}");
    }
}
