//! What agent workloads need, end to end through the real server and the emulator: reasoning with
//! signatures (unary, streamed, replayed through a tool loop), and prompt caching driven by
//! `cache_control` alone.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use common::*;
use serde_json::json;
use tonic::Code;

const SONNET_4: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";

fn reasoning(text: &str, model: &str, effort: &str) -> api::ChatCompletionRequest {
    api::ChatCompletionRequest {
        model: model.into(),
        reasoning_effort: Some(effort.into()),
        ..request(vec![message("user", text)])
    }
}

fn first_message(response: &api::ChatCompletionResponse) -> &api::Message {
    response.choices[0].message.as_ref().unwrap()
}

#[tokio::test]
async fn reasoning_effort_becomes_a_thinking_budget_and_the_blocks_come_back_signed() {
    let stack = Stack::start();
    let response =
        stack.chat().await.chat_completion(reasoning("hello", SONNET_4, "low")).await.unwrap().into_inner();
    let message = first_message(&response);
    assert_eq!(message.reasoning_content.as_deref(), Some("Let me think about: hello"));
    let block = &message.thinking_blocks[0];
    assert_eq!(
        (block.r#type.as_str(), block.thinking.as_deref()),
        ("thinking", Some("Let me think about: hello"))
    );
    assert!(block.signature.as_deref().is_some_and(|s| !s.is_empty()));
    assert_eq!(answer_text(&response), "You said: hello");
    let sent = &stack.last_recorded()["body"];
    assert_eq!(
        sent["additionalModelRequestFields"]["thinking"],
        json!({"type": "enabled", "budget_tokens": 2048})
    );
    assert_eq!(sent["inferenceConfig"]["maxTokens"], 2048 + 4096, "room for the answer above the budget");
}

#[tokio::test]
async fn streamed_reasoning_arrives_as_deltas_then_one_signed_block() {
    let stack = Stack::start();
    let stream = stack.chat().await.stream_chat_completion(reasoning("stream it", SONNET_4, "medium")).await;
    let (chunks, status) = collect(stream.unwrap().into_inner()).await;
    assert!(status.is_none(), "{status:?}");
    let deltas: Vec<&api::Delta> =
        chunks.iter().flat_map(|c| &c.choices).filter_map(|c| c.delta.as_ref()).collect();
    let reasoning: String = deltas.iter().filter_map(|d| d.reasoning_content.clone()).collect();
    assert_eq!(reasoning, "Let me think about: stream it");
    let blocks: Vec<&api::ThinkingBlock> = deltas.iter().flat_map(|d| &d.thinking_blocks).collect();
    assert_eq!(blocks.len(), 1, "one finished block, when its signature arrives");
    assert_eq!(blocks[0].thinking.as_deref(), Some(reasoning.as_str()), "the whole text, ready to replay");
    assert!(blocks[0].signature.is_some());
    let signed_at = deltas.iter().position(|d| !d.thinking_blocks.is_empty()).unwrap();
    let text_at = deltas.iter().position(|d| d.content.is_some()).unwrap();
    assert!(signed_at < text_at, "the signature ends the reasoning block; the answer is a later block");
    assert_eq!(streamed_text(&chunks), "You said: stream it");
}

/// One assistant turn of the loop: what came back, as the client sends it back.
fn replay(response: &api::ChatCompletionResponse) -> api::Message {
    let message = first_message(response).clone();
    api::Message { reasoning_content: None, ..message }
}

#[tokio::test]
async fn a_tool_loop_with_thinking_on_runs_for_several_turns() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let mut messages = vec![message("user", "what is the get_weather in Paris")];
    for turn in 0..3 {
        let request = api::ChatCompletionRequest {
            model: SONNET_4.into(),
            reasoning_effort: Some("low".into()),
            tools: vec![weather_tool()],
            ..request(messages.clone())
        };
        let response =
            chat.chat_completion(request).await.unwrap_or_else(|s| panic!("turn {turn}: {s:?}")).into_inner();
        let answer = first_message(&response);
        assert!(!answer.thinking_blocks.is_empty(), "turn {turn} reasoned");
        messages.push(replay(&response));
        match response.choices[0].finish_reason.as_str() {
            "tool_calls" => {
                let id = answer.tool_calls[0].id.clone();
                messages.push(api::Message { tool_call_id: Some(id), ..message("tool", "sunny") });
            }
            _ => messages.push(message("user", "and the get_weather in Rome")),
        }
        // What Bedrock received: the replayed assistant turns start with their reasoning.
        let sent = &stack.last_recorded()["body"]["messages"];
        for turn in sent.as_array().unwrap().iter().filter(|m| m["role"] == "assistant") {
            assert!(turn["content"][0].get("reasoningContent").is_some(), "{turn}");
        }
    }
    assert!(messages.len() >= 7, "three turns of a tool loop");
    assert!(stack.recorded_ops("converse").iter().all(|c| c["outcome"] == "ok"));
}

#[tokio::test]
async fn an_altered_thinking_block_is_refused_as_bedrock_refuses_it() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let first = chat.chat_completion(reasoning("think", SONNET_4, "low")).await.unwrap().into_inner();
    let mut altered = replay(&first);
    altered.thinking_blocks[0].thinking = Some("something else entirely".into());
    let request = api::ChatCompletionRequest {
        model: SONNET_4.into(),
        reasoning_effort: Some("low".into()),
        ..request(vec![message("user", "think"), altered, message("user", "again")])
    };
    let status = chat.chat_completion(request).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("Invalid `signature`"), "{}", status.message());
}

#[tokio::test]
async fn a_tool_turn_replayed_without_its_thinking_blocks_still_succeeds_with_thinking_off() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let tools = vec![weather_tool()];
    let first = api::ChatCompletionRequest {
        model: SONNET_4.into(),
        reasoning_effort: Some("low".into()),
        tools: tools.clone(),
        ..request(vec![message("user", "get_weather please")])
    };
    let response = chat.chat_completion(first).await.unwrap().into_inner();
    let mut dropped = replay(&response);
    dropped.thinking_blocks.clear(); // what most OpenAI clients do
    let id = dropped.tool_calls[0].id.clone();
    let second = api::ChatCompletionRequest {
        model: SONNET_4.into(),
        reasoning_effort: Some("low".into()),
        tools,
        ..request(vec![
            message("user", "get_weather please"),
            dropped,
            api::Message { tool_call_id: Some(id), ..message("tool", "sunny") },
        ])
    };
    let answer = chat.chat_completion(second).await.unwrap().into_inner();
    assert_eq!(answer_text(&answer), "The tool returned: sunny");
    assert!(stack.last_recorded()["body"]["additionalModelRequestFields"].get("thinking").is_none());
    let logs =
        stack.server.wait_for_log(std::time::Duration::from_secs(5), |l| l.contains("thinking switched off"));
    assert!(logs.contains("without its thinking_blocks"), "{logs}");
}

#[tokio::test]
async fn each_reasoning_family_gets_its_own_fields_and_others_a_clear_400() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let cases = [
        ("global.anthropic.claude-opus-4-6-v1", "high", json!({"thinking": {"type": "adaptive"}})),
        (
            "us.amazon.nova-2-lite-v1:0",
            "medium",
            json!({"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "medium"}}),
        ),
        ("openai.gpt-oss-120b-1:0", "minimal", json!({"reasoning_effort": "low"})),
    ];
    for (model, effort, fields) in cases {
        let response = chat.chat_completion(reasoning("hi", model, effort)).await.unwrap().into_inner();
        assert!(first_message(&response).reasoning_content.is_some(), "{model} reasoned");
        let sent = &stack.last_recorded()["body"];
        assert_eq!(sent["additionalModelRequestFields"], fields, "{model}");
        if model.contains("opus-4-6") {
            assert_eq!(sent["outputConfig"], json!({"effort": "high"}));
        }
    }
    let status = chat.chat_completion(reasoning("hi", MODEL, "low")).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().starts_with("reasoning_effort:") && status.message().contains(MODEL),
        "{}",
        status.message()
    );
    let mut hot = reasoning("hi", SONNET_4, "low");
    hot.temperature = Some(0.3);
    let status = chat.chat_completion(hot).await.unwrap_err();
    assert!(status.message().starts_with("temperature:"), "{}", status.message());
}

#[test]
fn reasoning_over_rest_uses_litellms_fields_unary_and_streamed() {
    let stack = Stack::start();
    let body = json!({"model": SONNET_4, "reasoning_effort": "low", "messages": [{"role": "user", "content": "hi"}]});
    let unary = curl_chat(&stack.server.url, None, &body.to_string()).json();
    let message = &unary["choices"][0]["message"];
    assert_eq!(message["reasoning_content"], "Let me think about: hi");
    assert_eq!(message["thinking_blocks"][0]["type"], "thinking");
    assert!(message["thinking_blocks"][0]["signature"].is_string());
    let mut streamed = body.clone();
    streamed["stream"] = json!(true);
    let response = curl_chat(&stack.server.url, None, &streamed.to_string());
    let events = sse_events(&response.body);
    let reasoning: String =
        events.iter().filter_map(|e| e["choices"][0]["delta"]["reasoning_content"].as_str()).collect();
    assert_eq!(reasoning, "Let me think about: hi");
    let signed =
        events.iter().find_map(|e| e["choices"][0]["delta"]["thinking_blocks"][0].as_object().cloned());
    assert_eq!(signed.unwrap()["signature"], message["thinking_blocks"][0]["signature"]);
}

/// A system prompt long enough to cache on Claude (1,024 tokens at least; the emulator counts words).
fn long_system(topic: &str) -> String {
    format!("{topic} {}", "background ".repeat(1100))
}

fn cached_chat(system: &str, question: &str) -> String {
    json!({"model": SONNET_4, "messages": [
        {"role": "system", "content": system, "cache_control": {"type": "ephemeral"}},
        {"role": "user", "content": question}]})
    .to_string()
}

#[test]
fn cache_control_alone_writes_then_reads_then_misses_when_the_prefix_changes() {
    let stack = Stack::start();
    let url = &stack.server.url;
    let system = long_system("You answer questions about Paris.");
    let first = curl_chat(url, None, &cached_chat(&system, "first question")).json();
    let details = &first["usage"]["prompt_tokens_details"];
    assert_eq!(details["cached_tokens"], 0);
    let written = details["cache_write_tokens"].as_u64().unwrap();
    assert!(written > 1024, "{first}");
    assert_eq!(first["usage"]["cache_creation_input_tokens"], written);
    let body = &stack.last_recorded()["body"];
    assert_eq!(body["system"][1], json!({"cachePoint": {"type": "default"}}), "{}", body["system"]);

    let second = curl_chat(url, None, &cached_chat(&system, "second question")).json();
    assert_eq!(second["usage"]["prompt_tokens_details"]["cached_tokens"], written, "{second}");
    assert_eq!(second["usage"]["prompt_tokens_details"]["cache_write_tokens"], 0);
    assert_eq!(second["usage"]["cache_read_input_tokens"], written);
    // OpenAI's prompt_tokens count the cached tokens too.
    assert!(second["usage"]["prompt_tokens"].as_u64().unwrap() > written);

    let changed = curl_chat(url, None, &cached_chat(&long_system("You answer about Rome."), "q")).json();
    assert_eq!(changed["usage"]["prompt_tokens_details"]["cached_tokens"], 0, "a new prefix misses");
    assert!(changed["usage"]["prompt_tokens_details"]["cache_write_tokens"].as_u64().unwrap() > 1024);
}

#[test]
fn a_short_prefix_or_a_model_without_caching_is_not_an_error() {
    let stack = Stack::start();
    let short = curl_chat(&stack.server.url, None, &cached_chat("Be brief.", "hi"));
    assert_eq!(short.status, 200, "{}", short.body);
    assert_eq!(short.json()["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
    assert_eq!(short.json()["usage"]["prompt_tokens_details"]["cache_write_tokens"], 0, "below the minimum");
    let haiku = json!({"model": MODEL, "messages": [
        {"role": "system", "content": "Be brief.", "cache_control": {"type": "ephemeral"}},
        {"role": "user", "content": "hi"}]});
    let response = curl_chat(&stack.server.url, None, &haiku.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(
        !stack.last_recorded()["body"].to_string().contains("cachePoint"),
        "left out for a model without caching"
    );
    let logs = stack
        .server
        .wait_for_log(std::time::Duration::from_secs(5), |l| l.contains("cache_control left out"));
    assert!(logs.contains("has no prompt caching"), "{logs}");
}

#[test]
fn bedrocks_cache_limits_are_checked_up_front() {
    let stack = Stack::start();
    let marked = |text: &str| json!({"role": "user", "content": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]});
    let five = json!({"model": SONNET_4, "messages": [marked("a"), marked("b"), marked("c"), marked("d"), marked("e")]});
    let response = curl_chat(&stack.server.url, None, &five.to_string());
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["error"]["param"], "messages[4].content.parts[0].cache_control");
    let hour_on_five_minute_model = json!({"model": SONNET_4, "messages": [
        {"role": "user", "content": "q", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]});
    let response = curl_chat(&stack.server.url, None, &hour_on_five_minute_model.to_string());
    assert_eq!(response.status, 400, "{}", response.body);
    assert_eq!(response.json()["error"]["param"], "messages[0].cache_control.ttl");
}

#[test]
fn the_auto_policy_places_cache_points_and_a_request_can_opt_out() {
    let stack = Stack::start_with(&["--prompt-cache", "auto"], &[]);
    let body = json!({"model": SONNET_4, "tools": [{"type": "function", "function": {"name": "f"}}], "messages": [
        {"role": "system", "content": "s"}, {"role": "user", "content": "q"}]});
    assert_eq!(curl_chat(&stack.server.url, None, &body.to_string()).status, 200);
    let sent = stack.last_recorded()["body"].clone();
    let point = json!({"cachePoint": {"type": "default"}});
    assert_eq!(sent["system"].as_array().unwrap().last().unwrap(), &point);
    assert_eq!(sent["toolConfig"]["tools"].as_array().unwrap().last().unwrap(), &point);
    assert_eq!(sent["messages"][0]["content"].as_array().unwrap().last().unwrap(), &point);
    let mut off = body.clone();
    off["prompt_cache"] = json!("off");
    assert_eq!(curl_chat(&stack.server.url, None, &off.to_string()).status, 200);
    assert!(!stack.last_recorded()["body"].to_string().contains("cachePoint"));
    // Nova takes no cache points in tools: the server leaves that one out.
    let mut nova = body;
    nova["model"] = json!("us.amazon.nova-pro-v1:0");
    let response = curl_chat(&stack.server.url, None, &nova.to_string());
    assert_eq!(response.status, 200, "{}", response.body);
    let sent = stack.last_recorded()["body"].clone();
    assert!(!sent["toolConfig"].to_string().contains("cachePoint"), "{sent}");
    assert!(sent["system"].to_string().contains("cachePoint"));
}

#[tokio::test]
async fn grpc_cache_control_fields_place_cache_points_and_usage_reports_them() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let marker = Some(api::CacheControl { r#type: "ephemeral".into(), ttl: None });
    let ask = |question: &str| api::ChatCompletionRequest {
        model: SONNET_4.into(),
        ..request(vec![
            api::Message { cache_control: marker.clone(), ..message("system", &long_system("gRPC caching")) },
            message("user", question),
        ])
    };
    let first = chat.chat_completion(ask("one")).await.unwrap().into_inner().usage.unwrap();
    let written = first.cache_write_tokens.unwrap();
    assert!(written > 1024 && first.cache_read_tokens == Some(0), "{first:?}");
    assert_eq!(stack.last_recorded()["body"]["system"][1], json!({"cachePoint": {"type": "default"}}));
    let second = chat.chat_completion(ask("two")).await.unwrap().into_inner().usage.unwrap();
    assert_eq!((second.cache_read_tokens, second.cache_write_tokens), (Some(written), Some(0)));
    assert!(second.prompt_tokens > written, "prompt_tokens count the cache reads: {second:?}");
}

#[tokio::test]
async fn a_models_file_default_temperature_does_not_block_reasoning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("models.toml");
    std::fs::write(&path, "[defaults.anthropic]\ntemperature = 0.5\nmax_tokens = 512\n").unwrap();
    let stack = Stack::start_with(&["--models-file", path.to_str().unwrap()], &[]);
    let mut chat = stack.chat().await;
    let response = chat.chat_completion(reasoning("hi", SONNET_4, "low")).await.unwrap().into_inner();
    assert!(first_message(&response).reasoning_content.is_some());
    let sent = &stack.last_recorded()["body"]["inferenceConfig"];
    assert!(sent.get("temperature").is_none(), "the default is left out with thinking on: {sent}");
    chat.chat_completion(ask("no reasoning")).await.unwrap();
    assert_eq!(stack.last_recorded()["body"]["inferenceConfig"]["temperature"], 0.5, "and applies otherwise");
}
