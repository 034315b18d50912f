//! Structured outputs through the real server and the emulator: native where the model has it, an
//! answer tool elsewhere (which the caller never sees), strict schemas checked, streams included.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

const SONNET_4_5: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

fn city_format(strict: bool) -> Value {
    json!({"type": "json_schema", "json_schema": {"name": "city_facts", "strict": strict, "schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["city", "population"], "additionalProperties": false}}})
}

fn ask_with(model: &str, text: &str, format: Value) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": text}], "response_format": format})
}

#[test]
fn a_model_with_native_structured_output_gets_the_schema_as_output_config() {
    let stack = Stack::start();
    let response =
        curl_chat(&stack.server.url, None, &ask_with(SONNET_4_5, "Paris?", city_format(true)).to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let json = response.json();
    let content: Value =
        serde_json::from_str(json["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    assert_eq!(content, json!({"city": "example city", "population": 1}));
    assert_eq!(json["choices"][0]["finish_reason"], "stop");
    let sent = &stack.last_recorded()["body"];
    let format = &sent["outputConfig"]["textFormat"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["structure"]["jsonSchema"]["name"], "city_facts");
    let schema: Value =
        serde_json::from_str(format["structure"]["jsonSchema"]["schema"].as_str().unwrap()).unwrap();
    assert_eq!(schema["required"], json!(["city", "population"]));
    assert!(sent.get("toolConfig").is_none());
}

#[test]
fn other_models_answer_through_a_tool_the_caller_never_sees() {
    let stack = Stack::start();
    let response =
        curl_chat(&stack.server.url, None, &ask_with(MODEL, "Paris?", city_format(true)).to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let json = response.json();
    let message = &json["choices"][0]["message"];
    assert!(message.get("tool_calls").is_none(), "{message}");
    assert_eq!(json["choices"][0]["finish_reason"], "stop");
    let content: Value = serde_json::from_str(message["content"].as_str().unwrap()).unwrap();
    assert_eq!(content["city"], "example city");
    let sent = &stack.last_recorded()["body"];
    assert_eq!(sent["toolConfig"]["toolChoice"], json!({"tool": {"name": "city_facts"}}));
    assert_eq!(sent["toolConfig"]["tools"][0]["toolSpec"]["name"], "city_facts");

    let mut streamed = ask_with(MODEL, "Paris?", city_format(true));
    streamed["stream"] = json!(true);
    let events = sse_events(&curl_chat(&stack.server.url, None, &streamed.to_string()).body);
    assert!(events.iter().all(|e| e["choices"][0]["delta"].get("tool_calls").is_none()), "no tool in sight");
    let text: String = events.iter().filter_map(|e| e["choices"][0]["delta"]["content"].as_str()).collect();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        content,
        "the stream's content is the same JSON"
    );
    let finish = events.iter().find_map(|e| e["choices"][0]["finish_reason"].as_str()).unwrap();
    assert_eq!(finish, "stop");

    let object = ask_with(MODEL, "anything", json!({"type": "json_object"}));
    let answer = curl_chat(&stack.server.url, None, &object.to_string()).json();
    let content: Value =
        serde_json::from_str(answer["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    assert!(content.is_object(), "{answer}");
}

#[test]
fn a_strict_schema_is_checked_unary_and_streamed() {
    let stack = Stack::start();
    let off = ask_with(MODEL, "[[emulator:off-schema]] Paris?", city_format(true));
    let response = curl_chat(&stack.server.url, None, &off.to_string());
    assert_eq!(response.status, 502, "{}", response.body);
    let error = &response.json()["error"];
    assert_eq!(error["code"], "schema_mismatch");
    assert!(error["message"].as_str().unwrap().contains("does not match"), "{error}");
    let lenient = ask_with(MODEL, "[[emulator:off-schema]] Paris?", city_format(false));
    assert_eq!(
        curl_chat(&stack.server.url, None, &lenient.to_string()).status,
        200,
        "not strict: not checked"
    );

    let mut streamed = off;
    streamed["stream"] = json!(true);
    let response = curl_chat(&stack.server.url, None, &streamed.to_string());
    assert_eq!(response.status, 200, "the stream had started");
    let events = sse_events(&response.body);
    assert_eq!(
        events.last().unwrap()["error"]["code"],
        "schema_mismatch",
        "a final error event, not a silent end"
    );
    assert!(!response.body.contains("[DONE]"));
}

#[test]
fn response_format_beside_the_callers_tools_calls_them_then_answers_in_the_schema() {
    let stack = Stack::start();
    let weather = json!({"type": "function", "function": {"name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}});
    let first = json!({"model": MODEL, "tools": [weather], "response_format": city_format(true),
        "messages": [{"role": "user", "content": "use get_weather for Paris"}]});
    let answer = curl_chat(&stack.server.url, None, &first.to_string()).json();
    assert_eq!(answer["choices"][0]["finish_reason"], "tool_calls", "{answer}");
    let call = answer["choices"][0]["message"]["tool_calls"][0].clone();
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(stack.last_recorded()["body"]["toolConfig"]["toolChoice"], json!({"any": {}}));
    let second = json!({"model": MODEL, "tools": [weather], "response_format": city_format(true), "messages": [
        {"role": "user", "content": "use get_weather for Paris"},
        {"role": "assistant", "content": null, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]});
    let answer = curl_chat(&stack.server.url, None, &second.to_string()).json();
    assert_eq!(answer["choices"][0]["finish_reason"], "stop", "{answer}");
    let content: Value =
        serde_json::from_str(answer["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    assert_eq!(content["population"], 1);
}

#[test]
fn reasoning_with_a_schema_needs_native_structured_output() {
    let stack = Stack::start();
    let mut forced = ask_with("us.anthropic.claude-sonnet-4-20250514-v1:0", "Paris?", city_format(true));
    forced["reasoning_effort"] = json!("low");
    let response = curl_chat(&stack.server.url, None, &forced.to_string());
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["error"]["param"], "response_format");
    assert!(response.json()["error"]["message"].as_str().unwrap().contains("reasoning_effort"));
    let mut native = ask_with(SONNET_4_5, "Paris?", city_format(true));
    native["reasoning_effort"] = json!("low");
    let response = curl_chat(&stack.server.url, None, &native.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(response.json()["choices"][0]["message"]["reasoning_content"].is_string());
}

#[test]
fn strict_tools_are_sent_strict_where_enforced_and_checked_everywhere() {
    let stack = Stack::start();
    let tool = json!({"type": "function", "function": {"name": "get_weather", "strict": true,
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}});
    let native = json!({"model": SONNET_4_5, "tools": [tool], "messages": [{"role": "user", "content": "get_weather Paris"}]});
    assert_eq!(curl_chat(&stack.server.url, None, &native.to_string()).status, 200);
    assert_eq!(stack.last_recorded()["body"]["toolConfig"]["tools"][0]["toolSpec"]["strict"], true);
    let checked = json!({"model": MODEL, "tools": [tool],
        "messages": [{"role": "user", "content": "[[emulator:off-schema]] get_weather Paris"}]});
    let response = curl_chat(&stack.server.url, None, &checked.to_string());
    assert_eq!(response.status, 502, "{}", response.body);
    assert!(stack.last_recorded()["body"]["toolConfig"]["tools"][0]["toolSpec"].get("strict").is_none());
    assert!(response.json()["error"]["message"].as_str().unwrap().contains("get_weather"));
}

#[tokio::test]
async fn grpc_response_format_with_a_json_text_schema() {
    use amazon_chat::proto::v1 as api;
    let stack = Stack::start();
    let schema = r#"{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}"#;
    let request = api::ChatCompletionRequest {
        response_format: Some(api::ResponseFormat {
            r#type: "json_schema".into(),
            json_schema: Some(api::JsonSchema {
                name: "count".into(),
                schema_json: Some(schema.into()),
                strict: Some(true),
                ..Default::default()
            }),
        }),
        ..ask("how many?")
    };
    let response = stack.chat().await.chat_completion(request).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), r#"{"n":1}"#);
    assert_eq!(response.choices[0].finish_reason, "stop");
    assert!(response.choices[0].message.as_ref().unwrap().tool_calls.is_empty());
}
