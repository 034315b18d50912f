//! Property tests of the request path, bounded in count (they run in CI in a few seconds):
//!
//! - any byte string into the REST body parser and into the protobuf decoder yields a value or a
//!   clear error, never a panic; what decodes then goes through validation and the Converse
//!   mapping without a panic either;
//! - any JSON document the REST shim parses maps without a panic;
//! - any valid request maps onto Converse and keeps what it must: every message's role and text,
//!   in order, the system prompt, and the inference settings.
//!
//! These are the fuzz targets of the issue on hostile input, run as bounded property loops:
//! proptest shrinks a failure to a minimal input and prints it.

// Test code: a panic is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use amazon_chat::catalog::models_file::Defaults;
use amazon_chat::chat::{Policies, map_request, validate};
use amazon_chat::proto::v1 as api;
use amazon_chat::rest::{body, convert, openai};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, SystemContentBlock};
use proptest::prelude::*;
use prost::Message as _;

/// The models the mappings are exercised for: each family's rules differ (reasoning, caching,
/// structured output).
const MODELS: &[&str] = &[
    "anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "amazon.nova-lite-v1:0",
    "meta.llama3-8b-instruct-v1:0",
    "openai.gpt-oss-120b-1:0",
    "unknown.model-v1",
];

fn config() -> ProptestConfig {
    ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() }
}

/// The whole request path after decoding: validation, then the mapping for every model. Errors
/// are fine; panics are what the properties rule out.
fn map_everywhere(request: &api::ChatCompletionRequest) {
    for model in MODELS {
        let mut request = request.clone();
        if validate::request(&request).is_ok() {
            let _ = map_request(&mut request, model, Defaults::default(), &Policies::default());
        }
    }
}

/// JSON documents of any shape, a few levels deep, biased toward the request's own field names.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let names = prop_oneof![
        Just("model".to_owned()),
        Just("messages".to_owned()),
        Just("role".to_owned()),
        Just("content".to_owned()),
        Just("tools".to_owned()),
        Just("type".to_owned()),
        Just("text".to_owned()),
        Just("image_url".to_owned()),
        Just("temperature".to_owned()),
        Just("max_tokens".to_owned()),
        Just("stop".to_owned()),
        Just("response_format".to_owned()),
        Just("tool_choice".to_owned()),
        Just("reasoning_effort".to_owned()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        prop_oneof![
            Just("user"),
            Just("assistant"),
            Just("system"),
            Just("tool"),
            Just("text"),
            Just("function")
        ]
        .prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((names.clone(), inner), 0..8)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A valid chat request: roles, texts, and settings within their bounds.
fn valid_request() -> impl Strategy<Value = api::ChatCompletionRequest> {
    // Texts start with a letter: blank messages are refused, rightly.
    let turn = "[a-zA-Z漢][a-zA-Z0-9 ,.!?é漢]{0,59}";
    (
        prop::option::of("[a-zA-Z][a-zA-Z0-9 ]{0,39}"),
        prop::collection::vec(turn, 1..6),
        prop::option::of(0.0f64..=1.0),
        prop::option::of(1u32..=4096),
        prop::option::of(0.0f64..=1.0),
        prop::collection::vec("[a-z]{1,8}", 0..3),
    )
        .prop_map(|(system, turns, temperature, max_tokens, top_p, stop)| {
            let mut messages = Vec::new();
            if let Some(system) = system {
                messages.push(text_message("system", &system));
            }
            for (index, text) in turns.iter().enumerate() {
                // Alternating turns, starting and ending with the user.
                let role = if index % 2 == 0 { "user" } else { "assistant" };
                messages.push(text_message(role, text));
            }
            if turns.len() % 2 == 0 {
                messages.push(text_message("user", "and?"));
            }
            api::ChatCompletionRequest {
                model: MODELS[0].to_owned(),
                messages,
                temperature,
                max_tokens,
                top_p,
                stop,
                ..Default::default()
            }
        })
}

fn text_message(role: &str, text: &str) -> api::Message {
    api::Message {
        role: role.to_owned(),
        content: Some(api::message::Content::Text(text.to_owned())),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_into_the_rest_parser_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(parsed) = body::parse::<openai::ChatCompletionRequest>(&bytes)
            && let Ok((request, _)) = convert::request(parsed)
        {
            map_everywhere(&request);
        }
    }

    #[test]
    fn any_json_the_shim_accepts_maps_without_panic(document in json()) {
        let bytes = serde_json::to_vec(&document).unwrap();
        if let Ok(parsed) = body::parse::<openai::ChatCompletionRequest>(&bytes)
            && let Ok((request, _)) = convert::request(parsed)
        {
            map_everywhere(&request);
        }
    }

    #[test]
    fn any_bytes_into_the_protobuf_decoder_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(request) = api::ChatCompletionRequest::decode(bytes.as_slice()) {
            map_everywhere(&request);
        }
    }

    #[test]
    fn mutated_valid_requests_decode_or_fail_cleanly(
        request in valid_request(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = request.encode_to_vec();
        for (index, value) in flips {
            let at = index.index(bytes.len());
            bytes[at] = value;
        }
        if let Ok(request) = api::ChatCompletionRequest::decode(bytes.as_slice()) {
            map_everywhere(&request);
        }
    }

    #[test]
    fn valid_requests_keep_their_turns_and_settings(request in valid_request()) {
        let expected_turns: Vec<(String, String)> = request
            .messages
            .iter()
            .filter(|m| m.role != "system")
            .map(|m| match &m.content {
                Some(api::message::Content::Text(text)) => (m.role.clone(), text.clone()),
                _ => unreachable!("text messages only"),
            })
            .collect();
        let system: Vec<String> = request
            .messages
            .iter()
            .filter(|m| m.role == "system")
            .filter_map(|m| match &m.content {
                Some(api::message::Content::Text(text)) => Some(text.clone()),
                _ => None,
            })
            .collect();
        let mut mapped = request.clone();
        validate::request(&mapped).expect("a valid request validates");
        let (converse, _) =
            map_request(&mut mapped, MODELS[0], Defaults::default(), &Policies::default()).expect("and maps");

        let turns: Vec<(String, String)> = converse
            .messages
            .iter()
            .map(|m| {
                let role = match m.role() {
                    ConversationRole::User => "user",
                    ConversationRole::Assistant => "assistant",
                    other => panic!("unexpected role {other:?}"),
                };
                let text: String = m
                    .content()
                    .iter()
                    .filter_map(|block| match block {
                        ContentBlock::Text(text) => Some(text.as_str()),
                        _ => None,
                    })
                    .collect();
                (role.to_owned(), text)
            })
            .collect();
        prop_assert_eq!(turns, expected_turns);
        let mapped_system: Vec<String> = converse
            .system
            .iter()
            .filter_map(|block| match block {
                SystemContentBlock::Text(text) => Some(text.clone()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(mapped_system, system);
        let inference = &converse.inference;
        prop_assert_eq!(inference.max_tokens(), request.max_tokens.map(|n| n as i32));
        prop_assert_eq!(inference.temperature().map(f64::from), request.temperature.map(|t| f64::from(t as f32)));
        prop_assert_eq!(inference.top_p().map(f64::from), request.top_p.map(|t| f64::from(t as f32)));
        prop_assert_eq!(inference.stop_sequences().to_vec(), request.stop);
    }
}
