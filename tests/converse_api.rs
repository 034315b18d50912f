//! Bedrock's own Converse door through the real server, over a real socket, against the emulator:
//! the same keys, policies, limits and error table as the other doors, in Bedrock's shapes. boto3
//! drives the door over TLS in `tests/sdk/bedrock/`; these tests cover what is about the gateway
//! (refusals from the layers before the handler, key policies, rate limits, the frames on the
//! wire), over plain HTTP with curl.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{CurlResponse, KeysFile, MODEL, Stack, curl};

fn converse(stack: &Stack, path: &str, headers: &[&str], body: &serde_json::Value) -> CurlResponse {
    let body = body.to_string();
    let mut args = vec!["-H", "content-type: application/json"];
    for header in headers {
        args.extend(["-H", header]);
    }
    args.extend(["--data-binary", body.as_str()]);
    curl(&stack.server.url, path, &args)
}

fn hello() -> serde_json::Value {
    serde_json::json!({"messages": [{"role": "user", "content": [{"text": "Hello"}]}]})
}

/// Bedrock's error shape exactly: the status, `x-amzn-ErrorType`, `{"message"}` and the request id.
fn assert_bedrock_error(response: &CurlResponse, status: u16, kind: &str) -> String {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(response.header("x-amzn-errortype"), Some(kind), "{:?}", response.headers);
    assert!(response.header("x-amzn-requestid").is_some(), "{:?}", response.headers);
    let body = response.json();
    assert_eq!(body.as_object().unwrap().len(), 1, "only message: {body}");
    body["message"].as_str().unwrap().to_owned()
}

#[test]
fn keys_policies_and_limits_refuse_in_bedrocks_shape() {
    let keys = KeysFile::write(&[
        ("haiku-only", r#"models = ["anthropic.claude-3-haiku-*"]"#),
        ("one-a-minute", "requests_per_minute = 1"),
    ]);
    let stack = Stack::start_with(&["--keys-file", keys.path().to_str().unwrap()], &[]);
    let path = format!("/model/{}/converse", MODEL.replace(':', "%3A"));
    let bearer = |name: &str| format!("authorization: Bearer {}", keys.key(name));

    let ok = converse(&stack, &path, &[&bearer("haiku-only")], &hello());
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["output"]["message"]["content"][0]["text"], "You said: Hello");
    assert_eq!(ok.header("x-amzn-requestid"), ok.header("x-request-id"));

    let message =
        assert_bedrock_error(&converse(&stack, &path, &[], &hello()), 401, "UnrecognizedClientException");
    assert!(message.contains("API key"), "{message}");
    let signed =
        "authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/bedrock/aws4_request";
    let message = assert_bedrock_error(
        &converse(&stack, &path, &[signed], &hello()),
        401,
        "UnrecognizedClientException",
    );
    assert!(message.contains("AWS_BEARER_TOKEN_BEDROCK"), "{message}");

    let sonnet = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse";
    assert_bedrock_error(
        &converse(&stack, sonnet, &[&bearer("haiku-only")], &hello()),
        403,
        "AccessDeniedException",
    );

    assert_eq!(converse(&stack, &path, &[&bearer("one-a-minute")], &hello()).status, 200);
    let throttled = converse(&stack, &path, &[&bearer("one-a-minute")], &hello());
    assert_bedrock_error(&throttled, 429, "ThrottlingException");
    assert!(throttled.header("retry-after").is_some());
}

#[test]
fn requests_are_checked_field_by_field() {
    let stack = Stack::start();
    let path = format!("/model/{MODEL}/converse");
    let unknown = serde_json::json!({"messages": [], "inferenceConfig": {"maxTokens": 10, "topK": 5}});
    let message = assert_bedrock_error(&converse(&stack, &path, &[], &unknown), 400, "ValidationException");
    assert!(message.contains("inferenceConfig") && message.contains("topK"), "{message}");

    let owner = serde_json::json!({"messages": [{"role": "user", "content": [
        {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://b/k.png", "bucketOwner": "111122223333"}}}}
    ]}]});
    let message = assert_bedrock_error(&converse(&stack, &path, &[], &owner), 400, "ValidationException");
    assert!(message.contains("messages[0].content[0].image.source.s3Location.bucketOwner"), "{message}");

    let get = curl(&stack.server.url, &path, &[]);
    assert_bedrock_error(&get, 405, "ValidationException");
    assert_bedrock_error(
        &converse(&stack, "/model/x/invoke", &[], &hello()),
        404,
        "ResourceNotFoundException",
    );
}

#[test]
fn the_stream_is_event_stream_frames_bedrock_would_send() {
    use aws_smithy_eventstream::frame::read_message_from;
    let stack = Stack::start();
    let path = format!("/model/{MODEL}/converse-stream");
    let output = std::process::Command::new("curl")
        .args(["-s", "--max-time", "20", "-H", "content-type: application/json", "--data-binary"])
        .arg(hello().to_string())
        .arg(format!("{}{path}", stack.server.url))
        .output()
        .unwrap();
    let mut bytes = bytes::Bytes::from(output.stdout);
    let mut names = Vec::new();
    let mut text = String::new();
    while !bytes.is_empty() {
        let message = read_message_from(&mut bytes).expect("a well-formed frame with valid CRCs");
        let header = |name: &str| {
            message
                .headers()
                .iter()
                .find(|h| h.name().as_str() == name)
                .map(|h| h.value().as_string().unwrap().as_str().to_owned())
        };
        assert_eq!(header(":message-type").as_deref(), Some("event"));
        assert_eq!(header(":content-type").as_deref(), Some("application/json"));
        let payload: serde_json::Value = serde_json::from_slice(message.payload()).unwrap();
        if let Some(fragment) = payload["delta"]["text"].as_str() {
            text.push_str(fragment);
        }
        names.push(header(":event-type").unwrap());
    }
    assert_eq!(names.first().map(String::as_str), Some("messageStart"));
    assert_eq!(&names[names.len() - 2..], ["messageStop", "metadata"]);
    assert_eq!(text, "You said: Hello");
}
