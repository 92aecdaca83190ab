//! The JSON API: the same shapes as the CLI's `--format json`, errors as `{"error": "..."}`.
//! Every parameter struct flattens the one [`Filters`] type, so a new filter reaches every
//! endpoint and every link without a change here.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::AppState;
use crate::error::Error;
use crate::output::{DocumentList, Outlines};
use crate::search::{CitedText, Filters, Page, SearchRequest, SearchResults, DEFAULT_LIMIT};

/// An error answer: a status and a message for the client. Server-side failures get a generic
/// message; their details go to the log only.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Seconds a client should wait before it tries again (`Retry-After`), for a 503.
    pub retry_after: Option<&'static str>,
}

impl ApiError {
    /// An answer with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same answer, telling the client to try again after `seconds`.
    pub fn with_retry_after(self, seconds: &'static str) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..self
        }
    }

    /// The headers that go with the answer.
    pub fn headers(&self) -> Vec<(header::HeaderName, HeaderValue)> {
        self.retry_after
            .map(|seconds| (header::RETRY_AFTER, HeaderValue::from_static(seconds)))
            .into_iter()
            .collect()
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match error {
            Error::UnknownCitation(_) => ApiError::new(StatusCode::NOT_FOUND, error.to_string()),
            _ if error.is_usage() => ApiError::new(StatusCode::BAD_REQUEST, error.to_string()),
            _ => {
                tracing::error!(error = %error.chain(), "request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; see the server log",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response();
        response.headers_mut().extend(self.headers());
        response
    }
}

/// Query-string parameters of a search, as sent by the API's clients and by the page's form.
/// Empty values count as absent (a form sends `section=` for "all sections").
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    #[serde(flatten)]
    pub filters: Filters,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

pub fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn number<T: std::str::FromStr>(name: &str, value: &Option<String>) -> Result<Option<T>, ApiError> {
    present(value)
        .map(|v| {
            v.parse().map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("{name} must be a whole number, not {v:?}"),
                )
            })
        })
        .transpose()
}

/// Reads the parameters of a raw query string into `T`.
pub fn parse_params<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("bad query string: {e}")))
}

impl SearchParams {
    /// The search these parameters ask for, checked: the query parses, the page is in bounds.
    pub fn to_request(&self) -> Result<SearchRequest, ApiError> {
        let query = self
            .q
            .clone()
            .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "missing query parameter q"))?;
        let page = Page::new(
            number("limit", &self.limit)?.unwrap_or(DEFAULT_LIMIT),
            number("offset", &self.offset)?.unwrap_or(0),
        )?;
        Ok(SearchRequest::new(query, self.filters.clone(), page)?)
    }
}

/// `GET /api/search?q=&section=&doc=&year=&issuer=&limit=&offset=`
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResults>, ApiError> {
    let request = parse_params::<SearchParams>(raw.as_deref())?.to_request()?;
    let results = state
        .run(move |engine| Ok(engine.search(&request)?))
        .await?;
    Ok(Json(results))
}

/// `GET /api/passages/{citation}`: the passage (or section) with its neighbours' citations.
pub async fn passage(
    State(state): State<AppState>,
    citation: Result<Path<String>, PathRejection>,
) -> Result<Json<CitedText>, ApiError> {
    let Path(citation) =
        citation.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    Ok(Json(
        state.run(move |engine| Ok(engine.get(&citation)?)).await?,
    ))
}

/// `GET /api/sections?doc=&year=&issuer=&section=`: outline trees with citations and passage
/// counts, as `baogao sections`.
pub async fn sections(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Outlines>, ApiError> {
    let filters: Filters = parse_params(raw.as_deref())?;
    let outlines = state
        .run(move |engine| Ok(engine.outlines(&filters)?))
        .await?;
    Ok(Json(Outlines(outlines)))
}

/// `GET /api/docs?year=&issuer=&section=`: the documents with title, year and passage counts,
/// as `baogao docs`.
pub async fn docs(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<DocumentList>, ApiError> {
    let filters: Filters = parse_params(raw.as_deref())?;
    let documents = state
        .run(move |engine| Ok(engine.document_summaries(&filters)?))
        .await?;
    Ok(Json(DocumentList(documents)))
}

/// `GET /healthz`: counts kept by the engine, no work: it answers while searches queue.
pub async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let stats = state.engine.get().stats();
    Json(serde_json::json!({
        "status": "ok",
        "documents": stats.documents,
        "passages": stats.passages,
    }))
}
