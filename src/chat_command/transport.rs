//! How `amazon-chat chat` talks to the server: gRPC (`ChatService.StreamChatCompletion`, the
//! default) or REST (`POST /v1/chat/completions` with `stream: true`, read as Server-Sent Events).
//! Either way the answer arrives as [`Piece`]s, shown as they come.

use crate::config::{ClientTls, Secret};
use crate::proto::v1 as api;
use futures::StreamExt as _;
use http_body_util::BodyExt as _;

/// A fragment of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Answer text.
    Text(String),
    /// Reasoning text (shown dimmed).
    Reasoning(String),
}

/// The end of an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ended {
    /// Why it ended (`stop`, `length`, `tool_calls`, ...).
    pub finish_reason: Option<String>,
    /// Its token counts.
    pub usage: Option<api::Usage>,
}

/// A connection to the server.
pub enum Transport {
    /// gRPC.
    Grpc {
        /// The client.
        client: api::chat_service_client::ChatServiceClient<tonic::transport::Channel>,
        /// `authorization` metadata, when there is a key.
        authorization: Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>,
    },
    /// REST.
    Rest {
        /// The HTTP client.
        client:
            hyper_util::client::legacy::Client<crate::connect::Connector, http_body_util::Full<bytes::Bytes>>,
        /// `http(s)://host:port`.
        url: String,
        /// `authorization` header, when there is a key.
        authorization: Option<http::HeaderValue>,
    },
}

impl Transport {
    /// Connects (gRPC) or prepares a client (REST); errors say what to fix.
    pub async fn open(url: &str, rest: bool, key: Option<&Secret>, tls: &ClientTls) -> Result<Self, String> {
        let url = url.trim_end_matches('/').to_owned();
        let bearer = key.map(|key| format!("Bearer {}", key.expose()));
        let unusable = || "--api-key holds characters a header cannot carry".to_owned();
        if rest {
            let connector = crate::connect::connector(tls, crate::connect::Protocol::Rest)?;
            let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector);
            let authorization =
                bearer.map(|b| http::HeaderValue::from_str(&b).map_err(|_| unusable())).transpose()?;
            return Ok(Transport::Rest { client, url, authorization });
        }
        let channel = crate::connect::grpc_channel(&url, tls).await?;
        let authorization = bearer.map(|b| b.parse().map_err(|_| unusable())).transpose()?;
        Ok(Transport::Grpc {
            client: api::chat_service_client::ChatServiceClient::new(channel),
            authorization,
        })
    }

    /// Streams one answer, handing each piece to `show` as it arrives.
    pub async fn ask(
        &mut self,
        request: api::ChatCompletionRequest,
        show: &mut (dyn FnMut(Piece) + Send),
    ) -> Result<Ended, String> {
        match self {
            Transport::Grpc { client, authorization } => {
                let mut call = tonic::Request::new(request);
                if let Some(value) = authorization {
                    call.metadata_mut().insert("authorization", value.clone());
                }
                let mut chunks = client
                    .stream_chat_completion(call)
                    .await
                    .map_err(|status| status.message().to_owned())?
                    .into_inner();
                let mut ended = Ended::default();
                while let Some(chunk) = chunks.next().await {
                    let chunk = chunk.map_err(|status| status.message().to_owned())?;
                    take_chunk(chunk, &mut ended, show);
                }
                Ok(ended)
            }
            Transport::Rest { client, url, authorization } => {
                rest_ask(client, url, authorization.as_ref(), &request, show).await
            }
        }
    }
}

/// One gRPC chunk's pieces, finish reason and usage.
fn take_chunk(
    chunk: api::StreamChatCompletionResponse,
    ended: &mut Ended,
    show: &mut (dyn FnMut(Piece) + Send),
) {
    if chunk.usage.is_some() {
        ended.usage = chunk.usage;
    }
    for choice in chunk.choices {
        if let Some(delta) = choice.delta {
            if let Some(reasoning) = delta.reasoning_content.filter(|r| !r.is_empty()) {
                show(Piece::Reasoning(reasoning));
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                show(Piece::Text(text));
            }
        }
        if choice.finish_reason.is_some() {
            ended.finish_reason = choice.finish_reason;
        }
    }
}

/// The OpenAI request the REST door takes for what the chat sends (text turns, model, limits).
fn openai_body(request: &api::ChatCompletionRequest) -> serde_json::Value {
    let messages: Vec<serde_json::Value> = request
        .messages
        .iter()
        .map(|message| {
            let text = match &message.content {
                Some(api::message::Content::Text(text)) => text.clone(),
                _ => String::new(),
            };
            serde_json::json!({"role": message.role, "content": text})
        })
        .collect();
    let mut body = serde_json::json!({
        "model": request.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if let Some(max) = request.max_completion_tokens {
        body["max_completion_tokens"] = max.into();
    }
    if let Some(effort) = &request.reasoning_effort {
        body["reasoning_effort"] = effort.clone().into();
    }
    body
}

async fn rest_ask(
    client: &hyper_util::client::legacy::Client<
        crate::connect::Connector,
        http_body_util::Full<bytes::Bytes>,
    >,
    url: &str,
    authorization: Option<&http::HeaderValue>,
    request: &api::ChatCompletionRequest,
    show: &mut (dyn FnMut(Piece) + Send),
) -> Result<Ended, String> {
    let body = openai_body(request).to_string();
    let mut builder = http::Request::post(format!("{url}/v1/chat/completions"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "text/event-stream");
    if let Some(value) = authorization {
        builder = builder.header(http::header::AUTHORIZATION, value.clone());
    }
    let request = builder
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .map_err(|e| format!("--url {url:?}: {e}"))?;
    let response = client.request(request).await.map_err(|e| format!("cannot reach {url}: {e}"))?;
    let status = response.status();
    let mut body = response.into_body();
    if !status.is_success() {
        let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        return Err(error_message(status, &bytes));
    }
    let mut ended = Ended::default();
    let mut pending = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("the answer broke off: {e}"))?;
        let Some(data) = frame.data_ref() else { continue };
        pending.extend_from_slice(data);
        // Events end with a blank line; a partial one waits for the next frame.
        while let Some(end) = find_blank_line(&pending) {
            let event: Vec<u8> = pending.drain(..end + 2).collect();
            for line in String::from_utf8_lossy(&event).lines() {
                let Some(data) = line.strip_prefix("data:").map(str::trim) else { continue };
                if data == "[DONE]" {
                    return Ok(ended);
                }
                take_sse_chunk(data, &mut ended, show)?;
            }
        }
    }
    Ok(ended)
}

fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|pair| pair == b"\n\n")
}

/// One SSE `data:` line of the OpenAI stream.
fn take_sse_chunk(data: &str, ended: &mut Ended, show: &mut (dyn FnMut(Piece) + Send)) -> Result<(), String> {
    let chunk: serde_json::Value =
        serde_json::from_str(data).map_err(|e| format!("a stream event is not JSON: {e}"))?;
    if let Some(message) = chunk["error"]["message"].as_str() {
        return Err(message.to_owned());
    }
    if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
        let count = |name: &str| usage[name].as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        ended.usage = Some(api::Usage {
            prompt_tokens: count("prompt_tokens"),
            completion_tokens: count("completion_tokens"),
            total_tokens: count("total_tokens"),
            cache_read_tokens: None,
            cache_write_tokens: None,
        });
    }
    for choice in chunk["choices"].as_array().into_iter().flatten() {
        let delta = &choice["delta"];
        if let Some(reasoning) = delta["reasoning_content"].as_str().filter(|r| !r.is_empty()) {
            show(Piece::Reasoning(reasoning.to_owned()));
        }
        if let Some(text) = delta["content"].as_str().filter(|t| !t.is_empty()) {
            show(Piece::Text(text.to_owned()));
        }
        if let Some(reason) = choice["finish_reason"].as_str() {
            ended.finish_reason = Some(reason.to_owned());
        }
    }
    Ok(())
}

/// An error answer's message: OpenAI's envelope when it is one, else the status.
fn error_message(status: http::StatusCode, body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("the server answered {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_chunks_become_pieces_and_the_end() {
        let mut pieces = Vec::new();
        let mut ended = Ended::default();
        let mut show = |piece: Piece| pieces.push(piece);
        let data =
            r#"{"choices":[{"delta":{"reasoning_content":"hmm","content":"Hi"},"finish_reason":"stop"}]}"#;
        take_sse_chunk(data, &mut ended, &mut show).unwrap();
        take_sse_chunk(
            r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
            &mut ended,
            &mut show,
        )
        .unwrap();
        assert_eq!(pieces, [Piece::Reasoning("hmm".into()), Piece::Text("Hi".into())]);
        assert_eq!(ended.finish_reason.as_deref(), Some("stop"));
        assert_eq!(ended.usage.unwrap().total_tokens, 5);
        let error =
            take_sse_chunk(r#"{"error":{"message":"throttled"}}"#, &mut ended, &mut |_| {}).unwrap_err();
        assert_eq!(error, "throttled");
    }
}
