//! The fuzz targets' bodies, shared by two runners:
//!
//! - libFuzzer (`cargo +nightly fuzz run <target>`, `fuzz_targets/`): coverage-guided, bounded in
//!   CI by `make fuzz`;
//! - proptest (`tests/properties.rs`, which includes this file): the same bodies on the stable
//!   toolchain, a bounded loop in every `cargo test`.
//!
//! Each body takes any bytes and may return an error from the code under test, but must never
//! panic, hang or allocate without bound. Assertions here are properties that hold for every input
//! (a frame the emulator writes decodes back to itself).

use amazon_chat::catalog::models_file::Defaults;
use amazon_chat::chat::{Policies, map_request, validate};
use amazon_chat::emulator::{eventstream, sigv4};
use amazon_chat::proto::v1 as api;
use amazon_chat::rest::{body, convert, openai};
use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder, read_message_from};
use bytes::{Buf, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue};
use prost::Message as _;
use std::time::{Duration, UNIX_EPOCH};

/// The models the mappings are exercised for: each family's rules differ (reasoning, caching,
/// structured output).
pub const MODELS: &[&str] = &[
    "anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "amazon.nova-lite-v1:0",
    "meta.llama3-8b-instruct-v1:0",
    "openai.gpt-oss-120b-1:0",
    "unknown.model-v1",
];

/// The request path after decoding: validation, then the mapping for every model. Errors are
/// fine; panics are what the targets rule out.
pub fn map_everywhere(request: &api::ChatCompletionRequest) {
    for model in MODELS {
        let mut request = request.clone();
        if validate::request(&request).is_ok() {
            let _ = map_request(&mut request, model, Defaults::default(), &Policies::default());
        }
    }
}

/// A REST body (`POST /v1/chat/completions`) through the parser, the conversion to the core's
/// request, validation and the Converse mapping.
pub fn rest_body(bytes: &[u8]) {
    if let Ok(parsed) = body::parse::<openai::ChatCompletionRequest>(bytes)
        && let Ok((request, _)) = convert::request(parsed)
    {
        map_everywhere(&request);
    }
}

/// A gRPC message body through the protobuf decoder, validation and the Converse mapping.
pub fn grpc_body(bytes: &[u8]) {
    if let Ok(request) = api::ChatCompletionRequest::decode(bytes) {
        map_everywhere(&request);
    }
}

/// The access key id of AWS's SigV4 test suite, whose vectors are the seed corpus.
const SUITE_KEY_ID: &str = "AKIDEXAMPLE";
/// The moment the suite's requests were signed: 2015-08-30T12:36:00Z.
const SUITE_TIME_SECS: u64 = 1_440_938_160;

/// A request in the SigV4 test suite's text format (request line, header lines, an empty line,
/// the body) through the emulator's SigV4 verifier, at the suite's signing time and with its
/// credentials, so that mutations of the seed vectors reach the canonicalisation and the
/// signature check. Input that is not such a request is skipped.
pub fn sigv4_request(bytes: &[u8]) {
    let Some((method, target, headers, body)) = parse_suite_request(bytes) else { return };
    let (Ok(method), Ok(uri)) = (http::Method::from_bytes(method.as_bytes()), target.parse::<http::Uri>())
    else {
        return;
    };
    let request = sigv4::Request::new(&method, &uri, &headers, body);
    let lookup = |id: &str| {
        (id == SUITE_KEY_ID).then(|| sigv4::KnownCredential {
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
            expires: None,
            principal_arn: "arn:aws:iam::123456789012:user/fuzz".into(),
        })
    };
    let now = UNIX_EPOCH + Duration::from_secs(SUITE_TIME_SECS);
    for service in ["service", sigv4::BEDROCK, sigv4::STS] {
        let _ = sigv4::verify_request_at(service, &request, lookup, now);
    }
}

/// Splits the suite's text format leniently: `None` where a real HTTP parser would refuse.
fn parse_suite_request(bytes: &[u8]) -> Option<(&str, &str, HeaderMap, &[u8])> {
    let head_end = find(bytes, b"\n\n").unwrap_or(bytes.len());
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    let body = bytes.get(head_end + 2..).unwrap_or_default();
    let mut lines = head.split('\n');
    let (method, rest) = lines.next()?.split_once(' ')?;
    let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
    let mut headers = HeaderMap::new();
    let mut last: Option<HeaderName> = None;
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous header.
            let name = last.clone()?;
            let previous = headers.get(&name)?.to_str().ok()?.to_owned();
            headers.insert(name, HeaderValue::from_str(&format!("{previous} {line}")).ok()?);
        } else {
            let (name, value) = line.split_once(':')?;
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            headers.append(name.clone(), HeaderValue::from_str(value).ok()?);
            last = Some(name);
        }
    }
    Some((method, target, headers, body))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Bytes as an upstream event stream: the frame decoder the SDK reads Bedrock's ConverseStream
/// replies with, fed in chunks of a size the input's first byte picks (frames split across reads
/// are the normal case on a socket). Then the emulator's frame writer on the input as text: its
/// frame must decode back to what it wrote, and the same frame with one byte changed (where and
/// how the input's next bytes say) must never decode at all, since the CRCs cover every byte.
pub fn event_stream(bytes: &[u8]) {
    let Some((&chunk, rest)) = bytes.split_first() else { return };
    let chunk = usize::from(chunk).max(1);
    decode_all(rest, chunk);

    let text = String::from_utf8_lossy(rest);
    let payload = serde_json::json!({ "contentBlockIndex": 0, "delta": { "text": text } });
    let frame = eventstream::event("contentBlockDelta", &payload);
    let mut reader = frame.clone();
    let message = read_message_from(&mut reader).expect("the emulator's frame decodes");
    assert!(!reader.has_remaining(), "one frame, nothing after it");
    let decoded: serde_json::Value = serde_json::from_slice(message.payload()).expect("a JSON payload");
    assert_eq!(decoded, payload, "the payload survives the framing");

    if let [at, flip, ..] = *rest
        && flip != 0
    {
        let mut corrupted = frame.to_vec();
        let at = usize::from(at) * corrupted.len() / 256;
        corrupted[at] ^= flip;
        assert_eq!(decode_all(&corrupted, chunk), 0, "byte {at} changed, yet a frame decoded");
    }
}

/// Feeds `bytes` to a frame decoder `chunk` bytes at a time; the frames decoded before the first
/// error or the end.
fn decode_all(bytes: &[u8], chunk: usize) -> usize {
    let mut decoder = MessageFrameDecoder::new();
    let mut buffer = BytesMut::new();
    let mut frames = 0;
    for piece in bytes.chunks(chunk) {
        buffer.extend_from_slice(piece);
        loop {
            match decoder.decode_frame(&mut buffer) {
                Ok(DecodedFrame::Complete(message)) => {
                    let _ = aws_smithy_eventstream::smithy::parse_response_headers(&message);
                    frames += 1;
                }
                Ok(DecodedFrame::Incomplete) => break,
                Err(_) => return frames,
            }
        }
    }
    frames
}
