//! OpenTelemetry traces over OTLP: the real server exports to an OTLP receiver running in this test
//! (opentelemetry-proto's generated gRPC service), continuing the caller's `traceparent`.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Default)]
struct Receiver {
    spans: Arc<Mutex<Vec<Span>>>,
}

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.spans.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| a.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

fn text(span: &Span, key: &str) -> String {
    match attribute(span, key) {
        Some(Value::StringValue(s)) => s.clone(),
        other => panic!("{key}: {other:?} in {:?}", span.name),
    }
}

fn int(span: &Span, key: &str) -> i64 {
    match attribute(span, key) {
        Some(Value::IntValue(n)) => *n,
        other => panic!("{key}: {other:?} in {:?}", span.name),
    }
}

#[tokio::test]
async fn a_chat_call_is_a_genai_span_under_the_callers_trace_with_a_bedrock_child() {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let service = TraceServiceServer::new(receiver.clone());
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let stack = Stack::start_with(
        &[],
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()), ("OTEL_BSP_SCHEDULE_DELAY", "100")],
    );
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_id = "00f067aa0ba902b7";
    let body = serde_json::json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "hello there"}]});
    let response = curl(
        &stack.server.url,
        "/v1/chat/completions",
        &[
            "-H",
            "Content-Type: application/json",
            "-H",
            &format!("traceparent: 00-{trace_id}-{parent_id}-01"),
            "--data-binary",
            &body.to_string(),
        ],
    );
    assert_eq!(response.status, 200);

    let deadline = Instant::now() + Duration::from_secs(10);
    let spans = loop {
        let spans = receiver.spans.lock().unwrap().clone();
        // The server span ends last (with the response body), so it may come in a later batch.
        let chat = spans.iter().find(|s| s.name.starts_with("chat "));
        let server = chat.and_then(|chat| spans.iter().find(|s| s.span_id == chat.parent_span_id));
        if server.is_some() && spans.iter().any(|s| s.name.starts_with("BedrockRuntime/")) {
            break spans;
        }
        assert!(Instant::now() < deadline, "no spans arrived: {spans:?}\n{}", stack.server.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let chat = spans.iter().find(|s| s.name == format!("chat {MODEL}")).unwrap();
    assert_eq!(hex(&chat.trace_id), trace_id, "the caller's trace is continued");
    assert_eq!(text(chat, "gen_ai.provider.name"), "aws.bedrock");
    assert_eq!(text(chat, "gen_ai.operation.name"), "chat");
    assert_eq!(text(chat, "gen_ai.request.model"), MODEL);
    assert_eq!((int(chat, "gen_ai.usage.input_tokens"), int(chat, "gen_ai.usage.output_tokens")), (2, 4));
    assert!(attribute(chat, "gen_ai.system").is_none(), "the current names, not the deprecated one");
    assert!(chat.events.iter().any(|e| e.name == "gen_ai.first_token"), "an event at the first token");
    // The chat span sits under the server span, which continues the caller's span.
    let server = spans.iter().find(|s| s.span_id == chat.parent_span_id).expect("the server span");
    assert_eq!(hex(&server.parent_span_id), parent_id);
    let bedrock = spans.iter().find(|s| s.name == "BedrockRuntime/ConverseStream").unwrap();
    assert_eq!(bedrock.parent_span_id, chat.span_id, "the Bedrock call is a child of the chat span");
    assert_eq!(text(bedrock, "cloud.region"), "us-east-1");
}
