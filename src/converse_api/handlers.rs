//! The Converse handlers: Bedrock JSON in, the core, Bedrock JSON (or event-stream frames) out.

use super::{convert, error_response, stream::Translator, wire};
use crate::chat::ChunkStream;
use crate::error::{Error, Result};
use crate::rest::{RestState, body};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;

/// A Converse call.
#[utoipa::path(
    post,
    path = "/model/{modelId}/converse",
    params(("modelId" = String, Path, description = "A Bedrock model id, inference profile id or ARN, an Anthropic model name, or an alias of the models file (URL-encoded, as AWS SDKs send it)")),
    request_body(
        content = wire::ConverseRequest,
        example = json!({
            "messages": [{"role": "user", "content": [{"text": "Hello!"}]}],
            "inferenceConfig": {"maxTokens": 256}
        })
    ),
    responses(
        (status = 200, description = "Bedrock's Converse response", body = wire::ConverseResponse),
        (status = 400, description = "Invalid request (`x-amzn-ErrorType: ValidationException`)", body = wire::ConverseError),
        (status = 401, description = "Missing or wrong gateway key (`UnrecognizedClientException`)", body = wire::ConverseError),
        (status = 403, description = "The key may not use the model, or the gateway's AWS identity may not invoke it (`AccessDeniedException`)", body = wire::ConverseError),
        (status = 404, description = "Unknown model (`ResourceNotFoundException`)", body = wire::ConverseError),
        (status = 413, description = "Body too large (`ValidationException`)", body = wire::ConverseError),
        (status = 429, description = "Throttled (`ThrottlingException`); see Retry-After", body = wire::ConverseError),
        (status = 500, description = "Internal error (`InternalServerException`)", body = wire::ConverseError),
        (status = 503, description = "Bedrock unavailable, or this server at its cap (`ServiceUnavailableException`)", body = wire::ConverseError),
        (status = 504, description = "Bedrock timed out (`ModelTimeoutException`)", body = wire::ConverseError),
    ),
    security(("bearer" = []))
)]
pub async fn converse(
    State(state): State<RestState>,
    model: std::result::Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let began = std::time::Instant::now();
    let (caller, proto) = match read(model, request, state.max_request_bytes).await {
        Ok(call) => call,
        Err(error) => return error_response(&error),
    };
    match state.chat.complete(proto, &caller).await {
        Ok((answer, served)) => {
            let latency_ms = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
            crate::rest::with_headers(
                Json(convert::response(answer, latency_ms)).into_response(),
                served.headers(),
            )
        }
        Err(error) => error_response(&error),
    }
}

/// A ConverseStream call.
#[utoipa::path(
    post,
    path = "/model/{modelId}/converse-stream",
    params(("modelId" = String, Path, description = "As for `/model/{modelId}/converse`")),
    request_body(content = wire::ConverseRequest),
    responses(
        (status = 200, description = "ConverseStream's events in AWS event-stream framing: `messageStart`, `contentBlockStart`/`contentBlockDelta`/`contentBlockStop`, `messageStop`, `metadata`; a failure mid-stream is an exception frame (`throttlingException`, `modelStreamErrorException`, ...)", content_type = "application/vnd.amazon.eventstream", body = String),
        (status = 400, description = "Invalid request (`x-amzn-ErrorType: ValidationException`)", body = wire::ConverseError),
        (status = 401, description = "Missing or wrong gateway key (`UnrecognizedClientException`)", body = wire::ConverseError),
        (status = 403, description = "The key may not use the model, or the gateway's AWS identity may not invoke it (`AccessDeniedException`)", body = wire::ConverseError),
        (status = 404, description = "Unknown model (`ResourceNotFoundException`)", body = wire::ConverseError),
        (status = 413, description = "Body too large (`ValidationException`)", body = wire::ConverseError),
        (status = 429, description = "Throttled (`ThrottlingException`); see Retry-After", body = wire::ConverseError),
        (status = 500, description = "Internal error (`InternalServerException`)", body = wire::ConverseError),
        (status = 503, description = "Bedrock unavailable, or this server at its cap (`ServiceUnavailableException`)", body = wire::ConverseError),
        (status = 504, description = "Bedrock timed out (`ModelTimeoutException`)", body = wire::ConverseError),
    ),
    security(("bearer" = []))
)]
pub async fn converse_stream(
    State(state): State<RestState>,
    model: std::result::Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let (caller, proto) = match read(model, request, state.max_request_bytes).await {
        Ok(call) => call,
        Err(error) => return error_response(&error),
    };
    match state.chat.stream(proto, &caller).await {
        Ok((chunks, served)) => {
            let mut response = axum::body::Body::from_stream(frames(chunks)).into_response();
            response.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/vnd.amazon.eventstream"),
            );
            crate::rest::with_headers(response, served.headers())
        }
        Err(error) => error_response(&error),
    }
}

/// The caller, and the body with the path's model as the proto request.
async fn read(
    model: std::result::Result<Path<String>, PathRejection>,
    request: Request,
    limit: usize,
) -> Result<(crate::auth::Caller, crate::proto::v1::ChatCompletionRequest)> {
    let Path(model) = model.map_err(|rejection| Error::invalid("modelId", rejection.body_text()))?;
    body::read_call(request, limit, |body: wire::ConverseRequest| convert::request(model, body)).await
}

/// The chunks as frames; a failure mid-stream is a last exception frame.
fn frames(chunks: ChunkStream) -> impl futures::Stream<Item = std::result::Result<bytes::Bytes, Infallible>> {
    futures::stream::unfold(Some((chunks, Translator::default())), |state| async move {
        let (mut chunks, mut translator) = state?;
        let (frames, next) = match chunks.next().await {
            Some(Ok(chunk)) => (translator.chunk(chunk), true),
            Some(Err(error)) => {
                error.log();
                (vec![super::stream::exception(&error)], false)
            }
            None => (translator.finish(), false),
        };
        let frames: Vec<std::result::Result<bytes::Bytes, Infallible>> = frames.into_iter().map(Ok).collect();
        Some((futures::stream::iter(frames), next.then_some((chunks, translator))))
    })
    .flatten()
}
