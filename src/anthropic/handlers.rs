//! The Messages handler: Anthropic JSON in, the core, Anthropic JSON (or named events) out.

use super::messages as an;
use super::{convert, error_response, stream::Translator};
use crate::chat::ChunkStream;
use crate::rest::{RestState, body};
use axum::Json;
use axum::extract::{Request, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;

/// A message, unary or streamed.
#[utoipa::path(
    post,
    path = "/v1/messages",
    request_body(
        content = an::MessagesRequest,
        examples(
            ("message" = (summary = "A plain question", value = json!({
                "model": "claude-3-haiku-20240307", "max_tokens": 256,
                "messages": [{"role": "user", "content": "Hello!"}]}))),
            ("thinking" = (summary = "Extended thinking: the answer starts with a signed thinking block", value = json!({
                "model": "claude-sonnet-4-0", "max_tokens": 4096,
                "thinking": {"type": "enabled", "budget_tokens": 1024},
                "messages": [{"role": "user", "content": "Plan a three-day trip to Lisbon"}]}))),
            ("prompt_caching" = (summary = "Prompt caching: a cache point after the system prompt", value = json!({
                "model": "claude-sonnet-4-0", "max_tokens": 256,
                "system": [{"type": "text", "text": "You are a support agent for ACME...", "cache_control": {"type": "ephemeral"}}],
                "messages": [{"role": "user", "content": "My order is late"}]}))),
        )
    ),
    responses(
        (status = 200, description = "The answer: JSON, or with `stream: true` Anthropic's named Server-Sent Events (`message_start` ... `message_stop`)",
            content((an::Message = "application/json"), (String = "text/event-stream"))),
        (status = 400, description = "Invalid request", body = an::AnthropicError),
        (status = 401, description = "Missing or wrong API key", body = an::AnthropicError),
        (status = 403, description = "The key may not use the model, or the server's AWS identity may not invoke it", body = an::AnthropicError),
        (status = 404, description = "Unknown model", body = an::AnthropicError),
        (status = 413, description = "Body too large", body = an::AnthropicError),
        (status = 429, description = "Throttled; see Retry-After", body = an::AnthropicError),
        (status = 500, description = "Internal error", body = an::AnthropicError),
        (status = 503, description = "Bedrock unavailable, or this server at its cap", body = an::AnthropicError),
        (status = 504, description = "Bedrock timed out", body = an::AnthropicError),
    ),
    security(("x-api-key" = []), ("bearer" = []))
)]
pub async fn messages(State(state): State<RestState>, request: Request) -> Response {
    let (caller, (proto, stream)) =
        match body::read_call(request, state.max_request_bytes, convert::request).await {
            Ok(call) => call,
            Err(error) => return error_response(&error),
        };
    let (model, stop) = (proto.model.clone(), proto.stop.clone());
    if stream {
        match state.chat.stream(proto, &caller).await {
            Ok((chunks, served)) => crate::rest::with_headers(
                sse(chunks, Translator::new(model, stop)).into_response(),
                served.headers(),
            ),
            Err(error) => error_response(&error),
        }
    } else {
        match state.chat.complete(proto, &caller).await {
            Ok((answer, served)) => crate::rest::with_headers(
                Json(convert::message(answer, &stop)).into_response(),
                served.headers(),
            ),
            Err(error) => error_response(&error),
        }
    }
}

/// The input tokens of a message request, counted by Bedrock's CountTokens.
#[utoipa::path(
    post,
    path = "/v1/messages/count_tokens",
    request_body(
        content = an::MessagesRequest,
        description = "A message request; `max_tokens` and `stream` are not needed",
        example = json!({"model": "claude-sonnet-4-0", "messages": [{"role": "user", "content": "Hello!"}]})
    ),
    responses(
        (status = 200, description = "The count", body = an::TokenCount),
        (status = 400, description = "Invalid request, or a model Bedrock does not count tokens for", body = an::AnthropicError),
        (status = 401, description = "Missing or wrong API key", body = an::AnthropicError),
        (status = 403, description = "The key may not use the model", body = an::AnthropicError),
        (status = 404, description = "Unknown model", body = an::AnthropicError),
        (status = 429, description = "Throttled; see Retry-After", body = an::AnthropicError),
        (status = 503, description = "Bedrock unavailable", body = an::AnthropicError),
    ),
    security(("x-api-key" = []), ("bearer" = []))
)]
pub async fn count_tokens(State(state): State<RestState>, request: Request) -> Response {
    let (caller, proto) =
        match body::read_call(request, state.max_request_bytes, convert::count_request).await {
            Ok(call) => call,
            Err(error) => return error_response(&error),
        };
    match state.chat.count_tokens(proto, &caller).await {
        Ok((counted, served)) => crate::rest::with_headers(
            Json(an::TokenCount { input_tokens: counted.input_tokens }).into_response(),
            served.headers(),
        ),
        Err(error) => error_response(&error),
    }
}

/// The chunks as Anthropic's named events; a failure mid-stream is a last `error` event.
fn sse(
    chunks: ChunkStream,
    translator: Translator,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    let events = futures::stream::unfold(Some((chunks, translator)), |state| async move {
        let (mut chunks, mut translator) = state?;
        let (events, next) = match chunks.next().await {
            Some(Ok(chunk)) => (translator.chunk(chunk), true),
            Some(Err(error)) => {
                error.log();
                (vec![("error", serde_json::to_value(super::envelope(&error)).unwrap_or_default())], false)
            }
            None => (translator.finish(), false),
        };
        let events: Vec<Result<Event, Infallible>> =
            events.into_iter().map(|(name, data)| Ok(named(name, &data))).collect();
        Some((futures::stream::iter(events), next.then_some((chunks, translator))))
    })
    .flatten();
    Sse::new(events).keep_alive(KeepAlive::default())
}

fn named(name: &'static str, data: &serde_json::Value) -> Event {
    Event::default().event(name).data(serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned()))
}
