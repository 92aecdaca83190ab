//! The page's HTML: one maud template a view, compiled into the binary. maud escapes every
//! value it splices in, so report text and user input can never become mark-up; the only
//! pre-escaped value is a snippet, which [`crate::search::snippet`] escapes itself around its
//! `<mark>` tags.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::api::SearchParams;
use crate::indexer::{CatalogDocument, CatalogSection};
use crate::search::compare::Comparison;
use crate::search::facets::Facets;
use crate::search::kwic::Concordance;
use crate::search::trend::{BucketBy, Trend};
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
                header {
                    a.brand href="/" { "报告检索 " span { "baogao" } }
                    nav { @for (href, label) in ANALYSES { a href=(href) { (label) } } }
                }
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

/// The total, how the query was understood, the facets, the ranked hits and the pager;
/// `facet_link` makes the link that adds a facet's filter to the search.
pub fn results(
    results: &SearchResults,
    pager: &Pager,
    facet_link: &dyn Fn(&str, &str) -> String,
) -> Markup {
    html! {
        p.summary {
            "共 " strong #total { (results.total) } " 条结果 · "
            (describe_in_chinese(&results.interpretation))
            (format!(" · {:.1} ms", results.took_ms))
        }
        @if let Some(counted) = &results.facets {
            (facets(counted, facet_link))
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

/// The analysis pages, linked from every page's header.
pub const ANALYSES: [(&str, &str); 4] = [
    ("/", "检索"),
    ("/trend", "词频"),
    ("/kwic", "语境"),
    ("/compare", "对比"),
];

/// Colours of the chart's lines, one a term in turn.
const LINE_COLOURS: [&str; 6] = [
    "#b22222", "#1f5fa8", "#2e7d32", "#8e44ad", "#d35400", "#555",
];

/// The facets beside the results: each value a link that adds its filter, with its count, and
/// the matches per year as a small chart.
pub fn facets(facets: &Facets, link: &dyn Fn(&str, &str) -> String) -> Markup {
    let years: Vec<(u32, f64)> = facets
        .years
        .iter()
        .map(|year| (year.value, year.count as f64))
        .collect();
    html! {
        @if !facets.years.is_empty() || !facets.sections.is_empty() {
            aside.facets #facets {
                @if facets.years.len() > 1 {
                    div { (chart(&[("", years)], "", 480, 120)) }
                }
                @if !facets.years.is_empty() {
                    ul.years {
                        @for year in &facets.years {
                            li { a href=(link("year", &year.value.to_string())) { (year.value) "年" } " " (year.count) }
                        }
                    }
                }
                @if facets.issuers.len() > 1 {
                    ul.issuers {
                        @for issuer in &facets.issuers {
                            li { a href=(link("issuer", &issuer.value)) { (issuer.value) } " " (issuer.count) }
                        }
                    }
                }
                @if !facets.sections.is_empty() {
                    ul.sections {
                        @for section in &facets.sections {
                            li { a href=(link("section", &section.citation)) { (section.label) } " " (section.count) }
                        }
                    }
                }
            }
        }
    }
}

/// A line chart of `series` (a name and its (year, value) points each) drawn on the server: an
/// axis of years, one line a series, each point's value in its `<title>` (a tooltip, readable
/// without JavaScript).
pub fn chart(series: &[(&str, Vec<(u32, f64)>)], unit: &str, width: u32, height: u32) -> Markup {
    let points = series.iter().flat_map(|(_, points)| points.iter());
    let first = points.clone().map(|(year, _)| *year).min().unwrap_or(0);
    let last = points.clone().map(|(year, _)| *year).max().unwrap_or(0);
    let most = points.map(|(_, value)| *value).fold(0.0, f64::max).max(1.0);
    let (left, right, top, bottom) = (44.0, 12.0, 10.0, 22.0);
    let x = |year: u32| {
        let span = f64::from((last - first).max(1));
        left + f64::from(year - first) / span * (f64::from(width) - left - right)
    };
    let y = |value: f64| top + (1.0 - value / most) * (f64::from(height) - top - bottom);
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {width} {height}"))
            role="img" aria-label="按年份的出现次数" {
            line x1=(left) y1=(y(0.0)) x2=(f64::from(width) - right) y2=(y(0.0)) stroke="#ccc" {}
            text x=(left - 4.0) y=(y(most) + 4.0) text-anchor="end" { (format_value(most)) }
            text x=(left - 4.0) y=(y(0.0)) text-anchor="end" { "0" }
            text x=(left) y=(f64::from(height) - 6.0) { (first) }
            text x=(f64::from(width) - right) y=(f64::from(height) - 6.0) text-anchor="end" { (last) }
            @for (index, (name, points)) in series.iter().enumerate() {
                @let colour = LINE_COLOURS[index % LINE_COLOURS.len()];
                @let path: Vec<String> = points
                    .iter()
                    .map(|&(year, value)| format!("{:.1},{:.1}", x(year), y(value)))
                    .collect();
                polyline points=(path.join(" ")) fill="none" stroke=(colour) stroke-width="1.5" {}
                @for &(year, value) in points {
                    circle.point cx=(format!("{:.1}", x(year))) cy=(format!("{:.1}", y(value))) r="2.5"
                        fill=(colour) data-year=(year) data-value=(format_value(value)) {
                        title { (name) " " (year) "年: " (format_value(value)) (unit) }
                    }
                }
            }
        }
    }
}

/// A count as a whole number, a rate with two decimals.
fn format_value(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// The trend page: its form, the chart (by year), the table and a CSV link.
pub fn trend_page(
    form: &AnalysisForm,
    trend: Option<&Trend>,
    csv_link: &str,
    rates: bool,
) -> Markup {
    html! {
        (analysis_form("/trend", form, html! {
            input name="terms" type="search" value=(form.terms) placeholder="词语，用逗号分开：改革,开放" aria-label="词语";
            select name="by" aria-label="分组" {
                @for (value, label) in [("year", "按年份"), ("issuer", "按发布机关"), ("issuer,year", "按发布机关和年份"), ("doc", "按报告")] {
                    option value=(value) selected[form.by == value] { (label) }
                }
            }
            label { input type="checkbox" name="per" value="10k" checked[rates]; " 每万字" }
        }))
        @if let Some(trend) = trend {
            @if trend.by == [BucketBy::Year] {
                @let series: Vec<(&str, Vec<(u32, f64)>)> = trend
                    .terms
                    .iter()
                    .map(|term| {
                        let points = trend
                            .rows
                            .iter()
                            .filter_map(|row| {
                                let count = row.counts.get(term)?;
                                let value = if rates { count.per_10k } else { count.occurrences as f64 };
                                Some((row.bucket.year()?, value))
                            })
                            .collect();
                        (term.as_str(), points)
                    })
                    .collect();
                (chart(&series, if rates { " 每万字" } else { " 次" }, 720, 260))
                p.legend {
                    @for (index, term) in trend.terms.iter().enumerate() {
                        span style=(format!("color: {}", LINE_COLOURS[index % LINE_COLOURS.len()])) { "● " (term) " " }
                    }
                }
            }
            p { a #csv href=(csv_link) { "下载 CSV" } }
            table.data #trend-table {
                tr {
                    th { "分组" } th { "字数" }
                    @for term in &trend.terms { th { (term) } }
                }
                @for row in &trend.rows {
                    tr {
                        td { (row.bucket.labels().join(" ")) }
                        td { (row.chars) }
                        @for term in &trend.terms {
                            @let count = row.counts.get(term).copied().unwrap_or_default();
                            td { @if rates { (format!("{:.2}", count.per_10k)) } @else { (count.occurrences) } }
                        }
                    }
                }
            }
            ul {
                @for term in &trend.terms {
                    li {
                        (term) "："
                        @match (trend.first.get(term), trend.last.get(term)) {
                            (Some(first), Some(last)) => {
                                "首次 " (first.bucket.labels().join(" ")) " "
                                a href={ "/p/" (path_segment(&first.citation)) } { (first.citation) }
                                "，最近 " (last.bucket.labels().join(" ")) " "
                                a href={ "/p/" (path_segment(&last.citation)) } { (last.citation) }
                            }
                            _ => { "未出现" }
                        }
                    }
                }
            }
        }
    }
}

/// The concordance page: its form and the lines aligned on the match.
pub fn kwic_page(form: &AnalysisForm, concordance: Option<&Concordance>, csv_link: &str) -> Markup {
    html! {
        (analysis_form("/kwic", form, html! {
            input name="term" type="search" value=(form.terms) placeholder="词语，如 新质生产力" aria-label="词语";
            select name="sort" aria-label="排序" {
                @for (value, label) in [("doc", "按文档顺序"), ("left", "按左侧语境"), ("right", "按右侧语境")] {
                    option value=(value) selected[form.sort == value] { (label) }
                }
            }
        }))
        @if let Some(concordance) = concordance {
            p.summary { "共 " strong #total { (concordance.total) } " 处 · " a #csv href=(csv_link) { "下载 CSV" } }
            table.data.kwic #kwic-table {
                @for line in &concordance.lines {
                    tr {
                        td { a.citation href={ "/p/" (path_segment(&line.citation)) } { (line.citation) } }
                        td.left { (line.left) }
                        td.match { (line.matched) }
                        td.right { (line.right) }
                    }
                }
            }
        }
    }
}

/// The comparison page: two report ids and the four lists.
pub fn compare_page(
    form: &AnalysisForm,
    comparison: Option<&Comparison>,
    csv_link: &str,
) -> Markup {
    html! {
        form.analysis action="/compare" method="get" {
            input name="a" list="docs" value=(form.a) placeholder="较早的报告，如 2023-国务院" aria-label="报告 A";
            input name="b" list="docs" value=(form.b) placeholder="较新的报告，如 2024-国务院" aria-label="报告 B";
            datalist #docs { @for id in &form.documents { option value=(id) {} } }
            button type="submit" { "对比" }
        }
        @if let Some(comparison) = comparison {
            p.summary { (comparison.a) " → " (comparison.b) " · " a #csv href=(csv_link) { "下载 CSV" } }
            div.groups {
                @for (group, words) in comparison.groups() {
                    section id=(group) {
                        h2 { (match group { "new" => "新出现", "gone" => "不再出现", "rose" => "上升", _ => "下降" }) }
                        ol {
                            @for word in words {
                                li {
                                    a href={ "/p/" (path_segment(&word.citation)) } { (word.word) }
                                    " " (word.count_a) " → " (word.count_b)
                                    @if let Some(passages) = word.passages_in_index {
                                        " " span.first title={ "此前年份的报告均未出现；全部报告中 " (passages) " 段" } { "首次" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What an analysis form shows: the terms (or term), the filters, and the choices.
#[derive(Debug, Default)]
pub struct AnalysisForm {
    pub terms: String,
    pub by: String,
    pub sort: String,
    pub issuer: String,
    pub year: String,
    pub a: String,
    pub b: String,
    /// Issuers to suggest.
    pub issuers: Vec<String>,
    /// Document ids to suggest.
    pub documents: Vec<String>,
}

/// A form for `action` with `fields`, the issuer (a searchable list) and the year range.
fn analysis_form(action: &str, form: &AnalysisForm, fields: Markup) -> Markup {
    html! {
        form.analysis action=(action) method="get" {
            (fields)
            input #issuer name="issuer" type="search" list="issuers" value=(form.issuer)
                placeholder="全部发布机关" autocomplete="off" aria-label="发布机关";
            datalist #issuers { @for issuer in &form.issuers { option value=(issuer) {} } }
            input name="year" value=(form.year) placeholder="年份，如 2015..2024" size="12" aria-label="年份";
            button type="submit" { "统计" }
        }
    }
}
