//! The JSON API: the same shapes as the CLI's `--json`, errors as `{"error": "..."}`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::AppState;
use crate::error::Error;
use crate::indexer::DocumentOutline;
use crate::search::{CitedText, Filters, SearchRequest, SearchResults, YearRange};

/// Hits per page when the request does not say.
pub const DEFAULT_LIMIT: usize = 10;

/// An error answer: a status and a message for the client. Server-side failures get a generic
/// message; their details go to the log only.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match error {
            Error::UnknownCitation(_) => ApiError::new(StatusCode::NOT_FOUND, error.to_string()),
            _ if error.is_usage() => ApiError::new(StatusCode::BAD_REQUEST, error.to_string()),
            _ => {
                eprintln!("baogao: error: {error}");
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
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// Query-string parameters of a search, as sent by the API's clients and by the page's form.
/// Empty values count as absent (a form sends `section=` for "all sections").
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub section: Option<String>,
    pub doc: Option<String>,
    pub year: Option<String>,
    pub issuer: Option<String>,
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
    /// The search these parameters ask for.
    pub fn to_request(&self) -> Result<SearchRequest, ApiError> {
        let query = self
            .q
            .clone()
            .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "missing query parameter q"))?;
        Ok(SearchRequest {
            query,
            filters: Filters {
                doc: present(&self.doc).map(str::to_string),
                years: present(&self.year).map(YearRange::parse).transpose()?,
                issuer: present(&self.issuer).map(str::to_string),
                section: present(&self.section).map(str::to_string),
            },
            limit: number("limit", &self.limit)?.unwrap_or(DEFAULT_LIMIT),
            offset: number("offset", &self.offset)?.unwrap_or(0),
        })
    }
}

/// `GET /api/search?q=&section=&doc=&year=&limit=&offset=`
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResults>, ApiError> {
    let request = parse_params::<SearchParams>(raw.as_deref())?.to_request()?;
    Ok(Json(state.engine.get().search(&request)?))
}

/// `GET /api/passages/{citation}`: the passage (or section) with its neighbours' citations.
pub async fn passage(
    State(state): State<AppState>,
    citation: Result<Path<String>, PathRejection>,
) -> Result<Json<CitedText>, ApiError> {
    let Path(citation) =
        citation.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    Ok(Json(state.engine.get().get(&citation)?))
}

#[derive(Debug, Default, Deserialize)]
struct DocParam {
    doc: Option<String>,
}

/// `GET /api/sections?doc=`: outline trees with citations and passage counts.
pub async fn sections(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<DocumentOutline>>, ApiError> {
    let params: DocParam = parse_params(raw.as_deref())?;
    let engine = state.engine.get();
    let filters = Filters {
        doc: present(&params.doc).map(str::to_string),
        ..Filters::default()
    };
    let documents = engine.documents(&filters)?;
    Ok(Json(
        documents.into_iter().map(DocumentOutline::of).collect(),
    ))
}

/// `GET /api/docs`: the documents with title, year and passage counts.
pub async fn docs(State(state): State<AppState>) -> Json<Vec<DocumentOutline>> {
    let engine = state.engine.get();
    Json(
        engine
            .catalog()
            .documents()
            .iter()
            .map(DocumentOutline::summary)
            .collect(),
    )
}

/// `GET /healthz`
pub async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    let stats = state.engine.get().stats();
    Json(serde_json::json!({
        "status": "ok",
        "documents": stats.documents,
        "passages": stats.passages,
    }))
}
