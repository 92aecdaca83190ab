//! The HTTP front end: a JSON API and a search page, on the same [`Engine`] as the CLI.
//!
//! [`router`] builds the whole application from an [`AppState`], so tests drive it with
//! `tower::ServiceExt::oneshot` and no socket; [`serve`] binds it to an address and runs it until
//! Ctrl-C or SIGTERM. The engine is shared and reloadable: a background task watches the index's
//! `CURRENT` file and swaps in the new generation after a `baogao index`, while requests already
//! running finish on the engine they started with.

mod api;
mod pages;
mod views;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::Result;
use crate::indexer::current_generation;
use crate::search::Engine;

pub use api::ApiError;

/// How often the server looks for a new index generation.
const RELOAD_INTERVAL: Duration = Duration::from_millis(500);

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
            current: RwLock::new(Arc::new(Engine::open(root)?)),
        })
    }

    /// The engine to answer one request with.
    pub fn get(&self) -> Arc<Engine> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Opens the new generation if `CURRENT` names another one; true if it swapped.
    pub fn reload_if_changed(&self) -> Result<bool> {
        let Some(generation) = current_generation(&self.root) else {
            return Ok(false);
        };
        if generation == self.get().generation() {
            return Ok(false);
        }
        let engine = Arc::new(Engine::open(&self.root)?);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = engine;
        Ok(true)
    }
}

/// What every handler gets: the shared engine.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<SharedEngine>,
}

impl AppState {
    /// State over the index under `root`.
    pub fn open(root: &Path) -> Result<AppState> {
        Ok(AppState {
            engine: Arc::new(SharedEngine::open(root)?),
        })
    }
}

/// The whole application: pages, API, health check, request log, body guard.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::search_page))
        .route("/search", get(pages::search_page))
        .route("/p/{citation}", get(pages::passage_page))
        .route("/assets/style.css", get(pages::stylesheet))
        .route("/assets/app.js", get(pages::script))
        .route("/api/search", get(api::search))
        .route("/api/passages/{citation}", get(api::passage))
        .route("/api/sections", get(api::sections))
        .route("/api/docs", get(api::docs))
        .route("/healthz", get(api::health))
        .fallback(not_found)
        .layer(middleware::from_fn(refuse_bodies))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
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

/// Every endpoint is a GET without a body: a request that carries one is refused.
async fn refuse_bodies(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if length > 0 || headers.contains_key(header::TRANSFER_ENCODING) {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "this endpoint takes no request body",
        )
        .into_response();
    }
    next.run(request).await
}

/// One line per request on stderr: method, path, status, time.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {:.2} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Serves the index under `root` on `addr` until Ctrl-C or SIGTERM.
pub async fn serve(addr: SocketAddr, root: &Path) -> anyhow::Result<()> {
    let state = AppState::open(root)?;
    // Compound queries need jieba's dictionary: load it now rather than in the first such request.
    std::thread::spawn(|| crate::analysis::segment::dictionary_words("预热"));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let stats = state.engine.get().stats();
    eprintln!(
        "baogao: serving {} documents, {} passages on http://{}",
        stats.documents,
        stats.passages,
        listener.local_addr()?
    );

    let engine = state.engine.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(RELOAD_INTERVAL);
        loop {
            ticks.tick().await;
            match engine.reload_if_changed() {
                Ok(true) => eprintln!(
                    "baogao: reloaded the index ({})",
                    engine.get().generation().display()
                ),
                Ok(false) => {}
                Err(error) => eprintln!(
                    "baogao: warning: keeping the current index: {}",
                    error.chain()
                ),
            }
        }
    });

    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    eprintln!("baogao: stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
