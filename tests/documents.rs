//! Documents and citations through the real server and the emulator: OpenAI's file parts and the
//! typed gRPC document part become Converse document blocks with valid, unique names; Bedrock's
//! limits are checked with errors naming the part; citations come back typed, in answers and in
//! stream deltas.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use base64::Engine as _;
use common::*;
use serde_json::{Value, json};

/// A model that cites documents.
const SONNET_4_5: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const FACTS: &str = "The sky is blue. Grass is green. Snow is white.";

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn file_part(media_type: &str, bytes: &[u8], filename: &str) -> Value {
    json!({"type": "file", "file": {"file_data": format!("data:{media_type};base64,{}", base64(bytes)), "filename": filename}})
}

fn ask_about(model: &str, parts: Vec<Value>) -> Value {
    let mut content = vec![json!({"type": "text", "text": "What do these say?"})];
    content.extend(parts);
    json!({"model": model, "messages": [{"role": "user", "content": content}]})
}

fn grpc_document(bytes: &[u8], format: &str, filename: &str) -> api::ContentPart {
    api::ContentPart {
        part: Some(api::content_part::Part::Document(api::Document {
            source: Some(api::document::Source::Data(bytes.to_vec())),
            format: Some(format.into()),
            filename: Some(filename.into()),
            ..Default::default()
        })),
        cache_control: None,
    }
}

fn grpc_ask(
    model: &str,
    parts: Vec<api::ContentPart>,
    citations: Option<bool>,
) -> api::ChatCompletionRequest {
    let mut all = vec![api::ContentPart {
        part: Some(api::content_part::Part::Text("What does it say?".into())),
        cache_control: None,
    }];
    all.extend(parts);
    api::ChatCompletionRequest {
        model: model.into(),
        messages: vec![api::Message {
            role: "user".into(),
            content: Some(api::message::Content::Parts(api::ContentParts { parts: all })),
            ..Default::default()
        }],
        citations,
        ..Default::default()
    }
}

#[test]
fn file_parts_become_document_blocks_with_valid_unique_names() {
    let stack = Stack::start();
    let pdf = b"%PDF-1.4 quarterly figures";
    let body = ask_about(
        MODEL,
        vec![
            file_part("application/pdf", pdf, "Q3 report_final.v2.pdf"),
            file_part("text/plain", FACTS.as_bytes(), "Q3 report_final.v2.txt"),
        ],
    );
    let response = curl_chat(&stack.server.url, None, &body.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let answer = response.json()["choices"][0]["message"]["content"].as_str().unwrap().to_owned();
    assert!(answer.contains("2 documents"), "the model read both: {answer}");

    let sent = &stack.last_recorded()["body"]["messages"][0]["content"];
    let documents: Vec<&Value> = sent.as_array().unwrap().iter().filter_map(|b| b.get("document")).collect();
    assert_eq!(documents.len(), 2, "{sent}");
    assert_eq!(documents[0]["format"], "pdf");
    assert_eq!(documents[0]["name"], "Q3 report-final-v2");
    assert_eq!(documents[0]["source"]["bytes"], base64(pdf));
    assert_eq!(documents[1]["format"], "txt");
    assert_eq!(documents[1]["name"], "Q3 report-final-v2 (2)", "names are unique in the request");
    assert!(documents.iter().all(|d| d.get("citations").is_none()), "citations are off by default");
}

#[test]
fn the_format_follows_the_media_type_or_the_extension_and_unknown_ones_are_refused() {
    let stack = Stack::start();
    let by_extension =
        ask_about(MODEL, vec![file_part("application/octet-stream", b"a,b\n1,2\n", "figures.csv")]);
    let response = curl_chat(&stack.server.url, None, &by_extension.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(stack.last_recorded()["body"]["messages"][0]["content"][1]["document"]["format"], "csv");

    let unknown = ask_about(MODEL, vec![file_part("application/zip", b"PK", "bundle.zip")]);
    let response = curl_chat(&stack.server.url, None, &unknown.to_string());
    assert_eq!(response.status, 400, "{}", response.body);
    let error = &response.json()["error"];
    assert_eq!(error["param"], "messages[0].content.parts[1].document");
    assert!(error["message"].as_str().unwrap().contains("cannot tell the document's format"), "{error}");
}

#[test]
fn bedrocks_document_rules_are_errors_that_name_the_part() {
    let stack = Stack::start();
    let param = |body: Value| {
        let response = curl_chat(&stack.server.url, None, &body.to_string());
        assert_eq!(response.status, 400, "{}", response.body);
        let error = response.json()["error"].clone();
        (
            error["param"].as_str().unwrap_or_default().to_owned(),
            error["message"].as_str().unwrap().to_owned(),
        )
    };
    let doc = || file_part("text/plain", b"hello", "a.txt");

    let by_id = json!({"model": MODEL, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "read"}, {"type": "file", "file": {"file_id": "file-abc123"}}]}]});
    let (field, message) = param(by_id);
    assert_eq!(field, "messages[0].content[1].file.file_id");
    assert!(message.contains("file_data"), "{message}");

    let six = ask_about(MODEL, (0..6).map(|_| doc()).collect());
    let (field, message) = param(six);
    assert_eq!(field, "messages[0].content");
    assert!(message.contains("more than 5 documents"), "{message}");

    let alone = json!({"model": MODEL, "messages": [{"role": "user", "content": [doc()]}]});
    let (field, message) = param(alone);
    assert_eq!(field, "messages[0].content");
    assert!(message.contains("needs a text part"), "{message}");

    let from_assistant = json!({"model": MODEL, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "text", "text": "here"}, doc()]},
        {"role": "user", "content": "thanks"}]});
    let (field, message) = param(from_assistant);
    assert_eq!(field, "messages[1].content.parts[1]");
    assert!(message.contains("only accepted in user messages"), "{message}");

    let not_base64 = ask_about(
        MODEL,
        vec![
            json!({"type": "file", "file": {"file_data": "data:text/plain;base64,@@@@", "filename": "a.txt"}}),
        ],
    );
    let (field, message) = param(not_base64);
    assert_eq!(field, "messages[0].content.parts[1].document.url");
    assert!(message.contains("invalid base64"), "{message}");
}

#[tokio::test]
async fn a_document_over_bedrocks_size_limit_is_refused_before_bedrock_is_called() {
    let stack = Stack::start();
    let big = vec![b'a'; 4_718_593];
    let error = stack
        .chat()
        .await
        .chat_completion(grpc_ask(MODEL, vec![grpc_document(&big, "txt", "big.txt")], None))
        .await
        .unwrap_err();
    assert_eq!(error.code(), tonic::Code::InvalidArgument, "{error:?}");
    assert!(error.message().contains("messages[0].content.parts[1].document"), "{}", error.message());
    assert!(error.message().contains("at most 4718592 bytes"), "{}", error.message());
    assert!(stack.recorded_ops("converse").is_empty(), "refused before any Bedrock call");
}

fn facts_citation() -> api::Citation {
    api::Citation {
        title: "facts".into(),
        document_index: Some(0),
        cited_text: "The sky is blue.".into(),
        location_type: "document_char".into(),
        start: Some(0),
        end: Some(16),
        source: None,
    }
}

#[tokio::test]
async fn citations_come_back_typed_in_answers_and_stream_deltas() {
    let stack = Stack::start();
    let request = grpc_ask(SONNET_4_5, vec![grpc_document(FACTS.as_bytes(), "txt", "facts.txt")], Some(true));
    let answer = stack.chat().await.chat_completion(request.clone()).await.unwrap().into_inner();
    let message = answer.choices[0].message.clone().unwrap();
    assert_eq!(message.citations, vec![facts_citation()]);
    assert!(answer_text(&answer).contains("The sky is blue."), "the cited text is part of the answer");
    let sent = &stack.last_recorded()["body"]["messages"][0]["content"][1]["document"];
    assert_eq!(sent["citations"], json!({"enabled": true}));
    assert_eq!(sent["name"], "facts");

    let stream = stack.chat().await.stream_chat_completion(request).await.unwrap().into_inner();
    let (chunks, status) = collect(stream).await;
    assert!(status.is_none(), "{status:?}");
    let streamed: Vec<api::Citation> = chunks
        .iter()
        .flat_map(|c| &c.choices)
        .filter_map(|c| c.delta.as_ref())
        .flat_map(|d| d.citations.clone())
        .collect();
    assert_eq!(streamed, vec![facts_citation()]);
    assert!(streamed_text(&chunks).contains("The sky is blue."));
}

#[test]
fn a_documents_own_switch_wins_over_the_requests() {
    let stack = Stack::start();
    let mut part = file_part("text/plain", FACTS.as_bytes(), "facts.txt");
    part["file"]["citations"] = json!(false);
    let mut body = ask_about(SONNET_4_5, vec![part]);
    body["citations"] = json!(true);
    let response = curl_chat(&stack.server.url, None, &body.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(response.json()["choices"][0]["message"].get("citations").is_none());
    let sent = &stack.last_recorded()["body"]["messages"][0]["content"][1]["document"];
    assert!(sent.get("citations").is_none(), "{sent}");

    // And over REST the citations come back in the message, typed like gRPC's.
    let mut body = ask_about(SONNET_4_5, vec![file_part("text/plain", FACTS.as_bytes(), "facts.txt")]);
    body["citations"] = json!(true);
    let response = curl_chat(&stack.server.url, None, &body.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.json()["choices"][0]["message"]["citations"],
        json!([{"title": "facts", "document_index": 0, "cited_text": "The sky is blue.",
                "location_type": "document_char", "start": 0, "end": 16}])
    );
}

#[test]
fn s3_urls_reach_models_that_read_s3_with_the_bucket_owner_and_others_are_told() {
    let stack = Stack::start_with(&["--s3-bucket-owner", "123456789012"], &[]);
    let body = json!({"model": "us.amazon.nova-pro-v1:0", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Compare the scan with the report."},
        {"type": "image_url", "image_url": {"url": "s3://team-docs/scans/page-1.png"}},
        {"type": "file", "file": {"file_data": "s3://team-docs/reports/q3.pdf"}}]}]});
    let response = curl_chat(&stack.server.url, None, &body.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let sent = &stack.last_recorded()["body"]["messages"][0]["content"];
    assert_eq!(
        sent[1]["image"],
        json!({"format": "png", "source": {"s3Location": {"uri": "s3://team-docs/scans/page-1.png", "bucketOwner": "123456789012"}}})
    );
    assert_eq!(sent[2]["document"]["format"], "pdf");
    assert_eq!(
        sent[2]["document"]["source"],
        json!({"s3Location": {"uri": "s3://team-docs/reports/q3.pdf", "bucketOwner": "123456789012"}})
    );

    let calls = stack.recorded_ops("converse").len();
    let mut to_claude = body.clone();
    to_claude["model"] = json!(MODEL);
    let response = curl_chat(&stack.server.url, None, &to_claude.to_string());
    assert_eq!(response.status, 400, "{}", response.body);
    let error = &response.json()["error"];
    assert_eq!(error["param"], "messages[0].content.parts[1].image_url.url");
    assert!(error["message"].as_str().unwrap().contains(MODEL), "{error}");
    assert_eq!(stack.recorded_ops("converse").len(), calls, "refused before Bedrock");

    let no_extension = json!({"model": "us.amazon.nova-pro-v1:0", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "see"}, {"type": "image_url", "image_url": {"url": "s3://team-docs/scan"}}]}]});
    let response = curl_chat(&stack.server.url, None, &no_extension.to_string());
    assert_eq!(response.status, 400, "{}", response.body);
    assert!(response.json()["error"]["message"].as_str().unwrap().contains(".png"), "{}", response.body);
}
