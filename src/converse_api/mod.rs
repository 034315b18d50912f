//! Bedrock's own Converse API on the same port: `POST /model/{modelId}/converse` (JSON) and
//! `/model/{modelId}/converse-stream` (AWS event-stream frames), in Bedrock's wire format, so a
//! service that already calls Bedrock through boto3 or another AWS SDK switches by pointing its
//! endpoint URL at the gateway and setting `AWS_BEARER_TOKEN_BEDROCK` to its gateway key.
//!
//! A thin adapter like the other doors: [`wire`] is the request format, [`convert`] maps it onto
//! the proto request and the core's answer back, [`stream`] frames the core's chunks as
//! ConverseStream's events. Keys (the SDK's bearer token), limits, catalog, routing, logs and
//! metrics are the core's; the gateway calls Bedrock with its own AWS credentials. Errors use
//! Bedrock's shape: the table's status, `x-amzn-ErrorType` with Bedrock's exception name and
//! `{"message": ...}`, and mid-stream an exception frame.

pub mod convert;
pub mod handlers;
pub mod stream;
pub mod wire;

use crate::error::Error;
use crate::rest::RestState;
use axum::Router;
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::post;

/// The door's routes.
pub fn router(state: RestState) -> Router {
    Router::new()
        .route("/model/{model_id}/converse", post(handlers::converse))
        .route("/model/{model_id}/converse-stream", post(handlers::converse_stream))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Whether a path belongs to this door (its errors then use Bedrock's shape, even those of the
/// layers before the handler: a missing key, the in-flight cap).
pub fn owns(path: &str) -> bool {
    path.starts_with("/model/")
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let message = format!("{method} is not allowed on {}", uri.path());
    error_response(&Error::new(crate::error::ErrorKind::MethodNotAllowed, message))
}

/// An error in Bedrock's shape: the table's status, `x-amzn-ErrorType`, `{"message"}`,
/// Retry-After when known, the caller's quota headers. Logged.
pub fn error_response(error: &Error) -> Response {
    error.log();
    unlogged_error_response(error)
}

/// [`error_response`] without the log line, for failures logged in aggregate (rejected keys).
pub fn unlogged_error_response(error: &Error) -> Response {
    let mut response =
        crate::rest::failure(error, wire::ConverseError { message: error.message_naming_field() });
    response.headers_mut().insert("x-amzn-errortype", HeaderValue::from_static(error.class().bedrock_type));
    response
}
