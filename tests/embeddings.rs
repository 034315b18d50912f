//! Embeddings end to end over gRPC: client -> real server -> AWS SDK InvokeModel (SigV4, each
//! family's own body, the token-count header) -> emulator, over loopback TCP. What the emulator
//! received is read back from its request log, so the bodies the server sends are checked too.
//! The REST door is driven by the official OpenAI SDK in `tests/sdk/python/test_embeddings.py`.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amazon_chat::proto::v1 as api;
use amazon_chat::proto::v1::embedding_service_client::EmbeddingServiceClient;
use common::*;

/// A 1x1 PNG.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn text(text: &str) -> api::EmbeddingInput {
    api::EmbeddingInput { input: Some(api::embedding_input::Input::Text(text.to_owned())) }
}

fn image(url: &str) -> api::EmbeddingInput {
    api::EmbeddingInput { input: Some(api::embedding_input::Input::ImageUrl(url.to_owned())) }
}

fn embed(model: &str, inputs: Vec<api::EmbeddingInput>) -> api::CreateEmbeddingsRequest {
    api::CreateEmbeddingsRequest { model: model.to_owned(), inputs, ..Default::default() }
}

async fn client(stack: &Stack) -> EmbeddingServiceClient<tonic::transport::Channel> {
    EmbeddingServiceClient::new(stack.channel().await)
}

#[tokio::test]
async fn cohere_batches_of_96_keep_their_order_and_count_tokens_from_bedrocks_header() {
    let stack = Stack::start();
    let texts: Vec<api::EmbeddingInput> = (0..100).map(|i| text(&format!("passage {i}"))).collect();
    let response = client(&stack)
        .await
        .create_embeddings(embed("cohere.embed-english-v3", texts))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.object, "list");
    assert_eq!(response.data.iter().map(|e| e.index).collect::<Vec<_>>(), (0..100).collect::<Vec<_>>());
    assert!(response.data.iter().all(|e| e.embedding.len() == 1024));
    assert_eq!(response.usage.unwrap().prompt_tokens, 200, "two words each, from the header only");
    let mut calls = stack.recorded_ops("invoke-model");
    calls.sort_by_key(|call| std::cmp::Reverse(call["body"]["texts"].as_array().map_or(0, Vec::len)));
    assert_eq!(calls.len(), 2, "96, then 4 (sent concurrently: in any order)");
    assert_eq!(calls[0]["body"]["texts"].as_array().unwrap().len(), 96);
    assert_eq!(calls[1]["body"]["texts"][3], "passage 99");
    assert_eq!(calls[0]["body"]["input_type"], "search_document", "the documented default");

    let single = client(&stack)
        .await
        .create_embeddings(embed("cohere.embed-english-v3", vec![text("passage 99")]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(single.data[0].embedding, response.data[99].embedding, "the same text, the same vector");
}

#[tokio::test]
async fn each_family_gets_its_own_body_and_images_go_where_they_are_taken() {
    let stack = Stack::start_with(&["--embedding-input-type", "clustering"], &[]);
    let mut embeddings = client(&stack).await;
    let titan = api::CreateEmbeddingsRequest {
        dimensions: Some(256),
        normalize: Some(false),
        ..embed("amazon.titan-embed-text-v2:0", vec![text("one"), text("two")])
    };
    let answer = embeddings.create_embeddings(titan).await.unwrap().into_inner();
    assert_eq!(answer.data.len(), 2);
    assert_eq!(answer.data[0].embedding.len(), 256);
    // The calls run concurrently: in any order.
    let mut bodies: Vec<serde_json::Value> =
        stack.recorded_ops("invoke-model").into_iter().map(|r| r["body"].clone()).collect();
    bodies.sort_by_key(|body| body["inputText"].as_str().unwrap_or_default().to_owned());
    assert_eq!(bodies[0], serde_json::json!({"inputText": "one", "dimensions": 256, "normalize": false}));
    assert_eq!(bodies.len(), 2, "Titan takes one text a call");

    let nova = api::CreateEmbeddingsRequest {
        dimensions: Some(384),
        ..embed("amazon.nova-2-multimodal-embeddings-v1:0", vec![text("a cat"), image(PNG)])
    };
    let answer = embeddings.create_embeddings(nova).await.unwrap().into_inner();
    assert!(answer.data.iter().all(|e| e.embedding.len() == 384));
    let calls = stack.recorded_ops("invoke-model");
    let image_call = calls.iter().find(|r| !r["body"]["singleEmbeddingParams"]["image"].is_null()).unwrap();
    let params = &image_call["body"]["singleEmbeddingParams"];
    assert_eq!(params["image"]["format"], "png");
    assert_eq!(params["embeddingPurpose"], "CLUSTERING", "--embedding-input-type");

    let v4 = api::CreateEmbeddingsRequest {
        input_type: Some("search_query".into()),
        normalize: Some(true),
        encoding_format: Some("base64".into()),
        ..embed("us.cohere.embed-v4:0", vec![image(PNG)])
    };
    let answer = embeddings.create_embeddings(v4).await.unwrap().into_inner();
    let encoded = answer.data[0].embedding_base64.as_deref().unwrap();
    assert!(answer.data[0].embedding.is_empty());
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    let vector: Vec<f32> = bytes.chunks(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
    assert_eq!(vector.len(), 1536);
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-3, "normalised by the server: {norm}");
    let v4_call = stack.recorded_ops("invoke-model").pop().unwrap();
    assert_eq!(v4_call["body"]["input_type"], "search_query");
    assert_eq!(v4_call["body"]["images"][0], PNG);

    let refused = embeddings
        .create_embeddings(embed("amazon.titan-embed-text-v2:0", vec![image(PNG)]))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(refused.message().contains("inputs[0].image_url"), "{}", refused.message());
}

#[tokio::test]
async fn wrong_models_and_bad_requests_are_refused_naming_the_field() {
    let stack = Stack::start();
    let mut embeddings = client(&stack).await;
    for (request, field) in [
        (embed(MODEL, vec![text("hi")]), "model"),
        (embed("amazon.titan-embed-text-v2:0", vec![]), "inputs"),
        (
            api::CreateEmbeddingsRequest {
                dimensions: Some(300),
                ..embed("amazon.titan-embed-text-v2:0", vec![text("hi")])
            },
            "dimensions",
        ),
        (embed("amazon.titan-embed-text-v2:0", vec![api::EmbeddingInput { input: None }]), "inputs[0]"),
        (
            embed("amazon.nova-2-multimodal-embeddings-v1:0", vec![image("https://example.com/a.png")]),
            "inputs[0].image_url",
        ),
    ] {
        let status = embeddings.create_embeddings(request).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{field}: {}", status.message());
        assert!(status.message().contains(field), "{field}: {}", status.message());
    }
    assert!(stack.recorded_ops("invoke-model").is_empty(), "nothing invalid reaches Bedrock");
    let chat = stack
        .chat()
        .await
        .chat_completion(api::ChatCompletionRequest {
            model: "amazon.titan-embed-text-v2:0".into(),
            ..ask("hi")
        })
        .await
        .unwrap_err();
    assert_eq!(chat.code(), tonic::Code::InvalidArgument);
    assert!(chat.message().contains("embedding model"), "{}", chat.message());
}

#[tokio::test]
async fn keys_limits_and_retries_are_the_cores() {
    let keys =
        KeysFile::write(&[("titan-only", "models = [\"amazon.titan-embed-*\"]\nrequests_per_minute = 1")]);
    let stack = Stack::start_with(
        &[
            "--keys-file",
            keys.path().to_str().unwrap(),
            "--bedrock-max-attempts",
            "3",
            "--retry-jitter",
            "none",
            "--retry-initial-backoff",
            "10ms",
        ],
        &[],
    );
    let mut embeddings = client(&stack).await;
    let with_key = |request: api::CreateEmbeddingsRequest| {
        let mut request = tonic::Request::new(request);
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {}", keys.key("titan-only")).parse().unwrap());
        request
    };
    let denied = embeddings
        .create_embeddings(with_key(embed("cohere.embed-english-v3", vec![text("hi")])))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied, "{}", denied.message());
    let retried = embeddings
        .create_embeddings(with_key(embed(
            "amazon.titan-embed-text-v2:0",
            vec![text("[[emulator:throttle]] [[emulator:times=2]] hi")],
        )))
        .await
        .unwrap();
    assert_eq!(
        retried.metadata().get("x-amazon-chat-attempts").unwrap(),
        "3",
        "throttled twice, then answered"
    );
    let limited = embeddings
        .create_embeddings(with_key(embed("amazon.titan-embed-text-v2:0", vec![text("hi")])))
        .await
        .unwrap_err();
    assert_eq!(limited.code(), tonic::Code::ResourceExhausted, "{}", limited.message());
}
