//! What keeps one request, or many, from taking the server down: bounds on what a request may
//! carry, a cap on the searches that run at once with a short queue (beyond it, 503 at once), the
//! CPU work on tokio's blocking pool, and a panic in a handler answered as a 500 for that request.

use std::any::Any;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::api::ApiError;
use crate::search::Engine;

/// Longest request target (path and query string) accepted, in bytes: a query is at most 256
/// characters, so a longer URI is not a search.
pub const MAX_URI_BYTES: usize = 4096;
/// Largest request body announced that gets a 400 rather than a 413; no endpoint takes a body.
const SMALL_BODY_BYTES: u64 = 64 * 1024;
/// Seconds a shed client is told to wait.
const RETRY_AFTER_SECONDS: &str = "1";

/// How much work the server takes on at once.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    /// Searches (and page renderings) that run at once on the blocking pool.
    pub running: usize,
    /// Requests that may wait for one of them; any more get 503 at once.
    pub queued: usize,
}

impl Capacity {
    /// Twice the cores running, and 64 a core waiting: a queue that searches of about a
    /// millisecond empty within some 30 ms, so that dozens of steady clients are served and only
    /// a flood is shed.
    pub fn for_this_machine() -> Capacity {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Capacity {
            running: 2 * cores,
            queued: 64 * cores,
        }
    }
}

/// The admission and running permits behind [`Capacity`].
#[derive(Debug)]
pub struct Limits {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

impl Limits {
    /// Limits of `capacity`.
    pub fn new(capacity: Capacity) -> Limits {
        Limits {
            admitted: Arc::new(Semaphore::new(capacity.running + capacity.queued)),
            running: Arc::new(Semaphore::new(capacity.running.max(1))),
        }
    }

    /// A place among the running and waiting requests, if one is free.
    pub fn try_admit(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.admitted).try_acquire_owned().ok()
    }

    /// Runs `work` on the engine on tokio's blocking pool, once a running permit is free: the
    /// async workers never search. Overloaded: 503 with `Retry-After` at once. A panic in `work`
    /// is a 500 for this request.
    pub async fn run<T: Send + 'static>(
        &self,
        engine: Arc<Engine>,
        work: impl FnOnce(&Engine) -> std::result::Result<T, ApiError> + Send + 'static,
    ) -> std::result::Result<T, ApiError> {
        let admitted = self.try_admit().ok_or_else(overloaded)?;
        let running = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|_| overloaded())?;
        let task = tokio::task::spawn_blocking(move || {
            let _permits = (admitted, running);
            work(&engine)
        });
        match task.await {
            Ok(answer) => answer,
            Err(joined) => {
                let message = joined
                    .try_into_panic()
                    .map(|panic| panic_message(&*panic))
                    .unwrap_or_else(|_| "cancelled".to_string());
                tracing::error!(panic = %message, "a search panicked");
                Err(internal_error())
            }
        }
    }
}

/// 503 with `Retry-After`: the server is busy.
fn overloaded() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "the server is busy; try again in a moment",
    )
    .with_retry_after(RETRY_AFTER_SECONDS)
}

fn internal_error() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error; see the server log",
    )
}

/// Refuses what no endpoint takes before any handler runs: a request target over
/// [`MAX_URI_BYTES`] (414), a query string whose percent-encoding is broken or is not UTF-8 (400:
/// read leniently, it would search for something the client never typed) and a body (400, or
/// 413 when it is large).
pub async fn refuse_malformed(request: Request, next: Next) -> Response {
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "the request target is {uri_bytes} bytes; at most {MAX_URI_BYTES} are accepted"
            ),
        )
        .into_response();
    }
    if let Some(reason) = request.uri().query().and_then(bad_percent_encoding) {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {reason}"),
        )
        .into_response();
    }
    let headers = request.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if length > SMALL_BODY_BYTES {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "this endpoint takes no request body",
        )
        .into_response();
    }
    if length > 0 || headers.contains_key(header::TRANSFER_ENCODING) {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "this endpoint takes no request body",
        )
        .into_response();
    }
    next.run(request).await
}

/// What is wrong with the percent-encoding of `query`, if anything: a `%` not followed by two
/// hexadecimal digits, or escapes that decode to something other than UTF-8.
fn bad_percent_encoding(query: &str) -> Option<String> {
    let bytes = query.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let escape = bytes.get(at + 1..at + 3);
            let value = escape
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match value {
                Some(value) => decoded.push(value),
                None => {
                    return Some(format!(
                        "'%' at byte {at} is not followed by two hex digits"
                    ))
                }
            }
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    std::str::from_utf8(&decoded)
        .err()
        .map(|e| format!("the decoded parameters are not UTF-8 ({e})"))
}

/// The answer to a panic in a handler: a 500 for that request, logged; the server goes on.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!(panic = %panic_message(&*panic), "a handler panicked");
    internal_error().into_response()
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}
