//! The OpenAI-compatible REST shim, on the same port as gRPC: `POST /v1/chat/completions` (JSON or
//! Server-Sent Events), `GET /v1/models[/{id}]`, `GET /health`, `GET /ready`, `GET /openapi.json`.
//!
//! The shim maps OpenAI JSON ([`openai`]) onto the proto messages ([`convert`]) and calls the same
//! core as gRPC, so both protocols share one code path. Errors use OpenAI's envelope with the HTTP
//! status from the error table.

pub mod body;
pub mod convert;
pub mod embeddings;
pub mod handlers;
pub mod openai;
pub mod openapi;

use crate::chat::Chat;
use crate::error::{Error, ErrorKind};
use crate::health::Health;
use axum::Json;
use axum::Router;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// What the handlers share.
#[derive(Clone)]
pub struct RestState {
    /// The core.
    pub chat: Chat,
    /// Serving status, for `/ready`.
    pub health: Health,
    /// Body size limit.
    pub max_request_bytes: usize,
}

/// The shim's routes.
pub fn router(state: RestState) -> Router {
    let document = openapi::document();
    Router::new()
        .route("/v1/chat/completions", post(handlers::chat_completions))
        .route("/v1/embeddings", post(embeddings::embeddings))
        .route("/v1/models", get(handlers::list_models))
        .route("/v1/models/{*id}", get(handlers::get_model))
        .route("/health", get(handlers::health))
        .route("/ready", get(handlers::ready))
        .route("/metrics", get(crate::observe::render))
        .route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], document) }
            }),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// The health routes alone, for connections served past the connection cap.
pub fn health_router(state: RestState) -> Router {
    Router::new()
        .route("/health", get(handlers::health))
        .route("/ready", get(handlers::ready))
        .with_state(state)
}

/// A known path with the wrong method: 405 in OpenAI's envelope, like every other REST error.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let message = format!("{method} is not allowed on {}", uri.path());
    error_response(&Error::new(ErrorKind::MethodNotAllowed, message))
}

/// OpenAI's error envelope for an error.
pub fn envelope(error: &Error) -> openai::ErrorResponse {
    let class = error.class();
    openai::ErrorResponse {
        error: openai::ErrorBody {
            message: error.message.clone(),
            kind: class.openai_type.to_owned(),
            param: error.field.clone(),
            code: Some(class.openai_code.to_owned()),
        },
    }
}

/// A response with headers added: the caller's quota (OpenAI's `x-ratelimit-*`) and where the call
/// was served ([`crate::chat::Served::headers`]).
pub fn with_headers(mut response: Response, headers: Vec<(&'static str, String)>) -> Response {
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// An error as an HTTP response: the table's status, the envelope, and Retry-After when known.
/// Logged, like every failed gRPC call.
pub fn error_response(error: &Error) -> Response {
    error.log();
    unlogged_error_response(error)
}

/// [`error_response`] without the log line, for failures logged in aggregate (rejected keys).
pub fn unlogged_error_response(error: &Error) -> Response {
    failure(error, envelope(error))
}

/// A failure in any door's envelope (`body`): the table's status, the caller's quota headers, and
/// Retry-After when known.
pub fn failure(error: &Error, body: impl serde::Serialize) -> Response {
    let mut response = (error.class().http, Json(body)).into_response();
    if let Some(quota) = &error.quota {
        response = with_headers(response, crate::limits::headers(quota));
    }
    if let Some(delay) = error.retry_after {
        let seconds = delay.as_secs_f64().ceil().max(1.0) as u64;
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
