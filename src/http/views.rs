//! The page's HTML: one maud template a view, compiled into the binary. maud escapes every
//! value it splices in, so report text and user input can never become mark-up; the only
//! pre-escaped value is a snippet, which [`crate::search::snippet`] escapes itself around its
//! `<mark>` tags.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::api::SearchParams;
use crate::indexer::{CatalogDocument, CatalogSection};
use crate::search::{CitedText, Interpretation, MatchMode, SearchResults};

/// Longest heading shown in the section drop-down, in characters.
const OPTION_CHARS: usize = 36;

/// The frame of every page: head, brand, the view, the script.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                header { a.brand href="/" { "报告检索 " span { "baogao" } } }
                main { (body) }
                script src="/assets/app.js" defer {}
            }
        }
    }
}

/// What the search form offers: the catalog's choices and the search being shown.
pub struct FormChoices<'a> {
    /// Reports as (id, label); empty when there is only one.
    pub documents: Vec<(String, String)>,
    /// Years, newest first; empty unless there are several.
    pub years: Vec<u32>,
    /// Issuers, sorted; empty unless there are several.
    pub issuers: Vec<String>,
    /// The report whose outline fills the section drop-down, if one is chosen (or the only one).
    pub outline: Option<&'a CatalogDocument>,
}

/// The search box and the report, year, issuer and section filters, showing `search`.
pub fn search_form(choices: &FormChoices, search: &SearchParams) -> Markup {
    let filters = &search.filters;
    let chosen_doc = filters.doc.as_deref().map(str::to_ascii_lowercase);
    let chosen_year = filters.years.map(|years| years.to_string());
    html! {
        form #search action="/search" method="get" role="search" {
            input #q name="q" type="search" value=(search.q.as_deref().unwrap_or_default())
                placeholder="关键词，如 招商引资、华勤、14.2%" autocomplete="off" autofocus
                aria-label="关键词";
            @if !choices.documents.is_empty() {
                (select("doc", "报告", "全部报告", &choices.documents, chosen_doc.as_deref()))
            }
            @if !choices.years.is_empty() {
                @let years: Vec<(String, String)> = choices
                    .years
                    .iter()
                    .map(|y| (y.to_string(), format!("{y}年")))
                    .collect();
                (select("year", "年份", "全部年份", &years, chosen_year.as_deref()))
            }
            @if !choices.issuers.is_empty() || filters.issuer.is_some() {
                input #issuer name="issuer" type="search" list="issuers"
                    value=(filters.issuer.as_deref().unwrap_or_default())
                    placeholder="全部发布机关" autocomplete="off" aria-label="发布机关";
                datalist #issuers {
                    @for issuer in &choices.issuers { option value=(issuer) {} }
                }
            }
            @match choices.outline {
                Some(document) => {
                    @let sections: Vec<(String, String)> = document
                        .sections
                        .iter()
                        .map(|s| (s.citation.clone(), section_option(document, s)))
                        .collect();
                    (select("section", "章节", "全部章节", &sections, filters.section.as_deref()))
                }
                None => {
                    select #section name="section" aria-label="章节" disabled {
                        option value="" { "选择报告后可按章节筛选" }
                    }
                }
            }
            button type="submit" { "搜索" }
        }
    }
}

/// A drop-down of (value, label) options after an "all" option; `chosen` is selected.
fn select(
    name: &str,
    label: &str,
    all: &str,
    options: &[(String, String)],
    chosen: Option<&str>,
) -> Markup {
    html! {
        select id=(name) name=(name) aria-label=(label) {
            option value="" { (all) }
            @for (value, text) in options {
                option value=(value) selected[Some(value.as_str()) == chosen] { (text) }
            }
        }
    }
}

/// `　(二)纵深推进产业空间拓展…`: indented by depth, shortened.
fn section_option(document: &CatalogDocument, section: &CatalogSection) -> String {
    let label = section.label();
    let short: String = label.chars().take(OPTION_CHARS).collect();
    let ellipsis = if short.len() < label.len() { "…" } else { "" };
    format!(
        "{}{short}{ellipsis}",
        "\u{3000}".repeat(document.depth_of(section) - 1)
    )
}

/// Links to the pages before and after the one shown.
pub struct Pager {
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// The total, how the query was understood, the ranked hits and the pager.
pub fn results(results: &SearchResults, pager: &Pager) -> Markup {
    html! {
        p.summary {
            "共 " strong #total { (results.total) } " 条结果 · "
            (describe_in_chinese(&results.interpretation))
            (format!(" · {:.1} ms", results.took_ms))
        }
        @if results.hits.is_empty() {
            p.empty { "没有找到包含这些词的段落。" }
        } @else {
            ol.hits start=(results.offset + 1) {
                @for hit in &results.hits {
                    @let passage = &hit.passage;
                    li.hit {
                        div.hit-head {
                            a.citation href={ "/p/" (path_segment(&passage.citation)) } {
                                (passage.citation)
                            }
                            span.section {
                                @if passage.section.is_empty() { "开篇" } @else { (passage.section) }
                            }
                        }
                        p.snippet { (PreEscaped(&hit.snippet)) }
                        p.meta {
                            (passage.title)
                            @if let Some(year) = passage.year { " · " (year) }
                        }
                    }
                }
            }
            @if pager.previous.is_some() || pager.next.is_some() {
                nav.pager {
                    @if let Some(link) = &pager.previous { a rel="prev" href=(link) { "上一页" } }
                    @if pager.previous.is_some() && pager.next.is_some() { " " }
                    @if let Some(link) = &pager.next { a rel="next" href=(link) { "下一页" } }
                }
            }
        }
    }
}

/// An error in place of results.
pub fn error_block(message: &str) -> Markup {
    html! { p.error { (message) } }
}

/// The cited passage in context: breadcrumb, text, copy buttons (the quote, and the report's
/// GB/T 7714 reference with links to RIS and CSL-JSON), previous and next.
pub fn passage(cited: &CitedText, reference: &str) -> Markup {
    let passage = &cited.passage;
    let quote = format!("{} —— {}", passage.text, passage.citation);
    html! {
        nav.breadcrumb {
            a href={ "/search?doc=" (passage.doc) } { (passage.title) }
            @for part in &passage.section_path { " › " span { (part) } }
        }
        article.passage {
            h1.citation { (passage.citation) }
            blockquote #passage-text {
                @for line in passage.text.lines() { p { (line) } }
            }
            p {
                button.copy type="button" data-copy=(quote) { "复制引用" }
                span.copied hidden { "已复制" }
            }
            p.reference {
                span #reference { (reference) }
                " "
                button.copy type="button" data-copy=(reference) { "复制参考文献" }
                span.copied hidden { "已复制" }
                " "
                a href={ "/api/passages/" (path_segment(&passage.citation)) "?format=ris" } { "RIS" }
                " "
                a href={ "/api/passages/" (path_segment(&passage.citation)) "?format=csl-json" } { "CSL-JSON" }
            }
            nav.walk {
                @if let Some(previous) = &cited.previous {
                    a rel="prev" href={ "/p/" (path_segment(previous)) } { "← 上一段 " (previous) }
                }
                @if cited.previous.is_some() && cited.next.is_some() { " " }
                @if let Some(next) = &cited.next {
                    a rel="next" href={ "/p/" (path_segment(next)) } { "下一段 " (next) " →" }
                }
            }
        }
    }
}

/// The page for a path that does not exist.
pub fn not_found(path: &str) -> Markup {
    html! {
        p.error { "没有这个页面：" (path) }
        p { a href="/" { "返回检索" } }
    }
}

/// How the query was understood, for the page's readers.
fn describe_in_chinese(interpretation: &Interpretation) -> String {
    let clauses: Vec<String> = interpretation
        .required
        .iter()
        .map(|any| any.join(" 或 "))
        .collect();
    let mut text = match interpretation.mode {
        MatchMode::Words => format!("原词未出现，改为同时包含：{}", clauses.join("、")),
        MatchMode::Verbatim => format!("包含：{}", clauses.join("、")),
    };
    if !interpretation.excluded.is_empty() {
        text.push_str(&format!("；不含：{}", interpretation.excluded.join("、")));
    }
    text
}

/// A citation as one URL path segment: Chinese document ids (`2024-国务院:3.1`) percent-encoded.
fn path_segment(citation: &str) -> String {
    let mut encoded = String::new();
    for byte in citation.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
