//! The rules, one by one: each names the field at fault.

use super::*;
use crate::proto::v1 as api;
use api::message::Content;

fn message(role: &str, text: &str) -> api::Message {
    api::Message { role: role.into(), content: Some(Content::Text(text.into())), ..Default::default() }
}

fn valid() -> ChatCompletionRequest {
    ChatCompletionRequest { model: "m".into(), messages: vec![message("user", "hi")], ..Default::default() }
}

fn field(request: ChatCompletionRequest) -> String {
    super::request(&request).unwrap_err().field.unwrap()
}

fn with_messages(messages: Vec<api::Message>) -> ChatCompletionRequest {
    ChatCompletionRequest { messages, ..valid() }
}

fn assistant_calling(ids: &[&str]) -> api::Message {
    api::Message {
        role: "assistant".into(),
        tool_calls: ids
            .iter()
            .map(|id| api::ToolCall {
                id: (*id).into(),
                r#type: "function".into(),
                function: Some(api::FunctionCall { name: "get_weather".into(), arguments: "{}".into() }),
            })
            .collect(),
        ..Default::default()
    }
}

fn tool_message(id: &str, text: &str) -> api::Message {
    api::Message { tool_call_id: Some(id.into()), ..message("tool", text) }
}

fn tool(name: &str) -> api::Tool {
    api::Tool {
        r#type: "function".into(),
        function: Some(api::FunctionDefinition { name: name.into(), ..Default::default() }),
        cache_control: None,
    }
}

#[test]
fn rejects_what_bedrock_cannot_do_naming_the_field() {
    assert!(super::request(&valid()).is_ok());
    assert_eq!(field(ChatCompletionRequest { n: Some(2), ..valid() }), "n");
    assert_eq!(field(ChatCompletionRequest { logprobs: Some(true), ..valid() }), "logprobs");
    assert_eq!(field(ChatCompletionRequest { top_logprobs: Some(3), ..valid() }), "top_logprobs");
    assert_eq!(field(ChatCompletionRequest { messages: vec![], ..valid() }), "messages");
    assert_eq!(field(ChatCompletionRequest { model: " ".into(), ..valid() }), "model");
    assert!(super::request(&ChatCompletionRequest { n: Some(1), logprobs: Some(false), ..valid() }).is_ok());
}

#[test]
fn sampling_settings_are_within_their_ranges() {
    assert_eq!(field(ChatCompletionRequest { temperature: Some(2.5), ..valid() }), "temperature");
    assert_eq!(field(ChatCompletionRequest { temperature: Some(f64::NAN), ..valid() }), "temperature");
    assert_eq!(field(ChatCompletionRequest { top_p: Some(-0.1), ..valid() }), "top_p");
    assert_eq!(field(ChatCompletionRequest { max_tokens: Some(0), ..valid() }), "max_tokens");
    assert_eq!(
        field(ChatCompletionRequest { max_tokens: Some(7), max_completion_tokens: Some(8), ..valid() }),
        "max_completion_tokens"
    );
    assert_eq!(
        field(ChatCompletionRequest { max_completion_tokens: Some(u32::MAX), ..valid() }),
        "max_completion_tokens"
    );
    assert_eq!(field(ChatCompletionRequest { stop: vec!["a".into(), String::new()], ..valid() }), "stop[1]");
    assert_eq!(field(ChatCompletionRequest { stop: vec!["s".into(); 17], ..valid() }), "stop");
    assert!(
        super::request(&ChatCompletionRequest {
            temperature: Some(0.0),
            top_p: Some(1.0),
            max_tokens: Some(5),
            max_completion_tokens: Some(5),
            ..valid()
        })
        .is_ok()
    );
}

#[test]
fn every_string_the_server_forwards_or_logs_has_a_bound() {
    let long = |n: usize| "x".repeat(n);
    assert_eq!(field(ChatCompletionRequest { model: long(MAX_MODEL_ID_CHARS + 1), ..valid() }), "model");
    assert!(super::request(&ChatCompletionRequest { model: long(MAX_MODEL_ID_CHARS), ..valid() }).is_ok());
    assert_eq!(field(ChatCompletionRequest { user: Some(long(MAX_USER_CHARS + 1)), ..valid() }), "user");
    // Characters, not bytes: 256 two-byte characters are within the bound.
    assert!(
        super::request(&ChatCompletionRequest { user: Some("é".repeat(MAX_USER_CHARS)), ..valid() }).is_ok()
    );
    let mut metadata = std::collections::HashMap::new();
    metadata.insert("team".to_owned(), long(MAX_METADATA_VALUE_CHARS + 1));
    assert_eq!(field(ChatCompletionRequest { metadata, ..valid() }), "metadata.team");
    let many: std::collections::HashMap<String, String> =
        (0..17).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    assert_eq!(field(ChatCompletionRequest { metadata: many, ..valid() }), "metadata");
    assert_eq!(
        field(ChatCompletionRequest { messages: vec![message("user", "x"); MAX_MESSAGES + 1], ..valid() }),
        "messages"
    );
}

#[test]
fn bedrock_options_are_checked_for_sense() {
    let accepted = ChatCompletionRequest {
        parallel_tool_calls: Some(false),
        service_tier: Some("flex".into()),
        store: Some(true),
        metadata: [("team".to_owned(), "search: ranking/v2 @eu".to_owned())].into(),
        performance_config: Some(api::PerformanceConfig { latency: "optimized".into() }),
        ..valid()
    };
    assert!(super::request(&accepted).is_ok());
    for tier in SERVICE_TIERS {
        let request = ChatCompletionRequest { service_tier: Some((*tier).into()), ..valid() };
        assert!(super::request(&request).is_ok(), "{tier}");
    }
    assert_eq!(field(ChatCompletionRequest { service_tier: Some("gold".into()), ..valid() }), "service_tier");
    let fast = |latency: &str| ChatCompletionRequest {
        performance_config: Some(api::PerformanceConfig { latency: latency.into() }),
        ..valid()
    };
    assert_eq!(field(fast("ludicrous")), "performance_config.latency");
    // Bedrock's metadata characters: a quote or a non-ASCII letter would be refused upstream.
    let with = |key: &str, value: &str| ChatCompletionRequest {
        metadata: [(key.to_owned(), value.to_owned())].into(),
        ..valid()
    };
    assert_eq!(field(with("team", "say \"hi\"")), "metadata.team");
    assert_eq!(field(with("équipe", "search")), "metadata.équipe");
    assert_eq!(field(with("", "search")), "metadata.");
}

#[test]
fn json_text_fields_must_be_objects_and_not_doubled() {
    let json = |text: &str| ChatCompletionRequest {
        additional_model_request_fields_json: Some(text.into()),
        ..valid()
    };
    assert!(super::request(&json(r#"{"top_k": 9007199254740993}"#)).is_ok());
    assert_eq!(field(json("[1]")), "additional_model_request_fields_json");
    assert_eq!(field(json("{")), "additional_model_request_fields_json");
    let both = ChatCompletionRequest {
        additional_model_request_fields: Some(prost_types::Struct::default()),
        ..json("{}")
    };
    assert_eq!(field(both), "additional_model_request_fields_json");
    let mut schema = tool("f");
    schema.function.as_mut().unwrap().parameters_json = Some("7".into());
    assert_eq!(
        field(ChatCompletionRequest { tools: vec![schema], ..valid() }),
        "tools[0].function.parameters_json"
    );
}

#[test]
fn tool_definitions_and_choices() {
    let tools = |tools: Vec<api::Tool>| ChatCompletionRequest { tools, ..valid() };
    assert!(super::request(&tools(vec![tool("get_weather"), tool("a-b_9")])).is_ok());
    assert_eq!(field(tools(vec![tool("has space")])), "tools[0].function.name");
    assert_eq!(field(tools(vec![tool(&"n".repeat(65))])), "tools[0].function.name");
    assert_eq!(field(tools(vec![tool("f"), tool("f")])), "tools[1].function.name");
    assert_eq!(field(tools(vec![api::Tool { r#type: "code".into(), ..tool("f") }])), "tools[0].type");
    assert_eq!(field(tools(vec![api::Tool { function: None, ..tool("f") }])), "tools[0].function");
    assert_eq!(field(tools(vec![tool("f"); MAX_TOOLS_PLUS_ONE])), "tools");
    let choice = |c: api::tool_choice::Choice| Some(api::ToolChoice { choice: Some(c) });
    let named =
        |name: &str| choice(api::tool_choice::Choice::Function(api::NamedToolChoice { name: name.into() }));
    let with_choice = |tool_choice| ChatCompletionRequest { tools: vec![tool("f")], tool_choice, ..valid() };
    assert!(super::request(&with_choice(named("f"))).is_ok());
    assert_eq!(field(with_choice(named("g"))), "tool_choice.function.name");
    assert_eq!(field(with_choice(choice(api::tool_choice::Choice::Mode("sometimes".into())))), "tool_choice");
    let required_without_tools = ChatCompletionRequest {
        tool_choice: choice(api::tool_choice::Choice::Mode("required".into())),
        ..valid()
    };
    assert_eq!(field(required_without_tools), "tool_choice");
}

const MAX_TOOLS_PLUS_ONE: usize = tools::MAX_TOOLS + 1;

#[test]
fn a_tool_message_without_a_matching_call_is_rejected() {
    let request = with_messages(vec![
        message("user", "q"),
        assistant_calling(&["call_1"]),
        tool_message("call_9", "x"),
    ]);
    assert_eq!(field(request), "messages[2].tool_call_id");
}

#[test]
fn an_unanswered_tool_call_is_rejected() {
    let request =
        with_messages(vec![message("user", "q"), assistant_calling(&["call_1"]), message("user", "and?")]);
    assert_eq!(field(request), "messages[2]");
    let at_the_end = with_messages(vec![message("user", "q"), assistant_calling(&["call_1"])]);
    assert_eq!(field(at_the_end), "messages");
}

#[test]
fn tool_call_arguments_must_be_json_objects() {
    let mut call = assistant_calling(&["call_1"]);
    call.tool_calls[0].function.as_mut().unwrap().arguments = "[1, 2]".into();
    let request = with_messages(vec![message("user", "q"), call, tool_message("call_1", "x")]);
    assert_eq!(field(request), "messages[1].tool_calls[0].function.arguments");
}

#[test]
fn roles_and_their_content() {
    let err = super::request(&with_messages(vec![message("wizard", "x")])).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("messages[0].role"));
    assert!(err.message.contains("wizard"));
    assert_eq!(field(with_messages(vec![message("system", "  ")])), "messages[0].content");
    assert_eq!(field(with_messages(vec![message("user", "")])), "messages[0].content");
    assert_eq!(field(with_messages(vec![message("system", "s")])), "messages");
    let tool_calls_on_user =
        api::Message { tool_calls: assistant_calling(&["c"]).tool_calls, ..message("user", "x") };
    assert_eq!(field(with_messages(vec![tool_calls_on_user])), "messages[0].tool_calls");
    let id_on_user = api::Message { tool_call_id: Some("c".into()), ..message("user", "x") };
    assert_eq!(field(with_messages(vec![id_on_user])), "messages[0].tool_call_id");
}

#[test]
fn the_conversation_must_start_with_the_user() {
    let err = super::request(&with_messages(vec![message("system", "s"), message("assistant", "hello")]))
        .unwrap_err();
    assert!(err.message.contains("must come from the user"));
}

#[test]
fn images_come_from_data_urls_fetched_urls_and_s3_in_user_messages_only() {
    let part = |url: &str| api::ContentPart {
        part: Some(api::content_part::Part::ImageUrl(api::ImageUrl { url: url.into(), detail: None })),
        cache_control: None,
    };
    let with = |role: &str, url: &str| {
        with_messages(vec![api::Message {
            role: role.into(),
            content: Some(Content::Parts(api::ContentParts { parts: vec![part(url)] })),
            ..Default::default()
        }])
    };
    assert!(super::request(&with("user", "data:image/png;base64,iVBORw0KGgo=")).is_ok());
    // The fetcher judges http(s) URLs against the server's policy; validation bounds them.
    assert!(super::request(&with("user", "https://example.com/cat.png")).is_ok());
    let long = format!("https://example.com/{}", "a".repeat(messages::MAX_IMAGE_URL_CHARS));
    assert_eq!(field(with("user", &long)), "messages[0].content.parts[0].image_url.url");
    assert!(super::request(&with("user", "s3://bucket/cat.png")).is_ok());
    assert_eq!(field(with("user", "s3://bucket/cat.bmp")), "messages[0].content.parts[0].image_url.url");
    assert_eq!(
        field(with("user", "ftp://example.com/cat.png")),
        "messages[0].content.parts[0].image_url.url"
    );
    let bmp = super::request(&with("user", "data:image/bmp;base64,AAAA")).unwrap_err();
    assert!(bmp.message.contains("bmp"), "{bmp}");
    assert_eq!(field(with("system", "data:image/png;base64,AAAA")), "messages[0].content.parts[0]");
}

#[test]
fn reasoning_settings_and_response_formats() {
    assert_eq!(
        field(ChatCompletionRequest { reasoning_effort: Some("ultra".into()), ..valid() }),
        "reasoning_effort"
    );
    let thinking = |kind: &str, budget: Option<u32>| ChatCompletionRequest {
        thinking: Some(api::Thinking { r#type: kind.into(), budget_tokens: budget }),
        ..valid()
    };
    assert!(super::request(&thinking("enabled", Some(2048))).is_ok());
    assert!(super::request(&thinking("adaptive", None)).is_ok());
    assert_eq!(field(thinking("enabled", Some(100))), "thinking.budget_tokens");
    assert_eq!(field(thinking("enabled", None)), "thinking.budget_tokens");
    assert_eq!(field(thinking("sometimes", None)), "thinking.type");
    let both = ChatCompletionRequest { reasoning_effort: Some("low".into()), ..thinking("adaptive", None) };
    assert_eq!(field(both), "thinking");
    let format = |kind: &str| ChatCompletionRequest {
        response_format: Some(api::ResponseFormat { r#type: kind.into(), json_schema: None }),
        ..valid()
    };
    assert!(super::request(&format("text")).is_ok());
    assert!(super::request(&format("json_object")).is_ok());
    assert_eq!(field(format("json_schema")), "response_format.json_schema");
    assert_eq!(field(format("yaml")), "response_format.type");
}

#[test]
fn replayed_thinking_blocks_must_be_whole() {
    let block = |kind: &str, signature: Option<&str>, data: Option<&str>| api::ThinkingBlock {
        r#type: kind.into(),
        thinking: Some("t".into()),
        signature: signature.map(str::to_owned),
        data: data.map(str::to_owned),
        tool_calls_before: None,
    };
    let with = |blocks: Vec<api::ThinkingBlock>| {
        with_messages(vec![
            message("user", "q"),
            api::Message { thinking_blocks: blocks, ..message("assistant", "a") },
            message("user", "more"),
        ])
    };
    assert!(super::request(&with(vec![block("thinking", Some("sig"), None)])).is_ok());
    assert!(super::request(&with(vec![block("redacted_thinking", None, Some("AAAA"))])).is_ok());
    assert_eq!(field(with(vec![block("thinking", None, None)])), "messages[1].thinking_blocks[0].signature");
    assert_eq!(
        field(with(vec![block("redacted_thinking", None, Some("@@"))])),
        "messages[1].thinking_blocks[0].data"
    );
    let on_user = with_messages(vec![api::Message {
        thinking_blocks: vec![block("thinking", Some("s"), None)],
        ..message("user", "q")
    }]);
    assert_eq!(field(on_user), "messages[0].thinking_blocks");
}

#[test]
fn cache_markers_are_four_at_most_with_ttls_that_do_not_grow() {
    let marker = |ttl: Option<&str>| {
        Some(api::CacheControl { r#type: "ephemeral".into(), ttl: ttl.map(str::to_owned) })
    };
    let system = |ttl| api::Message { cache_control: marker(ttl), ..message("system", "s") };
    let user = |ttl| api::Message { cache_control: marker(ttl), ..message("user", "u") };
    assert!(super::request(&with_messages(vec![system(Some("1h")), user(None)])).is_ok());
    assert_eq!(
        field(with_messages(vec![system(None), user(Some("1h"))])),
        "messages[1].cache_control.ttl",
        "a 1h point after a 5m one"
    );
    let five = with_messages(vec![
        system(None),
        user(None),
        message("assistant", "a"),
        user(None),
        user(None),
        user(None),
    ]);
    assert_eq!(field(five), "messages[5].cache_control", "the fifth marker is named");
    let odd = api::Message {
        cache_control: Some(api::CacheControl { r#type: "forever".into(), ttl: None }),
        ..message("user", "u")
    };
    assert_eq!(field(with_messages(vec![odd])), "messages[0].cache_control.type");
}
