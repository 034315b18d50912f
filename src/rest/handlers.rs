//! The REST handlers: OpenAI JSON in, the core, OpenAI JSON (or Server-Sent Events) out.

use super::openai as oa;
use super::{RestState, body, convert, error_response};
use crate::auth::Caller;
use crate::chat::ChunkStream;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;

/// Chat completion, unary or streamed.
#[utoipa::path(
    post,
    path = "/v1/chat/completions",
    request_body(
        content = oa::ChatCompletionRequest,
        examples(
            ("chat" = (summary = "A plain question", value = json!({
                "model": "anthropic.claude-3-haiku-20240307-v1:0",
                "messages": [{"role": "user", "content": "Hello!"}]}))),
            ("reasoning" = (summary = "Reasoning: the answer carries reasoning_content and thinking_blocks", value = json!({
                "model": "us.anthropic.claude-sonnet-4-20250514-v1:0", "reasoning_effort": "low",
                "messages": [{"role": "user", "content": "Plan a three-day trip to Lisbon"}]}))),
            ("prompt_caching" = (summary = "Prompt caching: a cache point after the system prompt", value = json!({
                "model": "us.anthropic.claude-sonnet-4-20250514-v1:0",
                "messages": [
                    {"role": "system", "content": "You are a support agent for ACME...", "cache_control": {"type": "ephemeral"}},
                    {"role": "user", "content": "My order is late"}]}))),
            ("structured_output" = (summary = "Structured output checked against a strict schema", value = json!({
                "model": "anthropic.claude-3-haiku-20240307-v1:0",
                "messages": [{"role": "user", "content": "Facts about Paris"}],
                "response_format": {"type": "json_schema", "json_schema": {"name": "city_facts", "strict": true,
                    "schema": {"type": "object", "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
                        "required": ["city", "population"]}}}}))),
        )
    ),
    responses(
        (status = 200, description = "The answer: JSON, or with `stream: true` Server-Sent Events of `chat.completion.chunk` objects ending in `data: [DONE]`",
            content((oa::ChatCompletion = "application/json"), (String = "text/event-stream"))),
        (status = 400, description = "Invalid request", body = oa::ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = oa::ErrorResponse),
        (status = 403, description = "The server's AWS identity may not invoke the model", body = oa::ErrorResponse),
        (status = 404, description = "Unknown model", body = oa::ErrorResponse),
        (status = 413, description = "Body too large", body = oa::ErrorResponse),
        (status = 429, description = "Throttled; see Retry-After", body = oa::ErrorResponse),
        (status = 500, description = "Internal error", body = oa::ErrorResponse),
        (status = 502, description = "The answer did not match the strict schema asked for", body = oa::ErrorResponse),
        (status = 503, description = "Bedrock unavailable", body = oa::ErrorResponse),
        (status = 504, description = "Bedrock timed out", body = oa::ErrorResponse),
    ),
    security(("bearer" = []))
)]
pub async fn chat_completions(State(state): State<RestState>, request: Request) -> Response {
    let converted = body::read_call(request, state.max_request_bytes, convert::request);
    let (caller, (proto, stream)) = match converted.await {
        Ok(call) => call,
        Err(error) => return error_response(&error),
    };
    if stream {
        match state.chat.stream(proto, &caller).await {
            Ok((chunks, served)) => super::with_headers(sse(chunks).into_response(), served.headers()),
            Err(error) => error_response(&error),
        }
    } else {
        match state.chat.complete(proto, &caller).await {
            Ok((response, served)) => {
                super::with_headers(Json(convert::completion(response)).into_response(), served.headers())
            }
            Err(error) => error_response(&error),
        }
    }
}

/// Chunks as Server-Sent Events: `data: {chunk}` each, then `data: [DONE]`; a failure mid-stream
/// is sent as a last `data: {"error": ...}` event, without `[DONE]`.
fn sse(chunks: ChunkStream) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    let events = futures::stream::unfold(Some(chunks), |state| async move {
        let mut chunks = state?;
        let event = match chunks.next().await {
            Some(Ok(chunk)) => json_event(&convert::chunk(chunk)),
            Some(Err(error)) => {
                error.log();
                return Some((Ok(json_event(&super::envelope(&error))), None));
            }
            None => return Some((Ok(Event::default().data("[DONE]")), None)),
        };
        Some((Ok(event), Some(chunks)))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

fn json_event(value: &impl serde::Serialize) -> Event {
    Event::default().data(serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned()))
}

/// The models.
#[utoipa::path(
    get,
    path = "/v1/models",
    responses(
        (status = 200, body = oa::ModelList),
        (status = 401, description = "Missing or wrong API key", body = oa::ErrorResponse),
    ),
    security(("bearer" = []))
)]
pub async fn list_models(
    State(state): State<RestState>,
    caller: Option<axum::Extension<Caller>>,
) -> Json<oa::ModelList> {
    let caller = caller.map(|axum::Extension(c)| c).unwrap_or_else(Caller::anonymous);
    let list = state.chat.catalog().list_for(&caller);
    Json(oa::ModelList { object: list.object, data: list.data.into_iter().map(convert::model).collect() })
}

/// One model. Ids may contain `:` and `/`.
#[utoipa::path(
    get,
    path = "/v1/models/{id}",
    params(("id" = String, Path, description = "A model id, inference profile id or ARN")),
    responses(
        (status = 200, body = oa::Model),
        (status = 401, description = "Missing or wrong API key", body = oa::ErrorResponse),
        (status = 404, description = "Unknown model", body = oa::ErrorResponse),
    ),
    security(("bearer" = []))
)]
pub async fn get_model(
    State(state): State<RestState>,
    caller: Option<axum::Extension<Caller>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller.map(|axum::Extension(c)| c).unwrap_or_else(Caller::anonymous);
    match state.chat.catalog().get_for(&id, &caller) {
        Ok(model) => Json(convert::model(model)).into_response(),
        Err(error) => error_response(&error),
    }
}

/// Liveness: the process answers. No key needed.
#[utoipa::path(get, path = "/health", responses((status = 200, body = oa::HealthStatus)))]
pub async fn health() -> Json<oa::HealthStatus> {
    Json(oa::HealthStatus { status: "ok".to_owned() })
}

/// Readiness: the same status as gRPC health. No key needed.
#[utoipa::path(
    get,
    path = "/ready",
    responses((status = 200, body = oa::HealthStatus), (status = 503, body = oa::HealthStatus))
)]
pub async fn ready(State(state): State<RestState>) -> (StatusCode, Json<oa::HealthStatus>) {
    if state.health.is_serving() {
        (StatusCode::OK, Json(oa::HealthStatus { status: "serving".to_owned() }))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(oa::HealthStatus { status: "not_serving".to_owned() }))
    }
}
