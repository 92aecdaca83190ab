//! The HTTP front end: a JSON API and a search page, on the same [`Engine`] as the CLI.
//!
//! [`router`] builds the whole application from an [`AppState`], so tests drive it with
//! `tower::ServiceExt::oneshot` and no socket; [`serve`] binds it to an address and runs it until
//! Ctrl-C or SIGTERM (`server.rs`: connection limits and timeouts against slow clients). The
//! engine is shared and reloadable: a background task watches the index's `CURRENT` file and swaps
//! in the new generation once it has verified it, while requests already running finish on the
//! engine they started with. Searches run on the blocking pool under a cap (`guard.rs`).

mod api;
mod guard;
mod pages;
mod server;
mod views;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::Result;
use crate::indexer::current_generation;
use crate::search::Engine;

pub use api::ApiError;
pub use guard::{Capacity, Limits, MAX_URI_BYTES};
pub use server::serve;

/// Longest a request may take before it is answered 503; its search, if it has started, still
/// holds its place until it ends.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The engine of the current index generation, replaced when the index is rebuilt.
pub struct SharedEngine {
    root: PathBuf,
    current: RwLock<Arc<Engine>>,
}

impl SharedEngine {
    /// Opens the current index under `root`.
    pub fn open(root: &Path) -> Result<SharedEngine> {
        Ok(SharedEngine {
            root: root.to_path_buf(),
            current: RwLock::new(Arc::new(serving_engine(root)?)),
        })
    }

    /// The index root it serves.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The engine to answer one request with.
    pub fn get(&self) -> Arc<Engine> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Opens the new generation if `CURRENT` names another one and verifies all of it; true if
    /// it swapped. A generation that fails to open or verify is not served: the old one stays.
    pub fn reload_if_changed(&self) -> Result<bool> {
        let Some(generation) = current_generation(&self.root) else {
            return Ok(false);
        };
        if generation == self.get().generation() {
            return Ok(false);
        }
        let engine = Arc::new(serving_engine(&self.root)?);
        engine.verify()?;
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = engine;
        Ok(true)
    }
}

/// The engine of the index under `root`, prepared to answer many queries.
fn serving_engine(root: &Path) -> Result<Engine> {
    let engine = Engine::open(root)?;
    engine.prepare_for_many_queries();
    Ok(engine)
}

/// What every handler gets: the shared engine and the limits on the work it takes on.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<SharedEngine>,
    pub limits: Arc<Limits>,
}

impl AppState {
    /// State over the index under `root`, with the capacity of this machine.
    pub fn open(root: &Path) -> Result<AppState> {
        AppState::with_capacity(root, Capacity::for_this_machine())
    }

    /// State over the index under `root` that runs and queues at most `capacity`.
    pub fn with_capacity(root: &Path, capacity: Capacity) -> Result<AppState> {
        Ok(AppState {
            engine: Arc::new(SharedEngine::open(root)?),
            limits: Arc::new(Limits::new(capacity)),
        })
    }

    /// Runs `work` on the current engine on the blocking pool, within the limits.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Engine) -> std::result::Result<T, ApiError> + Send + 'static,
    ) -> std::result::Result<T, ApiError> {
        self.limits.run(self.engine.get(), work).await
    }
}

/// The whole application: pages, API and health check, behind [`with_middleware`].
pub fn router(state: AppState) -> Router {
    with_middleware(
        Router::new()
            .route("/", get(pages::search_page))
            .route("/search", get(pages::search_page))
            .route("/p/{citation}", get(pages::passage_page))
            .route("/trend", get(pages::trend_page))
            .route("/kwic", get(pages::kwic_page))
            .route("/compare", get(pages::compare_page))
            .route("/assets/style.css", get(pages::stylesheet))
            .route("/assets/app.js", get(pages::script))
            .route("/api/search", get(api::search))
            .route("/api/passages/{citation}", get(api::passage))
            .route("/api/sections", get(api::sections))
            .route("/api/docs", get(api::docs))
            .route("/api/trend", get(api::trend))
            .route("/api/kwic", get(api::kwic))
            .route("/api/compare", get(api::compare))
            .route("/healthz", get(api::health))
            .fallback(not_found)
            .with_state(state),
    )
}

/// The layers around every route, innermost first: refuse bodies, long URIs and broken
/// percent-encoding, answer a request that takes too long with 503 and a panic with 500, log
/// one line per request (through `tracing`: method, path, request id, status, milliseconds), and
/// give each request an `x-request-id` (kept if the client sent one) that the answer carries back.
pub fn with_middleware(routes: Router) -> Router {
    routes
        .layer(middleware::from_fn(guard::refuse_malformed))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(guard::panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|id| id.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        id = %id,
                    )
                })
                .on_request(())
                .on_response(
                    |response: &Response, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            ms = format_args!("{:.2}", latency.as_secs_f64() * 1000.0),
                        );
                    },
                )
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// 404 for any other path: JSON under `/api/`, a page elsewhere.
async fn not_found(request: Request) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, format!("no such endpoint: {path}")).into_response()
    } else {
        pages::not_found_page(&path)
    }
}
