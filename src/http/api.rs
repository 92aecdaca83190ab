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
use crate::output::{self, DocumentList, Outlines, Tabular};
use crate::search::compare::{self, CompareRequest};
use crate::search::kwic::{self, KwicRequest, KwicSort};
use crate::search::reference::ReferenceStyle;
use crate::search::trend::{BucketBy, TrendRequest};
use crate::search::{Filters, Page, SearchRequest, SearchResults, DEFAULT_LIMIT};

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

#[derive(Debug, Default, Deserialize)]
struct PassageParams {
    /// `gbt7714`, `ris` or `csl-json`: the report's reference instead of the passage.
    format: Option<String>,
}

/// `GET /api/passages/{citation}`: the passage (or section) with its neighbours' citations;
/// `?format=gbt7714|ris|csl-json`: the reference of its report, as `get --format`.
pub async fn passage(
    State(state): State<AppState>,
    citation: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(citation) =
        citation.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let params: PassageParams = parse_params(raw.as_deref())?;
    let style = match present(&params.format) {
        None | Some("json") => None,
        Some("gbt7714") => Some(ReferenceStyle::Gbt7714),
        Some("ris") => Some(ReferenceStyle::Ris),
        Some("csl-json") => Some(ReferenceStyle::CslJson),
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("format must be json, gbt7714, ris or csl-json, not {other:?}"),
            ))
        }
    };
    let Some(style) = style else {
        let cited = state.run(move |engine| Ok(engine.get(&citation)?)).await?;
        return Ok(Json(cited).into_response());
    };
    let reference = state
        .run(move |engine| Ok(engine.reference(&citation, style)?))
        .await?;
    let content_type = match style {
        ReferenceStyle::CslJson => "application/vnd.citationstyles.csl+json",
        ReferenceStyle::Ris => "application/x-research-info-systems; charset=utf-8",
        ReferenceStyle::Gbt7714 => "text/plain; charset=utf-8",
    };
    Ok(([(header::CONTENT_TYPE, content_type)], reference).into_response())
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

/// How an analysis endpoint answers: JSON by default, `format=csv` for a CSV download (with a
/// byte-order mark for Excel when `bom=1`).
#[derive(Debug, Default, Deserialize)]
pub struct Download {
    pub format: Option<String>,
    pub bom: Option<String>,
}

impl Download {
    /// `value` as JSON, or as CSV named `name`.csv.
    fn answer<V: Tabular>(&self, value: &V, name: &str) -> Result<Response, ApiError> {
        match present(&self.format) {
            None | Some("json") => Ok(Json(value).into_response()),
            Some("csv") => {
                let mut csv = Vec::new();
                output::write_csv(&mut csv, value, present(&self.bom) == Some("1"))
                    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
                Ok((
                    [
                        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                        (
                            header::CONTENT_DISPOSITION,
                            format!("attachment; filename=\"{name}.csv\""),
                        ),
                    ],
                    csv,
                )
                    .into_response())
            }
            Some(other) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("format must be json or csv, not {other:?}"),
            )),
        }
    }
}

/// Parameters of `/api/trend`.
#[derive(Debug, Default, Deserialize)]
pub struct TrendParams {
    /// Terms separated by commas or spaces.
    pub terms: Option<String>,
    #[serde(flatten)]
    pub filters: Filters,
    pub by: Option<String>,
    /// `10k`: CSV columns carry rates per 10,000 characters.
    pub per: Option<String>,
    #[serde(flatten)]
    pub download: Download,
}

impl TrendParams {
    /// The trend these parameters ask for.
    pub fn to_request(&self) -> Result<TrendRequest, ApiError> {
        let terms: Vec<String> = present(&self.terms)
            .unwrap_or_default()
            .split([',', '，', ' ', '\u{3000}'])
            .filter(|term| !term.is_empty())
            .map(str::to_string)
            .collect();
        let by = BucketBy::parse_list(present(&self.by).unwrap_or("year"))?;
        Ok(TrendRequest::new(&terms, self.filters.clone(), by)?)
    }
}

/// `GET /api/trend?terms=&by=&per=&format=` and the filters: as `baogao trend`.
pub async fn trend(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let params: TrendParams = parse_params(raw.as_deref())?;
        let request = params.to_request()?;
        let mut trend = state.run(move |engine| Ok(engine.trend(&request)?)).await?;
        trend.show_rates = present(&params.per) == Some("10k");
        params.download.answer(&trend, "trend")
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}

/// Parameters of `/api/kwic`.
#[derive(Debug, Default, Deserialize)]
pub struct KwicParams {
    pub term: Option<String>,
    #[serde(flatten)]
    pub filters: Filters,
    pub width: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    #[serde(flatten)]
    pub download: Download,
}

impl KwicParams {
    /// The concordance these parameters ask for.
    pub fn to_request(&self) -> Result<KwicRequest, ApiError> {
        let term = present(&self.term)
            .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "missing parameter term"))?;
        let sort = match present(&self.sort) {
            None | Some("doc") => KwicSort::Doc,
            Some("left") => KwicSort::Left,
            Some("right") => KwicSort::Right,
            Some(other) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("sort must be doc, left or right, not {other:?}"),
                ))
            }
        };
        Ok(KwicRequest::new(
            term,
            self.filters.clone(),
            number("width", &self.width)?.unwrap_or(kwic::DEFAULT_WIDTH),
            sort,
            number("limit", &self.limit)?.unwrap_or(50),
            number("offset", &self.offset)?.unwrap_or(0),
        )?)
    }
}

/// `GET /api/kwic?term=&width=&sort=&limit=&offset=&format=` and the filters: as `baogao kwic`.
pub async fn kwic(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let params: KwicParams = parse_params(raw.as_deref())?;
        let request = params.to_request()?;
        let concordance = state.run(move |engine| Ok(engine.kwic(&request)?)).await?;
        params.download.answer(&concordance, "kwic")
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}

/// Parameters of `/api/compare`.
#[derive(Debug, Default, Deserialize)]
pub struct CompareParams {
    pub a: Option<String>,
    pub b: Option<String>,
    pub limit: Option<String>,
    pub min_count: Option<String>,
    #[serde(flatten)]
    pub download: Download,
}

impl CompareParams {
    /// The comparison these parameters ask for.
    pub fn to_request(&self) -> Result<CompareRequest, ApiError> {
        let missing = |name: &str| {
            ApiError::new(StatusCode::BAD_REQUEST, format!("missing parameter {name}"))
        };
        Ok(CompareRequest::new(
            present(&self.a).ok_or_else(|| missing("a"))?,
            present(&self.b).ok_or_else(|| missing("b"))?,
            number("limit", &self.limit)?.unwrap_or(compare::DEFAULT_LIMIT),
            number("min_count", &self.min_count)?.unwrap_or(compare::DEFAULT_MIN_COUNT),
        )?)
    }
}

/// `GET /api/compare?a=&b=&limit=&min_count=&format=`: as `baogao compare`.
pub async fn compare(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let params: CompareParams = parse_params(raw.as_deref())?;
        let request = params.to_request()?;
        let comparison = state
            .run(move |engine| Ok(engine.compare(&request)?))
            .await?;
        params.download.answer(&comparison, "compare")
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}
