//! Serving the router on a socket, safe to face the open network: hyper's HTTP/1 connections
//! with a header-read timeout (which also closes idle keep-alive connections) and bounded header
//! sizes, a cap on open connections (beyond it, new ones are closed at once), graceful shutdown
//! on Ctrl-C or SIGTERM, and the reload of a new index generation on the blocking pool.
//!
//! axum 0.8's own `serve` sets no timer on hyper's connection builder, so hyper's header-read
//! timeout never fires there and a client that sends its headers one byte a minute holds a
//! connection forever; this loop sets one.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tracing_subscriber::EnvFilter;

use super::{router, AppState, SharedEngine};

/// How often the server looks for a new index generation.
const RELOAD_INTERVAL: Duration = Duration::from_millis(500);
/// Longest a client may take to send a request's headers, and longest a kept-alive connection
/// may sit idle before its next request.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Most connections open at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// Largest request head (request line and headers) read, in bytes; beyond it hyper answers 431.
/// Above the 4 KB a request target may have, so that a long URI gets its own 414; hyper's
/// default of 100 headers at most (431 beyond) stays.
const MAX_HEAD_BYTES: usize = 128 * 1024;
/// Longest the server waits for open requests when asked to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves the index under `root` on `addr` until Ctrl-C or SIGTERM. Logs go to stderr through
/// `tracing`; `RUST_LOG` sets the level (`info` by default).
pub async fn serve(addr: SocketAddr, root: &Path) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    let state = AppState::open(root)?;
    // Compound queries need jieba's dictionary: load it now rather than in the first such request.
    std::thread::spawn(|| crate::analysis::segment::dictionary_words("预热"));
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let stats = state.engine.get().stats();
    eprintln!(
        "baogao: serving {} documents, {} passages on http://{}",
        stats.documents,
        stats.passages,
        listener.local_addr()?
    );
    tokio::spawn(reload_when_rebuilt(state.engine.clone()));

    let service = TowerToHyperService::new(router(state));
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES);
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            tracing::warn!(%peer, "too many open connections; closing a new one");
            continue;
        };
        let connection =
            graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    tracing::info!("stopping: waiting for open requests");
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still open after {SHUTDOWN_GRACE:?}");
    }
    eprintln!("baogao: stopped");
    Ok(())
}

/// Swaps in a new index generation when `baogao index` made one, checking it on the blocking
/// pool first; a damaged one is logged and skipped, and the old one goes on serving.
async fn reload_when_rebuilt(engine: Arc<SharedEngine>) {
    let mut ticks = tokio::time::interval(RELOAD_INTERVAL);
    let mut refused: Option<std::path::PathBuf> = None;
    loop {
        ticks.tick().await;
        let named = crate::indexer::current_generation(engine.root());
        if named.is_some() && named == refused {
            continue;
        }
        let shared = Arc::clone(&engine);
        let reloaded = tokio::task::spawn_blocking(move || shared.reload_if_changed()).await;
        match reloaded {
            Ok(Ok(true)) => {
                refused = None;
                tracing::info!(generation = %engine.get().generation().display(), "reloaded the index");
            }
            Ok(Ok(false)) => {}
            Ok(Err(error)) => {
                // Once per generation: a damaged one is not tried again until CURRENT moves on.
                tracing::warn!(error = %error.chain(), "keeping the current index");
                refused = named;
            }
            Err(panic) => tracing::error!(%panic, "reloading the index panicked"),
        }
    }
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
