//! Chat completions end to end: gRPC client -> real server -> AWS SDK (SigV4, JSON, event streams)
//! -> emulator, over loopback TCP.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use common::*;

#[tokio::test]
async fn unary_chat_answers_and_reports_usage() {
    let stack = Stack::start();
    let response = stack.chat().await.chat_completion(ask("hello there")).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), "You said: hello there");
    assert_eq!(response.object, "chat.completion");
    assert!(response.id.starts_with("chatcmpl-"));
    assert_eq!(response.model, MODEL);
    assert_eq!(response.choices[0].finish_reason, "stop");
    let usage = response.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (2, 4, 6));

    let recorded = stack.last_recorded();
    assert_eq!(recorded["operation"], "converse");
    assert_eq!(recorded["model_id"], MODEL);
    assert_eq!(recorded["access_key_id"], amazon_chat::emulator::DEMO_ACCESS_KEY_ID);
    assert_eq!(recorded["region"], "us-east-1");
}

#[tokio::test]
async fn streamed_chat_equals_the_unary_answer_and_ends_with_usage() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let unary = chat.chat_completion(ask("stream me a few words")).await.unwrap().into_inner();
    let mut request = ask("stream me a few words");
    request.stream_options = Some(api::StreamOptions { include_usage: true });
    let (chunks, status) = collect(chat.stream_chat_completion(request).await.unwrap().into_inner()).await;
    assert!(status.is_none(), "{status:?}");
    assert!(chunks.len() > 4, "one chunk per word, got {}", chunks.len());
    assert!(!chunks.is_empty());
    assert_eq!(streamed_text(&chunks), answer_text(&unary));
    assert_eq!(chunks[0].choices[0].delta.as_ref().unwrap().role.as_deref(), Some("assistant"));
    assert!(chunks.iter().all(|c| c.id == chunks[0].id && c.object == "chat.completion.chunk"));
    let finish = &chunks[chunks.len() - 2];
    assert_eq!(finish.choices[0].finish_reason.as_deref(), Some("stop"));
    let usage_chunk = chunks.last().unwrap();
    assert!(usage_chunk.choices.is_empty(), "the usage chunk has no choices");
    assert_eq!(usage_chunk.usage.as_ref().unwrap().completion_tokens, unary.usage.unwrap().completion_tokens);
    assert_eq!(stack.last_recorded()["outcome"], "completed");
}

#[tokio::test]
async fn streams_leave_out_usage_unless_asked() {
    let stack = Stack::start();
    let (chunks, status) =
        collect(stack.chat().await.stream_chat_completion(ask("hi")).await.unwrap().into_inner()).await;
    assert!(status.is_none(), "the stream ends cleanly: {status:?}");
    assert_eq!(streamed_text(&chunks), "You said: hi", "the whole answer arrived");
    assert!(chunks.iter().all(|c| c.usage.is_none() && !c.choices.is_empty()));
}

#[tokio::test]
async fn system_prompt_and_multi_turn_history_reach_bedrock_in_its_shape() {
    let stack = Stack::start();
    let conversation = request(vec![
        message("system", "You are terse."),
        message("user", "first question"),
        message("assistant", "first answer"),
        message("developer", "Answer in English."),
        message("user", "second"),
        message("user", "question"),
    ]);
    let response = stack.chat().await.chat_completion(conversation).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), "You said: second question");
    let body = &stack.last_recorded()["body"];
    assert_eq!(
        body["system"],
        serde_json::json!([{"text": "You are terse."}, {"text": "Answer in English."}])
    );
    let roles: Vec<&str> =
        body["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user"], "consecutive user turns are merged");
    assert_eq!(body["messages"][2]["content"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn sampling_parameters_and_passthrough_fields_are_sent() {
    let stack = Stack::start();
    let mut request = ask("hi");
    request.temperature = Some(0.25);
    request.top_p = Some(0.5);
    request.max_tokens = Some(100);
    request.additional_model_request_fields = Some(to_struct(&serde_json::json!({"top_k": 40})));
    stack.chat().await.chat_completion(request).await.unwrap();
    let body = &stack.last_recorded()["body"];
    assert_eq!(
        body["inferenceConfig"],
        serde_json::json!({"maxTokens": 100, "temperature": 0.25, "topP": 0.5})
    );
    assert_eq!(body["additionalModelRequestFields"], serde_json::json!({"top_k": 40}));
}

#[tokio::test]
async fn every_finish_reason() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let mut finish = async |request: api::ChatCompletionRequest| {
        chat.chat_completion(request).await.unwrap().into_inner().choices[0].finish_reason.clone()
    };
    assert_eq!(finish(ask("plain")).await, "stop");

    let mut stop_sequence = ask("one two STOP three");
    stop_sequence.stop = vec!["STOP".into()];
    assert_eq!(finish(stop_sequence).await, "stop");

    let mut length = ask("a long answer please");
    length.max_completion_tokens = Some(3);
    assert_eq!(finish(length).await, "length");

    let mut tools = ask("weather?");
    tools.tools = vec![weather_tool()];
    tools.tool_choice =
        Some(api::ToolChoice { choice: Some(api::tool_choice::Choice::Mode("required".into())) });
    assert_eq!(finish(tools).await, "tool_calls");

    assert_eq!(finish(ask("[[emulator:guardrail]] bad")).await, "content_filter");
    assert_eq!(finish(ask("[[emulator:content-filtered]] bad")).await, "content_filter");
}

#[tokio::test]
async fn max_tokens_and_stop_sequences_cut_the_answer() {
    let stack = Stack::start();
    let mut request = ask("one two STOP three");
    request.stop = vec!["STOP".into()];
    let response = stack.chat().await.chat_completion(request).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), "You said: one two");
    assert_eq!(
        stack.last_recorded()["body"]["inferenceConfig"]["stopSequences"],
        serde_json::json!(["STOP"])
    );
    let mut limited = ask("one two three four five");
    limited.max_tokens = Some(3);
    let response = stack.chat().await.chat_completion(limited).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), "You said: one");
    assert_eq!(response.choices[0].finish_reason, "length");
    assert_eq!(response.usage.unwrap().completion_tokens, 3);
}

#[tokio::test]
async fn tool_calls_round_trip_unary() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let mut first = ask("What's the weather in Paris?");
    first.tools = vec![weather_tool()];
    first.tool_choice =
        Some(api::ToolChoice { choice: Some(api::tool_choice::Choice::Mode("required".into())) });
    let response = chat.chat_completion(first.clone()).await.unwrap().into_inner();
    let assistant = response.choices[0].message.clone().unwrap();
    let call = assistant.tool_calls[0].clone();
    assert_eq!(call.r#type, "function");
    let function = call.function.as_ref().unwrap();
    assert_eq!(function.name, "get_weather");
    let arguments: serde_json::Value = serde_json::from_str(&function.arguments).unwrap();
    assert!(arguments["city"].is_string(), "required argument present: {arguments}");
    let sent_choice = &stack.last_recorded()["body"]["toolConfig"]["toolChoice"];
    assert_eq!(sent_choice, &serde_json::json!({"any": {}}));

    // Send the result back: it goes to Bedrock as a toolResult, and the model answers with it.
    let mut second = first;
    second.messages.push(assistant);
    second
        .messages
        .push(api::Message { tool_call_id: Some(call.id.clone()), ..message("tool", "sunny, 21C") });
    second.tool_choice = None;
    let answer = chat.chat_completion(second).await.unwrap().into_inner();
    assert_eq!(answer.choices[0].finish_reason, "stop");
    assert_eq!(answer_text(&answer), "The tool returned: sunny, 21C");
    let body = stack.last_recorded()["body"].clone();
    assert_eq!(body["messages"][2]["content"][0]["toolResult"]["toolUseId"], serde_json::json!(call.id));
}

#[tokio::test]
async fn streamed_tool_calls_arrive_as_id_and_name_then_argument_fragments() {
    let stack = Stack::start();
    let mut request = ask("Compare get_weather for two places");
    request.tools = vec![weather_tool()];
    request.tool_choice = Some(api::ToolChoice {
        choice: Some(api::tool_choice::Choice::Function(api::NamedToolChoice { name: "get_weather".into() })),
    });
    let (chunks, status) =
        collect(stack.chat().await.stream_chat_completion(request).await.unwrap().into_inner()).await;
    assert!(status.is_none(), "{status:?}");
    let fragments: Vec<&api::ToolCallDelta> = chunks
        .iter()
        .flat_map(|c| &c.choices)
        .flat_map(|choice| &choice.delta.as_ref().unwrap().tool_calls)
        .collect();
    assert!(fragments.len() >= 3, "a head and at least two argument fragments: {fragments:?}");
    let head = fragments[0];
    assert_eq!(head.index, 0);
    assert!(head.id.as_deref().is_some_and(|id| !id.is_empty()));
    assert_eq!(head.function.as_ref().unwrap().name.as_deref(), Some("get_weather"));
    assert!(fragments[1..].iter().all(|f| f.id.is_none() && f.index == 0));
    let arguments: String = fragments.iter().filter_map(|f| f.function.as_ref()?.arguments.clone()).collect();
    let arguments: serde_json::Value =
        serde_json::from_str(&arguments).expect("fragments concatenate to JSON");
    assert!(arguments["city"].is_string());
    let finish = chunks.iter().flat_map(|c| &c.choices).find_map(|c| c.finish_reason.clone());
    assert_eq!(finish.as_deref(), Some("tool_calls"));
    assert_eq!(
        stack.last_recorded()["body"]["toolConfig"]["toolChoice"],
        serde_json::json!({"tool": {"name": "get_weather"}})
    );
}

#[tokio::test]
async fn tool_choice_none_sends_no_tools_and_still_accepts_tool_history() {
    let stack = Stack::start();
    let mut request = request(vec![
        message("user", "weather?"),
        api::Message {
            role: "assistant".into(),
            tool_calls: vec![api::ToolCall {
                id: "call_1".into(),
                r#type: "function".into(),
                function: Some(api::FunctionCall {
                    name: "get_weather".into(),
                    arguments: r#"{"city":"Oslo"}"#.into(),
                }),
            }],
            ..Default::default()
        },
        api::Message { tool_call_id: Some("call_1".into()), ..message("tool", "snow") },
        message("user", "thanks, get_weather again?"),
    ]);
    request.tools = vec![weather_tool()];
    request.tool_choice =
        Some(api::ToolChoice { choice: Some(api::tool_choice::Choice::Mode("none".into())) });
    let response = stack.chat().await.chat_completion(request).await.unwrap().into_inner();
    assert!(response.choices[0].message.as_ref().unwrap().tool_calls.is_empty());
    assert_eq!(response.choices[0].finish_reason, "stop");
    assert!(stack.last_recorded()["body"].get("toolConfig").is_none());
}

#[tokio::test]
async fn images_are_sent_as_bytes_from_data_urls() {
    let stack = Stack::start();
    // A 1x1 PNG.
    let png =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let parts = vec![
        api::ContentPart {
            part: Some(api::content_part::Part::Text("What is this?".into())),
            cache_control: None,
        },
        api::ContentPart {
            part: Some(api::content_part::Part::ImageUrl(api::ImageUrl {
                url: format!("data:image/png;base64,{png}"),
                detail: None,
            })),
            cache_control: None,
        },
    ];
    let request = request(vec![api::Message {
        role: "user".into(),
        content: Some(api::message::Content::Parts(api::ContentParts { parts })),
        ..Default::default()
    }]);
    let response = stack.chat().await.chat_completion(request).await.unwrap().into_inner();
    assert_eq!(answer_text(&response), "You said: What is this? (I see 1 image: png, 70 bytes)");
    let image = &stack.last_recorded()["body"]["messages"][0]["content"][1]["image"];
    assert_eq!(image["format"], "png");
    assert_eq!(image["source"]["bytes"], png);
}

#[tokio::test]
async fn prompt_cache_tokens_are_reported() {
    let stack = Stack::start();
    let response =
        stack.chat().await.chat_completion(ask("[[emulator:cache]] cached prompt here")).await.unwrap();
    let usage = response.into_inner().usage.unwrap();
    // Bedrock reports 1 uncached input token besides 2 read and 1 written; OpenAI counts all 4.
    assert_eq!(usage.prompt_tokens, 4);
    assert_eq!((usage.cache_read_tokens, usage.cache_write_tokens), (Some(2), Some(1)));
}

#[tokio::test]
async fn inference_profile_ids_and_arns_pass_through() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    for model in [
        format!("us.{MODEL}"),
        "global.anthropic.claude-sonnet-4-20250514-v1:0".to_owned(),
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3".to_owned(),
    ] {
        let request = api::ChatCompletionRequest { model: model.clone(), ..ask("hi") };
        let response = chat.chat_completion(request).await.unwrap().into_inner();
        assert_eq!(response.model, model);
        assert_eq!(
            stack.last_recorded()["model_id"],
            serde_json::json!(model),
            "the id reached Bedrock intact"
        );
    }
}

#[tokio::test]
async fn models_are_listed_and_described() {
    let stack = Stack::start();
    let mut models = stack.models().await;
    let list = models.list_models(api::ListModelsRequest {}).await.unwrap().into_inner();
    assert_eq!(list.object, "list");
    let haiku = list.data.iter().find(|m| m.id == MODEL).expect("haiku is listed");
    assert_eq!(haiku.owned_by, "anthropic");
    assert!(haiku.inference_profile_ids.contains(&format!("us.{MODEL}")));
    let got = models.get_model(api::GetModelRequest { id: MODEL.into() }).await.unwrap().into_inner();
    assert_eq!(got.model.unwrap().name, "Claude 3 Haiku");
    let missing = models.get_model(api::GetModelRequest { id: "no-such-model".into() }).await.unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn count_tokens_counts_what_chat_would_send_on_the_foundation_model() {
    let stack = Stack::start();
    let mut chat = stack.chat().await;
    let mut request = request(vec![message("system", "be brief"), message("user", "hello there friend")]);
    request.model = "us.anthropic.claude-sonnet-4-20250514-v1:0".into();
    let counted = chat.count_tokens(request.clone()).await.unwrap();
    assert_eq!(
        counted.metadata().get("x-amazon-chat-model-id").unwrap(),
        "anthropic.claude-sonnet-4-20250514-v1:0",
        "CountTokens takes foundation-model ids"
    );
    let counted = counted.into_inner();
    assert_eq!((counted.input_tokens, counted.model.as_str()), (5, request.model.as_str()));
    let sent = chat.chat_completion(request.clone()).await.unwrap().into_inner();
    assert_eq!(sent.usage.unwrap().prompt_tokens, counted.input_tokens, "the count is of what chat sends");
    let recorded = stack.recorded_ops("count-tokens");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0]["model_id"], "anthropic.claude-sonnet-4-20250514-v1:0");

    request.model = MODEL.into(); // Claude 3 Haiku: Bedrock counts no tokens for it
    let refused = chat.count_tokens(request).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(refused.message().contains("counting tokens"), "{}", refused.message());
}
