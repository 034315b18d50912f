//! The emulator's HTTP surface: Bedrock Runtime's Converse, ConverseStream, InvokeModel (embedding
//! models) and CountTokens routes, and the request log. Every runtime call is authenticated,
//! recorded and checked against its model the same way (`admit`) before its own answer.

use super::answer::{self, Block, Fault, Reply};
use super::{Emulator, Recorded, eventstream, sigv4, world};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .route("/model/{model_id}/converse", post(converse))
        .route("/model/{model_id}/converse-stream", post(converse_stream))
        .route("/model/{model_id}/invoke", post(invoke_model))
        .route("/model/{model_id}/count-tokens", post(count_tokens))
        .route("/_emulator/requests", get(list_requests).delete(clear_requests))
        .route("/", post(super::sts::handle))
        .route("/foundation-models", get(super::control::list_foundation_models))
        .route("/inference-profiles", get(super::control::list_inference_profiles))
        .route("/latest/api/token", axum::routing::put(super::metadata::imds_token))
        .route("/latest/meta-data/iam/security-credentials/", get(super::metadata::imds_role))
        .route("/latest/meta-data/iam/security-credentials/{role}", get(super::metadata::imds_credentials))
        .route("/container-credentials", get(super::metadata::container_credentials))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(emulator)
}

async fn list_requests(State(emulator): State<Arc<Emulator>>) -> Response {
    if !emulator.keeps_log() {
        return (StatusCode::NOT_FOUND, "the embedded emulator of serve --demo keeps no request log")
            .into_response();
    }
    axum::Json(emulator.requests()).into_response()
}

async fn clear_requests(State(emulator): State<Arc<Emulator>>) -> StatusCode {
    emulator.clear();
    StatusCode::NO_CONTENT
}

/// The runtime operations, as the request log names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Converse,
    ConverseStream,
    InvokeModel,
    CountTokens,
}

impl Operation {
    /// The name in the request log.
    fn name(self) -> &'static str {
        match self {
            Operation::Converse => "converse",
            Operation::ConverseStream => "converse-stream",
            Operation::InvokeModel => "invoke-model",
            Operation::CountTokens => "count-tokens",
        }
    }

    /// The IAM action a denied model is refused for (Converse is authorized as InvokeModel).
    fn action(self) -> &'static str {
        match self {
            Operation::CountTokens => "bedrock:CountTokens",
            _ => "bedrock:InvokeModel",
        }
    }

    /// Bedrock's verdict on this operation for `model_id` from `region`: Converse takes chat
    /// models only; CountTokens takes bare ids of the models that count tokens.
    fn check_model(self, model_id: &str, region: &str, account: &str) -> Result<(), Fault> {
        match self {
            Operation::Converse | Operation::ConverseStream => {
                world::check_invocable(model_id, region, account)?;
                world::check_chat(model_id)
            }
            Operation::InvokeModel => world::check_invocable(model_id, region, account),
            Operation::CountTokens => super::count_tokens::check_model(model_id, region),
        }
    }
}

/// A runtime request that passed the checks every operation shares.
struct Admitted {
    seq: u64,
    /// The region it was signed for (or a bearer call is served in).
    region: String,
    /// The body as JSON.
    body: Value,
    started: Instant,
}

/// What every runtime operation does first: verify the caller, record the request, refuse a denied
/// model and one Bedrock would not run this operation on, and require a JSON body.
#[allow(clippy::result_large_err)] // the error is the finished response, made once per request
fn admit(
    emulator: &Emulator,
    operation: Operation,
    model_id: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Admitted, Response> {
    let started = Instant::now();
    let request = sigv4::Request::new(method, uri, headers, body);
    let signer = emulator.authenticate(&request);
    let json_body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let seq = emulator.record(Recorded {
        seq: 0,
        operation: operation.name().to_owned(),
        model_id: model_id.to_owned(),
        access_key_id: signer.as_ref().ok().map(|s| s.access_key_id.clone()),
        region: signer.as_ref().ok().map(|s| s.region.clone()),
        session_token_sent: signer.as_ref().is_ok_and(|s| s.session_token_sent),
        outcome: "pending".to_owned(),
        body: json_body.clone(),
    });
    let fail = |fault: Fault| refuse(emulator, seq, fault);
    let signer = signer.map_err(fail)?;
    if emulator.issuer.settings.denied_models.iter().any(|denied| denied == model_id) {
        let message = format!(
            "User: {} is not authorized to perform: {} on resource: arn:aws:bedrock:{}::foundation-model/{model_id}",
            emulator.issuer.lookup(&signer.access_key_id).map(|c| c.principal_arn).unwrap_or_default(),
            operation.action(),
            signer.region,
        );
        return Err(fail((403, "AccessDeniedException", message)));
    }
    let region = signer.region;
    operation.check_model(model_id, &region, &emulator.issuer.settings.account_id).map_err(fail)?;
    if json_body.is_null() {
        return Err(fail((
            400,
            "ValidationException",
            "Malformed input request: the body is not JSON.".to_owned(),
        )));
    }
    Ok(Admitted { seq, region, body: json_body, started })
}

/// Answers with `fault`, recorded as the request's outcome.
fn refuse(emulator: &Emulator, seq: u64, fault: Fault) -> Response {
    emulator.set_outcome(seq, format!("error:{}", fault.1));
    fault_response(fault)
}

/// What Converse and ConverseStream share before answering: admission, then the reply.
struct Accepted {
    seq: u64,
    reply: Reply,
    started: Instant,
}

async fn accept(
    emulator: &Emulator,
    operation: Operation,
    model_id: String,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Accepted, Response> {
    let Admitted { seq, region, body: json_body, started } =
        admit(emulator, operation, &model_id, method, uri, headers, body)?;
    let fail = |fault: Fault| refuse(emulator, seq, fault);
    let mut reply = answer::reply(&model_id, &region, &json_body).map_err(fail)?;
    reply.cache = emulator.prompt_cache.apply(&model_id, &json_body).map_err(fail)?;
    play(emulator, &mut reply.directives, &model_id, &region, body).await.map_err(fail)?;
    Ok(Accepted { seq, reply, started })
}

/// Plays a request's directives: a fault out of its scope is disarmed, a delay is waited, and a
/// fault in scope is the answer.
async fn play(
    emulator: &Emulator,
    directives: &mut super::directives::Directives,
    model_id: &str,
    region: &str,
    body: &[u8],
) -> Result<(), Fault> {
    if directives.has_fault() && !emulator.fault_applies(&directives.scope, model_id, region, body) {
        directives.disarm();
    }
    if let Some(delay) = directives.delay {
        tokio::time::sleep(delay).await;
    }
    match directives.fault.clone() {
        Some(fault) => Err(fault),
        None => Ok(()),
    }
}

async fn converse(
    State(emulator): State<Arc<Emulator>>,
    Path(model_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let accepted = accept(&emulator, Operation::Converse, model_id, &method, &uri, &headers, &body).await;
    let accepted = match accepted {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    emulator.set_outcome(accepted.seq, "ok");
    let body = converse_body(&accepted.reply, accepted.started);
    with_request_id(axum::Json(body).into_response())
}

/// Converse's response body for a reply.
fn converse_body(reply: &Reply, started: Instant) -> Value {
    let content: Vec<Value> = reply
        .blocks
        .iter()
        .map(|block| match block {
            Block::Text(text) => json!({ "text": text }),
            Block::Reasoning { text, signature } => {
                json!({ "reasoningContent": { "reasoningText": { "text": text, "signature": signature } } })
            }
            Block::ToolUse { id, name, input } => {
                json!({ "toolUse": { "toolUseId": id, "name": name, "input": input } })
            }
            Block::Citations { text, citations } => {
                json!({ "citationsContent": { "content": [{ "text": text }], "citations": citations } })
            }
        })
        .collect();
    let mut body = json!({
        "output": { "message": { "role": "assistant", "content": content } },
        "stopReason": reply.stop_reason,
        "usage": reply.usage(),
        "metrics": { "latencyMs": started.elapsed().as_millis() as u64 },
    });
    if let Some(object) = body.as_object_mut() {
        object.extend(reply.extras());
        if let Some(fields) = &reply.response_fields {
            object.insert("additionalModelResponseFields".to_owned(), fields.clone());
        }
    }
    body
}

async fn converse_stream(
    State(emulator): State<Arc<Emulator>>,
    Path(model_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let accepted =
        accept(&emulator, Operation::ConverseStream, model_id, &method, &uri, &headers, &body).await;
    let accepted = match accepted {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    emulator.set_outcome(accepted.seq, "streaming");
    let frames = frames(&accepted.reply, accepted.started);
    let state = StreamState {
        frames,
        delay: accepted.reply.directives.event_delay,
        guard: OutcomeGuard { emulator, seq: accepted.seq, outcome: None },
    };
    let body = Body::from_stream(futures::stream::unfold(state, StreamState::next));
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.amazon.eventstream"));
    with_request_id(response)
}

/// InvokeModel on an embedding model: the family's response body, with the headers Bedrock sends
/// (`X-Amzn-Bedrock-Input-Token-Count`, `-Output-Token-Count` 0, `-Invocation-Latency`).
async fn invoke_model(
    State(emulator): State<Arc<Emulator>>,
    Path(model_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admitted = match admit(&emulator, Operation::InvokeModel, &model_id, &method, &uri, &headers, &body) {
        Ok(admitted) => admitted,
        Err(response) => return response,
    };
    let mut embedded = match super::embeddings::embed(&model_id, &admitted.body) {
        Ok(embedded) => embedded,
        Err(fault) => return refuse(&emulator, admitted.seq, fault),
    };
    if let Err(fault) = play(&emulator, &mut embedded.directives, &model_id, &admitted.region, &body).await {
        return refuse(&emulator, admitted.seq, fault);
    }
    emulator.set_outcome(admitted.seq, "ok");
    let latency = admitted.started.elapsed().as_millis() as u64;
    let mut response = axum::Json(embedded.body).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert("x-amzn-bedrock-input-token-count", HeaderValue::from(embedded.input_tokens));
    response_headers.insert("x-amzn-bedrock-output-token-count", HeaderValue::from(0_u32));
    response_headers.insert("x-amzn-bedrock-invocation-latency", HeaderValue::from(latency));
    with_request_id(response)
}

/// CountTokens: `{"inputTokens": n}`.
async fn count_tokens(
    State(emulator): State<Arc<Emulator>>,
    Path(model_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admitted = match admit(&emulator, Operation::CountTokens, &model_id, &method, &uri, &headers, &body) {
        Ok(admitted) => admitted,
        Err(response) => return response,
    };
    match super::count_tokens::count(&admitted.body) {
        Ok(tokens) => {
            emulator.set_outcome(admitted.seq, "ok");
            with_request_id(axum::Json(json!({ "inputTokens": tokens })).into_response())
        }
        Err(fault) => refuse(&emulator, admitted.seq, fault),
    }
}

/// One step of a streamed reply.
enum Frame {
    /// Bytes to send.
    Bytes(Bytes),
    /// Send this exception frame, then end the stream.
    Exception(Bytes),
    /// Break the connection.
    Cut,
}

struct StreamState {
    frames: VecDeque<Frame>,
    delay: Option<Duration>,
    guard: OutcomeGuard,
}

impl StreamState {
    async fn next(mut self) -> Option<(Result<Bytes, std::io::Error>, Self)> {
        let frame = match self.frames.pop_front() {
            Some(frame) => frame,
            None => {
                self.guard.outcome = Some("completed");
                return None;
            }
        };
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        match frame {
            Frame::Bytes(bytes) => Some((Ok(bytes), self)),
            Frame::Exception(bytes) => {
                self.frames.clear();
                self.guard.outcome = Some("stream_error");
                Some((Ok(bytes), self))
            }
            Frame::Cut => {
                // Let the frames before the cut reach the client first.
                tokio::time::sleep(Duration::from_millis(50)).await;
                self.guard.outcome = Some("stream_cut");
                Some((Err(std::io::Error::other("emulator: stream-cut directive")), self))
            }
        }
    }
}

/// Records how a stream ended; a stream dropped before its end means the client went away.
struct OutcomeGuard {
    emulator: Arc<Emulator>,
    seq: u64,
    outcome: Option<&'static str>,
}

impl Drop for OutcomeGuard {
    fn drop(&mut self) {
        self.emulator.set_outcome(self.seq, self.outcome.unwrap_or("client_closed"));
    }
}

/// The event frames of a reply, in Bedrock's order.
fn frames(reply: &Reply, started: Instant) -> VecDeque<Frame> {
    let mut frames = VecDeque::new();
    let mut push =
        |event_type, payload: Value| frames.push_back(Frame::Bytes(eventstream::event(event_type, &payload)));
    push("messageStart", json!({ "role": "assistant" }));
    for (index, block) in reply.blocks.iter().enumerate() {
        match block {
            Block::Text(text) => {
                for delta in answer::deltas(text) {
                    push(
                        "contentBlockDelta",
                        json!({ "contentBlockIndex": index, "delta": { "text": delta } }),
                    );
                }
            }
            Block::Reasoning { text, signature } => {
                for delta in answer::deltas(text) {
                    push(
                        "contentBlockDelta",
                        json!({ "contentBlockIndex": index, "delta": { "reasoningContent": { "text": delta } } }),
                    );
                }
                if let Some(signature) = signature {
                    push(
                        "contentBlockDelta",
                        json!({ "contentBlockIndex": index, "delta": { "reasoningContent": { "signature": signature } } }),
                    );
                }
            }
            Block::Citations { text, citations } => {
                // The quote word by word, then each citation as its own delta.
                for delta in answer::deltas(text) {
                    push(
                        "contentBlockDelta",
                        json!({ "contentBlockIndex": index, "delta": { "text": delta } }),
                    );
                }
                for citation in citations {
                    push(
                        "contentBlockDelta",
                        json!({ "contentBlockIndex": index, "delta": { "citation": citation } }),
                    );
                }
            }
            Block::ToolUse { id, name, input } => {
                push(
                    "contentBlockStart",
                    json!({ "contentBlockIndex": index, "start": { "toolUse": { "toolUseId": id, "name": name } } }),
                );
                // Two fragments, so clients must concatenate argument deltas.
                let text = input.to_string();
                let middle = (1..=text.len() / 2).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                for fragment in [&text[..middle], &text[middle..]].into_iter().filter(|f| !f.is_empty()) {
                    push(
                        "contentBlockDelta",
                        json!({ "contentBlockIndex": index, "delta": { "toolUse": { "input": fragment } } }),
                    );
                }
            }
        }
        push("contentBlockStop", json!({ "contentBlockIndex": index }));
    }
    let mut stop = json!({ "stopReason": reply.stop_reason });
    if let Some(fields) = &reply.response_fields {
        stop["additionalModelResponseFields"] = fields.clone();
    }
    push("messageStop", stop);
    let mut metadata =
        json!({ "usage": reply.usage(), "metrics": { "latencyMs": started.elapsed().as_millis() as u64 } });
    if let Some(object) = metadata.as_object_mut() {
        object.extend(reply.extras());
    }
    push("metadata", metadata);
    // Faults mid-stream: after the role and the first delta.
    let directives = &reply.directives;
    if let Some(exception) = directives.stream_error {
        frames.truncate(2);
        frames.push_back(Frame::Exception(eventstream::exception(
            exception,
            "The stream failed mid-way (emulator directive).",
        )));
    } else if directives.stream_cut {
        frames.truncate(2);
        frames.push_back(Frame::Cut);
    }
    frames
}

pub(super) fn fault_response((status, exception, message): Fault) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, axum::Json(json!({ "message": message }))).into_response();
    if let Ok(value) =
        HeaderValue::from_str(&format!("{exception}:http://internal.amazon.com/coral/com.amazon.bedrock/"))
    {
        response.headers_mut().insert("x-amzn-errortype", value);
    }
    with_request_id(response)
}

fn with_request_id(mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;
    use base64::Engine as _;

    const SONNET_4_5: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const TITAN_V2: &str = "amazon.titan-embed-text-v2:0";

    /// Calls a runtime route's handler as the demo API key (served in us-east-1): its status,
    /// headers and JSON body.
    async fn call(
        emulator: &Arc<Emulator>,
        route: &str,
        model_id: &str,
        body: Value,
    ) -> (StatusCode, HeaderMap, Value) {
        let mut headers = HeaderMap::new();
        let key = format!("Bearer {}", super::super::bearer::DEMO_BEARER_TOKEN);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&key).unwrap());
        let uri: Uri = format!("/model/{model_id}/{route}").parse().unwrap();
        let (state, path, body) =
            (State(Arc::clone(emulator)), Path(model_id.to_owned()), Bytes::from(body.to_string()));
        let response = match route {
            "invoke" => invoke_model(state, path, Method::POST, uri, headers, body).await,
            "count-tokens" => count_tokens(state, path, Method::POST, uri, headers, body).await,
            _ => converse(state, path, Method::POST, uri, headers, body).await,
        };
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    fn last_request(emulator: &Emulator) -> (String, String) {
        let last = emulator.requests().pop().unwrap();
        (last.operation, last.outcome)
    }

    #[tokio::test]
    async fn invoke_model_answers_embeddings_with_bedrocks_headers_and_is_recorded() {
        let emulator = Arc::new(Emulator::new());
        let (status, headers, body) =
            call(&emulator, "invoke", TITAN_V2, json!({"inputText": "three word text"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(headers["x-amzn-bedrock-input-token-count"], "3");
        assert_eq!(headers["x-amzn-bedrock-output-token-count"], "0");
        assert!(headers["x-amzn-bedrock-invocation-latency"].to_str().unwrap().parse::<u64>().is_ok());
        assert!(headers.contains_key("x-amzn-requestid"));
        assert_eq!(body["embedding"].as_array().unwrap().len(), 1024);
        assert_eq!(body["inputTextTokenCount"], 3);
        assert_eq!(last_request(&emulator), ("invoke-model".to_owned(), "ok".to_owned()));

        // Cohere's body has no count: the header has it.
        let cohere = json!({"texts": ["one", "two words"], "input_type": "search_query"});
        let (status, headers, body) = call(&emulator, "invoke", "cohere.embed-english-v3", cohere).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers["x-amzn-bedrock-input-token-count"], "3");
    }

    #[tokio::test]
    async fn invoke_model_refuses_as_bedrock_does_and_faults_on_directives() {
        let emulator = Arc::new(Emulator::new());
        let (status, headers, body) = call(&emulator, "invoke", TITAN_V2, json!({"texts": ["x"]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(headers["x-amzn-errortype"].to_str().unwrap().starts_with("ValidationException:"));
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Malformed input request: #: required key [inputText]")
        );
        assert_eq!(last_request(&emulator).1, "error:ValidationException");

        let haiku = "anthropic.claude-3-haiku-20240307-v1:0";
        let (status, _, body) = call(&emulator, "invoke", haiku, json!({"inputText": "hi"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["message"].as_str().unwrap().contains("required key [anthropic_version] not found"));
        // The model checks come first: an unknown id is refused whatever the body.
        let unknown = "amazon.titan-embed-text-v9";
        let (status, _, body) = call(&emulator, "invoke", unknown, json!({"inputText": "hi"})).await;
        assert_eq!((status, body["message"].clone()), (StatusCode::BAD_REQUEST, json!(world::INVALID_MODEL)));

        let throttled = json!({"inputText": "[[emulator:throttle]] [[emulator:times=1]] hello"});
        let (status, _, _) = call(&emulator, "invoke", TITAN_V2, throttled.clone()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            last_request(&emulator),
            ("invoke-model".to_owned(), "error:ThrottlingException".to_owned())
        );
        let (status, _, body) = call(&emulator, "invoke", TITAN_V2, throttled).await;
        assert_eq!(status, StatusCode::OK, "the retry succeeds: {body}");
    }

    #[tokio::test]
    async fn converse_refuses_embedding_models() {
        let emulator = Arc::new(Emulator::new());
        let request = json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]});
        let (status, _, body) = call(&emulator, "converse", TITAN_V2, request.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], world::NOT_A_CHAT_MODEL);
        assert_eq!(last_request(&emulator), ("converse".to_owned(), "error:ValidationException".to_owned()));
        let (status, _, body) =
            call(&emulator, "converse", "anthropic.claude-3-haiku-20240307-v1:0", request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    #[tokio::test]
    async fn count_tokens_counts_and_refuses_profiles() {
        let emulator = Arc::new(Emulator::new());
        let sonnet_4 = "anthropic.claude-sonnet-4-20250514-v1:0";
        let input = json!({"input": {"converse": {
            "messages": [{"role": "user", "content": [{"text": "count these four words"}]}],
            "system": [{"text": "be brief"}],
        }}});
        let (status, headers, body) = call(&emulator, "count-tokens", sonnet_4, input.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"inputTokens": 6}));
        assert!(headers.contains_key("x-amzn-requestid"));
        assert_eq!(last_request(&emulator), ("count-tokens".to_owned(), "ok".to_owned()));

        let (status, _, body) = call(&emulator, "count-tokens", &format!("us.{sonnet_4}"), input).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["message"], super::super::count_tokens::NOT_SUPPORTED);
        assert_eq!(last_request(&emulator).1, "error:ValidationException");
    }

    fn cited_request() -> Value {
        let bytes = base64::engine::general_purpose::STANDARD.encode("The sky is blue. Grass is green.");
        json!({
            "messages": [{"role": "user", "content": [
                {"text": "what color?"},
                {"document": {"format": "txt", "name": "facts", "source": {"bytes": bytes}, "citations": {"enabled": true}}}
            ]}],
            "serviceTier": {"type": "default"},
            "performanceConfig": {"latency": "standard"},
            "guardrailConfig": {"guardrailIdentifier": "gr1", "guardrailVersion": "1", "trace": "enabled"}
        })
    }

    fn citation() -> Value {
        json!({
            "title": "facts",
            "sourceContent": [{"text": "The sky is blue."}],
            "location": {"documentChar": {"documentIndex": 0, "start": 0, "end": 16}}
        })
    }

    /// The stream's events, decoded with the SDK's reader: (event type, payload).
    fn events(reply: &Reply) -> Vec<(String, Value)> {
        frames(reply, Instant::now())
            .into_iter()
            .map(|frame| {
                let Frame::Bytes(bytes) = frame else { panic!("an event frame") };
                let message = read_message_from(bytes).unwrap();
                let kind = message.headers().iter().find(|h| h.name().as_str() == ":event-type").unwrap();
                let kind = kind.value().as_string().unwrap().as_str().to_owned();
                (kind, serde_json::from_slice(message.payload()).unwrap())
            })
            .collect()
    }

    #[test]
    fn converse_answers_citations_and_echoes_tier_latency_and_trace() {
        let reply = answer::reply(SONNET_4_5, "us-east-1", &cited_request()).unwrap();
        let body = converse_body(&reply, Instant::now());
        let content = &body["output"]["message"]["content"];
        assert_eq!(content[0], json!({"text": "You said: what color?"}));
        assert_eq!(
            content[1],
            json!({"citationsContent": {"content": [{"text": "The sky is blue."}], "citations": [citation()]}})
        );
        assert_eq!(body["serviceTier"], json!({"type": "default"}));
        assert_eq!(body["performanceConfig"], json!({"latency": "standard"}));
        assert_eq!(body["trace"]["guardrail"]["actionReason"], "No action.");
        assert!(body["trace"]["guardrail"]["inputAssessment"]["gr1"]["invocationMetrics"].is_object());

        let plain = json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]});
        let plain = converse_body(&answer::reply(SONNET_4_5, "us-east-1", &plain).unwrap(), Instant::now());
        for key in ["serviceTier", "performanceConfig", "trace"] {
            assert!(plain.get(key).is_none(), "{key} only when requested: {plain}");
        }
    }

    #[test]
    fn the_stream_quotes_then_cites_and_its_metadata_echoes() {
        let reply = answer::reply(SONNET_4_5, "us-east-1", &cited_request()).unwrap();
        let streamed = events(&reply);
        let deltas: Vec<&Value> = streamed
            .iter()
            .filter(|(kind, payload)| kind == "contentBlockDelta" && payload["contentBlockIndex"] == 1)
            .map(|(_, payload)| &payload["delta"])
            .collect();
        let text: String = deltas.iter().filter_map(|delta| delta["text"].as_str()).collect();
        assert_eq!(text, "The sky is blue.");
        assert_eq!(deltas.last().unwrap(), &&json!({"citation": citation()}));
        assert!(deltas[..deltas.len() - 1].iter().all(|d| d.get("text").is_some()), "the quote comes first");
        let stops: Vec<&Value> = streamed
            .iter()
            .filter(|(kind, _)| kind == "contentBlockStop")
            .map(|(_, payload)| &payload["contentBlockIndex"])
            .collect();
        assert_eq!(stops, [&json!(0), &json!(1)]);

        let (kind, metadata) = streamed.last().unwrap();
        assert_eq!(kind, "metadata");
        assert_eq!(metadata["serviceTier"], json!({"type": "default"}));
        assert_eq!(metadata["performanceConfig"], json!({"latency": "standard"}));
        assert_eq!(metadata["trace"]["guardrail"]["actionReason"], "No action.");
        assert_eq!(metadata["usage"]["outputTokens"], 8, "4 words of text, 4 of the quote");
    }

    #[test]
    fn a_blocked_input_is_traced_in_the_stream_and_no_trace_without_the_setting() {
        let mut body =
            json!({"messages": [{"role": "user", "content": [{"text": "[[emulator:guardrail]] bad"}]}]});
        body["guardrailConfig"] =
            json!({"guardrailIdentifier": "gr1", "guardrailVersion": "1", "trace": "enabled_full"});
        let blocked = events(&answer::reply(SONNET_4_5, "us-east-1", &body).unwrap());
        let (_, metadata) = blocked.last().unwrap();
        let filters = &metadata["trace"]["guardrail"]["inputAssessment"]["gr1"]["contentPolicy"]["filters"];
        assert_eq!(filters[0]["type"], "VIOLENCE");
        assert_eq!(filters[0]["action"], "BLOCKED");
        assert_eq!(metadata["trace"]["guardrail"]["actionReason"], "Guardrail blocked.");
        let stop = blocked.iter().find(|(kind, _)| kind == "messageStop").unwrap();
        assert_eq!(stop.1["stopReason"], "guardrail_intervened");

        body["guardrailConfig"]["trace"] = json!("disabled");
        let quiet = events(&answer::reply(SONNET_4_5, "us-east-1", &body).unwrap());
        assert!(quiet.last().unwrap().1.get("trace").is_none());
    }
}
