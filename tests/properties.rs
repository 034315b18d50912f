//! Property tests of the request path, bounded in count (they run in CI in a few seconds):
//!
//! - any byte string into the REST body parser and into the protobuf decoder yields a value or a
//!   clear error, never a panic; what decodes then goes through validation and the Converse
//!   mapping without a panic either;
//! - any JSON document the REST shim parses maps without a panic;
//! - any valid request maps onto Converse and keeps what it must: every message's role and text,
//!   in order, the system prompt, and the inference settings;
//! - AWS's SigV4 test vectors with bytes overwritten go through the emulator's verifier, and any
//!   bytes (and mutated emulator frames) through the event-stream decoder, without a panic.
//!
//! The bodies are the fuzz targets' (`fuzz/src/lib.rs`): `make fuzz` runs them under libFuzzer
//! on nightly; here they run as bounded property loops on stable, and proptest shrinks a failure
//! to a minimal input and prints it.

// Test code: a panic is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use amazon_chat::catalog::models_file::Defaults;
use amazon_chat::chat::{Policies, map_request, validate};
use amazon_chat::emulator::eventstream;
use amazon_chat::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, SystemContentBlock};
use proptest::prelude::*;
use prost::Message as _;
use std::sync::LazyLock;

/// The fuzz targets' bodies, which libFuzzer runs under `make fuzz`.
#[path = "../fuzz/src/lib.rs"]
mod harness;
use harness::MODELS;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() }
}

/// The SigV4 test suite's signed requests, the seeds the verifier's mutations start from.
static SIGNED_VECTORS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/emulator/sigv4_vectors");
    let mut vectors: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| std::fs::read(entry.unwrap().path().join("header-signed-request.txt")).ok())
        .collect();
    vectors.sort();
    assert_eq!(vectors.len(), 33, "the vectors sigv4_vectors/README.md lists");
    vectors
});

/// A ConverseStream reply as the emulator frames it, the seed of the event-stream mutations.
fn stream_frames(texts: &[String]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&eventstream::event("messageStart", &serde_json::json!({"role": "assistant"})));
    for text in texts {
        let delta = serde_json::json!({"contentBlockIndex": 0, "delta": {"text": text}});
        bytes.extend_from_slice(&eventstream::event("contentBlockDelta", &delta));
    }
    bytes.extend_from_slice(&eventstream::exception("throttlingException", "Too many requests"));
    bytes
}

/// A seed with 1–8 bytes overwritten.
fn mutated(mut bytes: Vec<u8>, flips: &[(prop::sample::Index, u8)]) -> Vec<u8> {
    if !bytes.is_empty() {
        for (index, value) in flips {
            let at = index.index(bytes.len());
            bytes[at] = *value;
        }
    }
    bytes
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
        harness::rest_body(&bytes);
    }

    #[test]
    fn any_json_the_shim_accepts_maps_without_panic(document in json()) {
        harness::rest_body(&serde_json::to_vec(&document).unwrap());
    }

    #[test]
    fn any_bytes_into_the_protobuf_decoder_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        harness::grpc_body(&bytes);
    }

    #[test]
    fn mutated_valid_requests_decode_or_fail_cleanly(
        request in valid_request(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        harness::grpc_body(&mutated(request.encode_to_vec(), &flips));
    }

    #[test]
    fn mutated_signed_requests_verify_or_fail_cleanly(
        seed in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        harness::sigv4_request(&mutated(seed.get(&SIGNED_VECTORS).clone(), &flips));
    }

    #[test]
    fn mutated_event_streams_decode_or_fail_cleanly(
        chunk in any::<u8>(),
        texts in prop::collection::vec(".{0,40}", 0..4),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = vec![chunk];
        bytes.extend(mutated(stream_frames(&texts), &flips));
        harness::event_stream(&bytes);
    }

    #[test]
    fn any_bytes_as_an_event_stream_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        harness::event_stream(&bytes);
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
