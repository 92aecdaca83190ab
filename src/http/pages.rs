//! The search page, rendered on the server so that it works, and can be tested, without
//! JavaScript; `app.js` adds search as you type, keyboard navigation and the copy button.
//! Every piece of report text or user input goes through [`html_escape`].

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::api::{parse_params, present, ApiError, SearchParams};
use super::AppState;
use crate::indexer::{CatalogDocument, CatalogSection};
use crate::search::snippet::html_escape;
use crate::search::{CitedText, Engine, Interpretation, SearchRequest, SearchResults};

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");
/// Longest heading shown in the section drop-down, in characters.
const OPTION_CHARS: usize = 36;

/// `GET /assets/style.css`
pub async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

/// `GET /assets/app.js`
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
struct PageParams {
    #[serde(flatten)]
    search: SearchParams,
    /// `1`: answer with the results block only (for search as you type).
    fragment: Option<String>,
}

/// `GET /` and `GET /search?q=&section=&doc=&year=&offset=`: the form and, with a query, results.
pub async fn search_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let engine = state.engine.get();
    let params: PageParams = match parse_params(raw.as_deref()) {
        Ok(params) => params,
        Err(error) => return error_page(&engine, &SearchParams::default(), error),
    };
    let search = &params.search;
    let (status, results_html) = match present(&search.q) {
        None => (StatusCode::OK, String::new()),
        Some(_) => match search
            .to_request()
            .and_then(|r| Ok((engine.search(&r)?, r)))
        {
            Ok((results, request)) => (StatusCode::OK, render_results(&results, search, &request)),
            Err(error) => (error.status, error_block(&error)),
        },
    };
    if params.fragment.as_deref() == Some("1") {
        return (status, Html(results_html)).into_response();
    }
    let title = match present(&search.q) {
        Some(q) => format!("{q} · 报告检索"),
        None => "报告检索".to_string(),
    };
    let body = format!(
        "{}<div id=\"results\">{results_html}</div>",
        search_form(&engine, search)
    );
    (status, Html(layout(&title, &body))).into_response()
}

fn error_block(error: &ApiError) -> String {
    format!("<p class=\"error\">{}</p>", html_escape(&error.message))
}

/// The search page with `error` in place of results.
fn error_page(engine: &Engine, search: &SearchParams, error: ApiError) -> Response {
    let body = format!(
        "{}<div id=\"results\">{}</div>",
        search_form(engine, search),
        error_block(&error)
    );
    (error.status, Html(layout("报告检索", &body))).into_response()
}

/// `GET /p/{citation}`: the cited passage in context, at a URL that can be shared.
pub async fn passage_page(State(state): State<AppState>, Path(citation): Path<String>) -> Response {
    let engine = state.engine.get();
    match engine.get(&citation) {
        Ok(cited) => Html(layout(
            &format!("{} · 报告检索", cited.citation),
            &render_passage(&cited),
        ))
        .into_response(),
        Err(error) => error_page(&engine, &SearchParams::default(), error.into()),
    }
}

/// The page for a path that does not exist.
pub fn not_found_page(path: &str) -> Response {
    let body = format!(
        "<p class=\"error\">没有这个页面：{}</p><p><a href=\"/\">返回检索</a></p>",
        html_escape(path)
    );
    (
        StatusCode::NOT_FOUND,
        Html(layout("未找到 · 报告检索", &body)),
    )
        .into_response()
}

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
         <body><header><a class=\"brand\" href=\"/\">报告检索 <span>baogao</span></a></header>\
         <main>{body}</main><script src=\"/assets/app.js\" defer></script></body></html>\n",
        html_escape(title)
    )
}

/// The search box and the report, year and section filters.
fn search_form(engine: &Engine, search: &SearchParams) -> String {
    let catalog = engine.catalog();
    let chosen_doc = present(&search.doc).map(str::to_ascii_lowercase);
    let mut html = format!(
        "<form id=\"search\" action=\"/search\" method=\"get\" role=\"search\">\
         <input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" placeholder=\"关键词，如 招商引资、华勤、14.2%\" \
         autocomplete=\"off\" autofocus aria-label=\"关键词\">",
        html_escape(search.q.as_deref().unwrap_or_default())
    );

    if catalog.documents().len() > 1 {
        let options: Vec<(String, String)> = catalog
            .documents()
            .iter()
            .map(|d| {
                (
                    d.meta.id.clone(),
                    format!(
                        "{} {}",
                        d.meta.year.map(|y| y.to_string()).unwrap_or_default(),
                        d.meta.title
                    ),
                )
            })
            .collect();
        html.push_str(&select(
            "doc",
            "报告",
            "全部报告",
            &options,
            chosen_doc.as_deref(),
        ));
        let mut years: Vec<u32> = catalog
            .documents()
            .iter()
            .filter_map(|d| d.meta.year)
            .collect();
        years.sort_unstable();
        years.dedup();
        if years.len() > 1 {
            let options: Vec<(String, String)> = years
                .iter()
                .rev()
                .map(|y| (y.to_string(), format!("{y}年")))
                .collect();
            html.push_str(&select(
                "year",
                "年份",
                "全部年份",
                &options,
                present(&search.year),
            ));
        }
    }

    let outline_doc: Option<&CatalogDocument> = match (&chosen_doc, catalog.documents()) {
        (Some(id), _) => catalog.document(id),
        (None, [only]) => Some(only),
        _ => None,
    };
    match outline_doc {
        Some(document) => {
            let options: Vec<(String, String)> = document
                .sections
                .iter()
                .map(|s| (s.citation.clone(), section_option(document, s)))
                .collect();
            html.push_str(&select(
                "section",
                "章节",
                "全部章节",
                &options,
                present(&search.section),
            ));
        }
        None => html.push_str(
            "<select id=\"section\" name=\"section\" aria-label=\"章节\" disabled>\
             <option value=\"\">选择报告后可按章节筛选</option></select>",
        ),
    }
    html.push_str("<button type=\"submit\">搜索</button></form>");
    html
}

/// A drop-down; `chosen` is the selected value.
fn select(
    name: &str,
    label: &str,
    all: &str,
    options: &[(String, String)],
    chosen: Option<&str>,
) -> String {
    let mut html = format!(
        "<select id=\"{name}\" name=\"{name}\" aria-label=\"{label}\"><option value=\"\">{}</option>",
        html_escape(all)
    );
    for (value, text) in options {
        let selected = if Some(value.as_str()) == chosen {
            " selected"
        } else {
            ""
        };
        html.push_str(&format!(
            "<option value=\"{}\"{selected}>{}</option>",
            html_escape(value),
            html_escape(text)
        ));
    }
    html.push_str("</select>");
    html
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

fn render_results(
    results: &SearchResults,
    search: &SearchParams,
    request: &SearchRequest,
) -> String {
    let offset = request.offset;
    let mut html = format!(
        "<p class=\"summary\">共 <strong id=\"total\">{}</strong> 条结果 · {} · {:.1} ms</p>",
        results.total,
        html_escape(&describe_in_chinese(&results.interpretation)),
        results.took_ms
    );
    if results.hits.is_empty() {
        html.push_str("<p class=\"empty\">没有找到包含这些词的段落。</p>");
        return html;
    }
    html.push_str(&format!("<ol class=\"hits\" start=\"{}\">", offset + 1));
    for hit in &results.hits {
        let section = if hit.section.is_empty() {
            "开篇"
        } else {
            hit.section.as_str()
        };
        let year = hit.year.map(|y| format!(" · {y}")).unwrap_or_default();
        html.push_str(&format!(
            "<li class=\"hit\"><div class=\"hit-head\"><a class=\"citation\" href=\"/p/{}\">{}</a>\
             <span class=\"section\">{}</span></div><p class=\"snippet\">{}</p>\
             <p class=\"meta\">{}{year}</p></li>",
            html_escape(&path_segment(&hit.citation)),
            html_escape(&hit.citation),
            html_escape(section),
            hit.snippet,
            html_escape(&hit.title)
        ));
    }
    html.push_str("</ol>");

    let limit = request.limit.max(1);
    let mut pager = Vec::new();
    if offset > 0 {
        pager.push(format!(
            "<a rel=\"prev\" href=\"{}\">上一页</a>",
            html_escape(&page_link(search, offset.saturating_sub(limit)))
        ));
    }
    if offset + results.hits.len() < results.total {
        pager.push(format!(
            "<a rel=\"next\" href=\"{}\">下一页</a>",
            html_escape(&page_link(search, offset + limit))
        ));
    }
    if !pager.is_empty() {
        html.push_str(&format!("<nav class=\"pager\">{}</nav>", pager.join(" ")));
    }
    html
}

/// How the query was understood, for the page's readers.
fn describe_in_chinese(interpretation: &Interpretation) -> String {
    let clauses: Vec<String> = interpretation
        .required
        .iter()
        .map(|any| any.join(" 或 "))
        .collect();
    let mut text = if interpretation.mode == "words" {
        format!("原词未出现，改为同时包含：{}", clauses.join("、"))
    } else {
        format!("包含：{}", clauses.join("、"))
    };
    if !interpretation.excluded.is_empty() {
        text.push_str(&format!("；不含：{}", interpretation.excluded.join("、")));
    }
    text
}

/// The `/search` URL of the same search at another offset.
fn page_link(search: &SearchParams, offset: usize) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (name, value) in [
        ("q", &search.q),
        ("doc", &search.doc),
        ("year", &search.year),
        ("section", &search.section),
        ("limit", &search.limit),
    ] {
        if let Some(value) = present(value) {
            pairs.push((name, value.to_string()));
        }
    }
    pairs.push(("offset", offset.to_string()));
    format!(
        "/search?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
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

fn render_passage(cited: &CitedText) -> String {
    let mut html = format!(
        "<nav class=\"breadcrumb\"><a href=\"/search?doc={}\">{}</a>",
        html_escape(&cited.doc),
        html_escape(&cited.title)
    );
    for part in &cited.section_path {
        html.push_str(&format!(" › <span>{}</span>", html_escape(part)));
    }
    html.push_str("</nav>");
    let paragraphs: String = cited
        .text
        .lines()
        .map(|line| format!("<p>{}</p>", html_escape(line)))
        .collect();
    let quote = format!("{} —— {}", cited.text, cited.citation);
    html.push_str(&format!(
        "<article class=\"passage\"><h1 class=\"citation\">{}</h1>\
         <blockquote id=\"passage-text\">{paragraphs}</blockquote>\
         <p><button type=\"button\" class=\"copy\" data-copy=\"{}\">复制引用</button>\
         <span class=\"copied\" hidden>已复制</span></p>",
        html_escape(&cited.citation),
        html_escape(&quote)
    ));
    let mut walk = Vec::new();
    if let Some(previous) = &cited.previous {
        walk.push(format!(
            "<a rel=\"prev\" href=\"/p/{}\">← 上一段 {}</a>",
            html_escape(&path_segment(previous)),
            html_escape(previous)
        ));
    }
    if let Some(next) = &cited.next {
        walk.push(format!(
            "<a rel=\"next\" href=\"/p/{}\">下一段 {} →</a>",
            html_escape(&path_segment(next)),
            html_escape(next)
        ));
    }
    html.push_str(&format!(
        "<nav class=\"walk\">{}</nav></article>",
        walk.join(" ")
    ));
    html
}
