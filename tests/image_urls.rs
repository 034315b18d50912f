//! Images by URL through the real server: fetched from a loopback image server (allowed only with
//! the test-only switch), the format told by the bytes, and every refusal a 400 naming the part:
//! loopback, private and metadata addresses (also behind a redirect), plain http unless allowed,
//! hosts off the allow-list, too many redirects, too large, not an image, too slow, switched off.

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine as _;
use common::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A 1x1 PNG.
const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00,
    0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50, 0x0f, 0x00, 0x03,
    0x86, 0x01, 0x80, 0x5a, 0x34, 0x7d, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
    0x60, 0x82,
];

/// An image server on loopback, in a thread of its own (the tests drive curl synchronously),
/// counting the requests it gets.
struct ImageServer {
    base: String,
    hits: Arc<AtomicUsize>,
}

impl ImageServer {
    fn start() -> ImageServer {
        let (sender, receiver) = std::sync::mpsc::channel();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                sender.send(listener.local_addr().unwrap()).unwrap();
                let count = axum::middleware::from_fn(move |request, next: axum::middleware::Next| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    async move { next.run(request).await }
                });
                axum::serve(listener, routes().layer(count)).await.unwrap();
            });
        });
        let address = receiver.recv().unwrap();
        ImageServer { base: format!("http://{address}"), hits }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn routes() -> axum::Router {
    use axum::routing::get;
    let redirect = |to: &'static str| move || async move { (StatusCode::FOUND, [(header::LOCATION, to)]) };
    axum::Router::new()
        // The content type lies: the format comes from the bytes.
        .route("/pixel", get(|| async { ([(header::CONTENT_TYPE, "text/plain")], PIXEL) }))
        .route("/moved", get(redirect("/pixel")))
        .route("/to-metadata", get(redirect("http://169.254.169.254/latest/meta-data/")))
        .route("/loop", get(redirect("/loop")))
        .route(
            "/page",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], "<html>not an image</html>") }),
        )
        .route("/huge", get(|| async { vec![0x89u8; 4_000_000].into_response() }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                PIXEL
            }),
        )
}

fn asking_for(url: &str) -> String {
    json!({"model": MODEL, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "what is this?"}, {"type": "image_url", "image_url": {"url": url}}]}]})
    .to_string()
}

/// The 400's message for `url`, after checking that it names the part.
fn refusal(stack: &Stack, url: &str) -> String {
    let response = curl_chat(&stack.server.url, None, &asking_for(url));
    assert_eq!(response.status, 400, "{url}: {}", response.body);
    let error: Value = response.json()["error"].clone();
    assert_eq!(error["param"], "messages[0].content.parts[1].image_url.url", "{error}");
    error["message"].as_str().unwrap().to_owned()
}

#[test]
fn an_image_url_is_fetched_and_sent_as_bytes_when_loopback_is_allowed() {
    let images = ImageServer::start();
    let stack = Stack::start_with(&["--image-urls", "http", "--image-urls-allow-loopback"], &[]);
    for path in ["/pixel", "/moved"] {
        let response = curl_chat(&stack.server.url, None, &asking_for(&images.url(path)));
        assert_eq!(response.status, 200, "{path}: {}", response.body);
        let image = &stack.last_recorded()["body"]["messages"][0]["content"][1]["image"];
        assert_eq!(image["format"], "png", "{path}: told by the bytes, not the content type");
        assert_eq!(image["source"]["bytes"], base64::engine::general_purpose::STANDARD.encode(PIXEL));
    }

    // Each failure names the part and says why; Bedrock is never called.
    let calls = stack.recorded_ops("converse").len();
    let cases = [
        ("/to-metadata", "link-local"),
        ("/loop", "redirects more than 3 times"),
        ("/page", "not a png, jpeg, gif or webp image"),
        ("/huge", "larger than 3932160 bytes"),
        ("/missing", "404"),
    ];
    for (path, reason) in cases {
        let message = refusal(&stack, &images.url(path));
        assert!(message.contains(reason), "{path}: {message}");
    }
    for (url, reason) in [
        ("http://10.1.2.3/a.png", "a private address (10.1.2.3)"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::ffff:10.0.0.1]/a.png", "a private address (::ffff:10.0.0.1)"),
        ("ftp://example.com/a.png", "must be a base64 data URL"),
    ] {
        let message = refusal(&stack, url);
        assert!(message.contains(reason), "{url}: {message}");
    }
    assert_eq!(stack.recorded_ops("converse").len(), calls, "nothing reached Bedrock");
}

#[test]
fn loopback_plain_http_and_unlisted_hosts_are_refused_by_default() {
    let images = ImageServer::start();
    let pixel = images.url("/pixel");

    let by_default = Stack::start();
    let message = refusal(&by_default, &pixel);
    assert!(message.contains("plain http URLs are refused"), "{message}");

    let http = Stack::start_with(&["--image-urls", "http"], &[]);
    let message = refusal(&http, &pixel);
    assert!(message.contains("a loopback address (127.0.0.1), which is refused"), "{message}");
    let message = refusal(&http, &pixel.replace("127.0.0.1", "localhost"));
    assert!(message.contains("loopback"), "a name that resolves to loopback: {message}");

    let listed = Stack::start_with(
        &["--image-urls", "http", "--image-urls-allow-loopback", "--image-url-hosts", "images.example.com"],
        &[],
    );
    let message = refusal(&listed, &pixel);
    assert!(message.contains("not among the allowed hosts"), "{message}");

    let off = Stack::start_with(&["--image-urls", "off"], &[]);
    let message = refusal(&off, "https://images.example.com/a.png");
    assert!(message.contains("--image-urls off"), "{message}");
}

#[test]
fn a_slow_image_server_is_cut_at_the_timeout() {
    let images = ImageServer::start();
    let stack = Stack::start_with(
        &["--image-urls", "http", "--image-urls-allow-loopback", "--image-url-timeout", "300ms"],
        &[],
    );
    let started = std::time::Instant::now();
    let message = refusal(&stack, &images.url("/slow"));
    assert!(message.contains("took longer than 300ms"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(3), "cut at the timeout, not when the server answered");
}

/// A server that fetches loopback images, with these keys.
fn with_keys_and_loopback_images(keys: &KeysFile) -> Stack {
    let keys_file = keys.path();
    let args =
        ["--image-urls", "http", "--image-urls-allow-loopback", "--keys-file", keys_file.to_str().unwrap()];
    Stack::start_with(&args, &[])
}

#[test]
fn a_caller_that_may_not_use_the_model_makes_the_server_fetch_nothing() {
    let images = ImageServer::start();
    let keys = KeysFile::write(&[("haiku-only", r#"models = ["anthropic.claude-3-haiku-*"]"#)]);
    let stack = with_keys_and_loopback_images(&keys);
    let body = asking_for(&images.url("/pixel")).replace(MODEL, "us.amazon.nova-pro-v1:0");
    let response = curl_chat(&stack.server.url, Some(keys.key("haiku-only")), &body);
    assert_eq!(response.status, 403, "{}", response.body);
    assert_eq!(images.hits.load(Ordering::SeqCst), 0, "no fetch for a model the key may not use");
    let allowed =
        curl_chat(&stack.server.url, Some(keys.key("haiku-only")), &asking_for(&images.url("/pixel")));
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(images.hits.load(Ordering::SeqCst), 1);
}

#[test]
fn a_caller_over_its_rate_limit_gets_its_429_before_any_fetch() {
    let images = ImageServer::start();
    let keys = KeysFile::write(&[("one-a-minute", "requests_per_minute = 1")]);
    let stack = with_keys_and_loopback_images(&keys);
    let key = Some(keys.key("one-a-minute"));
    let first = curl_chat(&stack.server.url, key, &asking_for(&images.url("/pixel")));
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(images.hits.load(Ordering::SeqCst), 1);
    let second = curl_chat(&stack.server.url, key, &asking_for(&images.url("/pixel")));
    assert_eq!(second.status, 429, "{}", second.body);
    assert_eq!(images.hits.load(Ordering::SeqCst), 1, "a refused call fetches nothing");
}
