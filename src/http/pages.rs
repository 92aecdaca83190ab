//! The search page, rendered on the server so that it works, and can be tested, without
//! JavaScript; `app.js` adds search as you type, keyboard navigation and the copy button. The
//! handlers here gather what a page shows; [`super::views`] turns it into HTML.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

use super::api::{
    parse_params, present, ApiError, CompareParams, KwicParams, SearchParams, TrendParams,
};
use super::views::{self, FormChoices, Pager};
use super::AppState;
use crate::indexer::{Catalog, CatalogDocument};
use crate::search::reference::ReferenceStyle;
use crate::search::{Engine, SearchRequest, SearchResults};

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");

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

/// `GET /` and `GET /search?q=&section=&doc=&year=&issuer=&limit=&offset=`: the form and, with a
/// query, results; searched and rendered on the blocking pool.
pub async fn search_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    state
        .run(move |engine| render_search_page(engine, raw.as_deref()))
        .await
        .unwrap_or_else(busy_page)
}

fn render_search_page(engine: &Engine, raw: Option<&str>) -> Result<Response, ApiError> {
    let params: PageParams = match parse_params(raw) {
        Ok(params) => params,
        Err(error) => return error_page(engine, &SearchParams::default(), error),
    };
    let search = &params.search;
    let (status, results) = match present(&search.q) {
        None => (StatusCode::OK, Markup::default()),
        Some(_) => match search
            .to_request()
            .and_then(|request| Ok((engine.search(&request)?, request)))
        {
            Ok((results, request)) => (
                StatusCode::OK,
                views::results(
                    &results,
                    &pager(search, &request, &results),
                    &|name, value| facet_link(search, name, value),
                ),
            ),
            Err(error) => (error.status, views::error_block(&error.message)),
        },
    };
    if params.fragment.as_deref() == Some("1") {
        return Ok((status, Html(results.into_string())).into_response());
    }
    let title = match present(&search.q) {
        Some(q) => format!("{q} · 报告检索"),
        None => "报告检索".to_string(),
    };
    Ok((status, page(&title, search_body(engine, search, results)?)).into_response())
}

/// The form over the results (or an error).
fn search_body(
    engine: &Engine,
    search: &SearchParams,
    results: Markup,
) -> Result<Markup, ApiError> {
    let choices = form_choices(engine, search)?;
    Ok(maud::html! {
        (views::search_form(&choices, search))
        div #results { (results) }
    })
}

/// The search page with `error` in place of results.
fn error_page(
    engine: &Engine,
    search: &SearchParams,
    error: ApiError,
) -> Result<Response, ApiError> {
    let body = search_body(engine, search, views::error_block(&error.message))?;
    Ok((error.status, page("报告检索", body)).into_response())
}

/// A page that could not be made now (the server is busy, or failed): the message alone.
fn busy_page(error: ApiError) -> Response {
    let headers = error.headers();
    let body = views::error_block(&error.message);
    (error.status, AppendHeaders(headers), page("报告检索", body)).into_response()
}

/// `GET /p/{citation}`: the cited passage in context, at a URL that can be shared.
pub async fn passage_page(State(state): State<AppState>, Path(citation): Path<String>) -> Response {
    state
        .run(move |engine| {
            let found = engine.get(&citation).and_then(|cited| {
                let reference = engine.reference_of(&cited, ReferenceStyle::Gbt7714)?;
                Ok((cited, reference))
            });
            match found {
                Ok((cited, reference)) => Ok(page(
                    &format!("{} · 报告检索", cited.passage.citation),
                    views::passage(&cited, &reference),
                )
                .into_response()),
                Err(error) => error_page(engine, &SearchParams::default(), error.into()),
            }
        })
        .await
        .unwrap_or_else(busy_page)
}

/// The page for a path that does not exist.
pub fn not_found_page(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        page("未找到 · 报告检索", views::not_found(path)),
    )
        .into_response()
}

/// A whole page around `body`.
fn page(title: &str, body: Markup) -> Html<String> {
    Html(views::layout(title, body).into_string())
}

/// The filters' choices from the catalog: reports and years once there are several, issuers
/// once there are several, and the sections of the chosen (or only) report.
fn form_choices<'e>(
    engine: &'e Engine,
    search: &SearchParams,
) -> Result<FormChoices<'e>, ApiError> {
    let catalog = engine.catalog();
    let documents = catalog.documents()?;
    let several = documents.len() > 1;
    let mut years: Vec<u32> = documents.iter().filter_map(|d| d.meta.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let chosen = search.filters.doc.as_deref().map(str::to_ascii_lowercase);
    let outline: Option<&CatalogDocument> = match (&chosen, documents.as_slice()) {
        (Some(id), _) => catalog.document_by_id(id)?,
        (None, [only]) => Some(only),
        _ => None,
    };
    Ok(FormChoices {
        documents: if several {
            documents
                .iter()
                .map(|d| {
                    let year = d.meta.year.map(|y| y.to_string()).unwrap_or_default();
                    (d.meta.id.clone(), format!("{year} {}", d.meta.title))
                })
                .collect()
        } else {
            Vec::new()
        },
        years: if several && years.len() > 1 {
            years
        } else {
            Vec::new()
        },
        issuers: match issuers(catalog) {
            issuers if issuers.len() > 1 => issuers,
            _ => Vec::new(),
        },
        outline,
    })
}

/// Every issuer of the catalog's documents, sorted, once each.
fn issuers(catalog: &Catalog) -> Vec<String> {
    let mut issuers: Vec<String> = (0..catalog.len())
        .filter_map(|position| catalog.issuer(position).map(str::to_string))
        .collect();
    issuers.sort();
    issuers.dedup();
    issuers
}

/// Links to the previous and next page of the same search.
fn pager(search: &SearchParams, request: &SearchRequest, results: &SearchResults) -> Pager {
    let offset = request.page.offset();
    let limit = request.page.limit().max(1);
    Pager {
        previous: (offset > 0).then(|| page_link(search, offset.saturating_sub(limit))),
        next: (offset + results.hits.len() < results.total)
            .then(|| page_link(search, offset + limit)),
    }
}

/// The `/search` URL of the same search with the filter `name` set to `value`, from its first
/// page.
fn facet_link(search: &SearchParams, name: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(q) = present(&search.q) {
        pairs.push(("q".to_string(), q.to_string()));
    }
    pairs.extend(
        search
            .filters
            .query_pairs()
            .into_iter()
            .filter(|(key, _)| key != name),
    );
    pairs.push((name.to_string(), value.to_string()));
    format!(
        "/search?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The `/search` URL of the same search (query, every filter, limit) at another offset.
fn page_link(search: &SearchParams, offset: usize) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(q) = present(&search.q) {
        pairs.push(("q".to_string(), q.to_string()));
    }
    pairs.extend(search.filters.query_pairs());
    if let Some(limit) = present(&search.limit) {
        pairs.push(("limit".to_string(), limit.to_string()));
    }
    pairs.push(("offset".to_string(), offset.to_string()));
    format!(
        "/search?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The filled-in form of an analysis page, with the catalog's issuers and documents to suggest.
fn analysis_form(engine: &Engine, raw: Option<&str>) -> views::AnalysisForm {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let catalog = engine.catalog();
    views::AnalysisForm {
        terms: if value("terms").is_empty() {
            value("term")
        } else {
            value("terms")
        },
        by: value("by"),
        sort: value("sort"),
        issuer: value("issuer"),
        year: value("year"),
        a: value("a"),
        b: value("b"),
        issuers: issuers(catalog),
        documents: (0..catalog.len())
            .map(|position| catalog.id(position).to_string())
            .collect(),
    }
}

/// The same request as CSV, from the API.
fn csv_link(api: &str, raw: Option<&str>) -> String {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default();
    let mut pairs: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(key, _)| key != "format")
        .collect();
    pairs.push(("format".to_string(), "csv".to_string()));
    format!(
        "{api}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// An analysis page on the blocking pool: the form and, when the form `asked` something, the
/// `answer` rendered by `render` (with the link to the same answer as CSV from `api`), or the
/// error under the form.
async fn analysis_page<T: 'static>(
    state: AppState,
    raw: Option<String>,
    title: &'static str,
    api: &'static str,
    asked: fn(&views::AnalysisForm) -> bool,
    answer: fn(&Engine, Option<&str>) -> std::result::Result<T, ApiError>,
    render: impl FnOnce(&views::AnalysisForm, Option<&T>, &str) -> Markup + Send + 'static,
) -> Response {
    state
        .run(move |engine| {
            let raw = raw.as_deref();
            let form = analysis_form(engine, raw);
            let answered = asked(&form).then(|| answer(engine, raw));
            let shown = answered
                .as_ref()
                .and_then(|answered| answered.as_ref().ok());
            let body = render(&form, shown, &csv_link(api, raw));
            let (status, body) = match answered {
                Some(Err(error)) => (
                    error.status,
                    maud::html! { (body) (views::error_block(&error.message)) },
                ),
                _ => (StatusCode::OK, body),
            };
            Ok((status, page(title, body)).into_response())
        })
        .await
        .unwrap_or_else(busy_page)
}

/// `GET /trend?terms=&by=&per=&issuer=&year=…`: the chart (a line a term over the years), the
/// table, a CSV link.
pub async fn trend_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let rates = raw.as_deref().unwrap_or_default().contains("per=10k");
    analysis_page(
        state,
        raw,
        "词频 · 报告检索",
        "/api/trend",
        |form| !form.terms.is_empty(),
        |engine, raw| {
            let params: TrendParams = parse_params(raw)?;
            Ok(engine.trend(&params.to_request()?)?)
        },
        move |form, trend, csv| views::trend_page(form, trend, csv, rates),
    )
    .await
}

/// `GET /kwic?term=&sort=&width=&issuer=&year=…`: the concordance as an aligned table.
pub async fn kwic_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    analysis_page(
        state,
        raw,
        "语境 · 报告检索",
        "/api/kwic",
        |form| !form.terms.is_empty(),
        |engine, raw| {
            let params: KwicParams = parse_params(raw)?;
            Ok(engine.kwic(&params.to_request()?)?)
        },
        views::kwic_page,
    )
    .await
}

/// `GET /compare?a=&b=`: the four lists of words, each linked to a passage.
pub async fn compare_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    analysis_page(
        state,
        raw,
        "对比 · 报告检索",
        "/api/compare",
        |form| !form.a.is_empty() || !form.b.is_empty(),
        |engine, raw| {
            let params: CompareParams = parse_params(raw)?;
            Ok(engine.compare(&params.to_request()?)?)
        },
        views::compare_page,
    )
    .await
}
