//! Test harness: runs the real `amazon-chat` binary (emulator and server) as child processes on
//! loopback and connects real clients to them.
//!
//! Isolation, for every child ([`isolated`]): the environment is cleared (no AWS_* or proxy variable
//! leaks in from the developer's shell, so nothing can leave loopback), HOME and the working folder
//! are a fresh temp dir (no ~/.aws files, no `.env`), and AWS_EC2_METADATA_DISABLED=true, so the
//! SDK's credential chain can never reach the instance-metadata address.

#![allow(dead_code)]

use amazon_chat::emulator::{DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY};
use amazon_chat::proto::v1 as api;
use api::chat_service_client::ChatServiceClient;
use api::model_service_client::ModelServiceClient;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tonic::transport::Channel;

/// A child process of the binary, killed on drop.
pub struct Process {
    child: Child,
    /// The `http://127.0.0.1:PORT` it printed.
    pub url: String,
    /// Where its stderr (the logs) goes.
    pub log_path: PathBuf,
    _home: tempfile::TempDir,
}

impl Process {
    /// Starts `amazon-chat <args>` with only `env` (plus PATH, HOME, AWS_EC2_METADATA_DISABLED) and waits
    /// for its "listening on" line.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Process {
        Self::start_in(tempfile::tempdir().expect("temp HOME"), args, env)
    }

    /// Like [`Process::start`], with a HOME the test prepared (e.g. with ~/.aws files).
    pub fn start_in(home: tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> Process {
        let log_path = home.path().join("stderr.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut command = isolated(home.path());
        command
            .args(args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn amazon-chat");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((_, url)) = line.split_once(" listening on ") {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
        let url = match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "amazon-chat {args:?} did not start:\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
        };
        Process { child, url, log_path, _home: home }
    }

    /// Waits until `predicate` holds for the logs, up to `limit`.
    pub fn wait_for_log(&self, limit: Duration, predicate: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let logs = self.logs();
            if predicate(&logs) || std::time::Instant::now() > deadline {
                return logs;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything it logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
    }

    /// Waits for it to exit, up to `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary as a child with nothing of this process's environment: only PATH, HOME and the
/// working folder set to `home`, and the instance-metadata client switched off. Callers add what
/// the test is about.
pub fn isolated(home: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_amazon-chat"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home);
    command
}

/// An emulator and a server pointed at it, signing with the emulator's demo credentials from the
/// environment (the static-keys method of the authentication guide).
pub struct Stack {
    pub emulator: Process,
    pub server: Process,
}

/// A models file with `text` in a fresh temp dir (kept alive by the returned guard), and its path.
pub fn models_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("models.toml");
    std::fs::write(&path, text).expect("write the models file");
    let path = path.to_str().expect("a UTF-8 temp path").to_owned();
    (dir, path)
}

/// The server's environment in [`Stack::start_with`]: the emulator's demo credentials (the
/// static-keys method) and us-east-1.
pub fn demo_env() -> Vec<(String, String)> {
    [
        ("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_ACCESS_KEY),
        ("AWS_REGION", "us-east-1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The model the tests call.
pub const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

impl Stack {
    /// Starts both with default settings.
    pub fn start() -> Stack {
        Self::start_with(&[], &[])
    }

    /// Starts both; `args` and `env` are added to the server's (`env` wins over the defaults).
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Stack {
        let mut server_env: Vec<(String, String)> = demo_env()
            .into_iter()
            .filter(|(key, _)| !env.iter().any(|(k, _)| k == key))
            .chain(env.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .collect();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Self::start_custom(&[], None, move |_| (args, std::mem::take(&mut server_env)))
    }

    /// An emulator started with `emulator_args`, and a server with exactly `env` (plus the
    /// isolation variables) and `server_args`, both built by `setup` from the emulator's URL. The
    /// server may sit in a prepared `home`.
    pub fn start_custom(
        emulator_args: &[&str],
        home: Option<tempfile::TempDir>,
        setup: impl FnOnce(&str) -> (Vec<String>, Vec<(String, String)>),
    ) -> Stack {
        let mut args = vec!["emulator", "--port", "0"];
        args.extend_from_slice(emulator_args);
        let emulator = Process::start(&args, &[]);
        let (server_args, env) = setup(&emulator.url);
        let mut all_args: Vec<&str> = vec!["serve", "--port", "0"];
        // The emulator, unless the test points the server elsewhere.
        if !server_args.iter().any(|a| a == "--bedrock-endpoint") {
            all_args.extend(["--bedrock-endpoint", emulator.url.as_str()]);
        }
        // One attempt unless the test is about retries.
        if !server_args.iter().any(|a| a == "--bedrock-max-attempts") {
            all_args.extend(["--bedrock-max-attempts", "1"]);
        }
        all_args.extend(server_args.iter().map(String::as_str));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let home = home.unwrap_or_else(|| tempfile::tempdir().expect("temp HOME"));
        let server = Process::start_in(home, &all_args, &env);
        Stack { emulator, server }
    }

    /// What the emulator recorded for one operation (`converse`, `sts:AssumeRole`, ...).
    pub fn recorded_ops(&self, operation: &str) -> Vec<serde_json::Value> {
        self.recorded().into_iter().filter(|r| r["operation"] == operation).collect()
    }

    /// A gRPC channel to the server.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.server.url.clone()).unwrap().connect().await.expect("connect to server")
    }

    /// A chat client.
    pub async fn chat(&self) -> ChatServiceClient<Channel> {
        ChatServiceClient::new(self.channel().await)
    }

    /// A model client.
    pub async fn models(&self) -> ModelServiceClient<Channel> {
        ModelServiceClient::new(self.channel().await)
    }

    /// What the emulator recorded.
    pub fn recorded(&self) -> Vec<serde_json::Value> {
        let body = http_get(&self.emulator.url, "/_emulator/requests");
        serde_json::from_str(&body).expect("emulator log is JSON")
    }

    /// The latest recorded Bedrock Runtime request (Converse or ConverseStream).
    pub fn last_recorded(&self) -> serde_json::Value {
        let mut runtime = self
            .recorded()
            .into_iter()
            .filter(|r| r["operation"].as_str().is_some_and(|op| op.starts_with("converse")));
        runtime.next_back().expect("the emulator received a Bedrock Runtime request")
    }
}

/// A GET over a plain TCP socket (HTTP/1.1, Connection: close), returning the body.
pub fn http_get(base_url: &str, path: &str) -> String {
    let host = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
}

/// A message.
pub fn message(role: &str, text: &str) -> api::Message {
    api::Message {
        role: role.into(),
        content: Some(api::message::Content::Text(text.into())),
        ..Default::default()
    }
}

/// A request for MODEL with these messages.
pub fn request(messages: Vec<api::Message>) -> api::ChatCompletionRequest {
    api::ChatCompletionRequest { model: MODEL.into(), messages, ..Default::default() }
}

/// A one-message request.
pub fn ask(text: &str) -> api::ChatCompletionRequest {
    request(vec![message("user", text)])
}

/// The weather tool: one required string argument.
pub fn weather_tool() -> api::Tool {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"]
    });
    api::Tool {
        r#type: "function".into(),
        function: Some(api::FunctionDefinition {
            name: "get_weather".into(),
            description: Some("Current weather in a city".into()),
            parameters: Some(to_struct(&schema)),
            strict: None,
            parameters_json: None,
        }),
        cache_control: None,
    }
}

/// A JSON object as a protobuf Struct.
pub fn to_struct(json: &serde_json::Value) -> prost_types::Struct {
    fn value(json: &serde_json::Value) -> prost_types::Value {
        use prost_types::value::Kind;
        let kind = match json {
            serde_json::Value::Null => Kind::NullValue(0),
            serde_json::Value::Bool(b) => Kind::BoolValue(*b),
            serde_json::Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap()),
            serde_json::Value::String(s) => Kind::StringValue(s.clone()),
            serde_json::Value::Array(items) => {
                Kind::ListValue(prost_types::ListValue { values: items.iter().map(value).collect() })
            }
            serde_json::Value::Object(_) => Kind::StructValue(to_struct(json)),
        };
        prost_types::Value { kind: Some(kind) }
    }
    prost_types::Struct {
        fields: json.as_object().unwrap().iter().map(|(k, v)| (k.clone(), value(v))).collect(),
    }
}

/// The text of a unary answer.
pub fn answer_text(response: &api::ChatCompletionResponse) -> String {
    match &response.choices[0].message.as_ref().unwrap().content {
        Some(api::message::Content::Text(text)) => text.clone(),
        other => panic!("expected text content, got {other:?}"),
    }
}

/// Reads a whole stream: the chunks, or the status that ended it (with the chunks before).
pub async fn collect(
    mut stream: tonic::Streaming<api::StreamChatCompletionResponse>,
) -> (Vec<api::StreamChatCompletionResponse>, Option<tonic::Status>) {
    let mut chunks = Vec::new();
    loop {
        match stream.message().await {
            Ok(Some(chunk)) => chunks.push(chunk),
            Ok(None) => return (chunks, None),
            Err(status) => return (chunks, Some(status)),
        }
    }
}

/// The concatenated text deltas of chunks.
pub fn streamed_text(chunks: &[api::StreamChatCompletionResponse]) -> String {
    chunks
        .iter()
        .flat_map(|c| &c.choices)
        .filter_map(|choice| choice.delta.as_ref()?.content.clone())
        .collect()
}

/// An HTTP response as curl saw it.
#[derive(Debug)]
pub struct CurlResponse {
    /// The status code.
    pub status: u16,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl CurlResponse {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Runs curl against the server (`-i` so headers come back), with `args` added.
pub fn curl(base_url: &str, path: &str, args: &[&str]) -> CurlResponse {
    let output = Command::new("curl")
        .args(["-s", "-i", "-N", "--max-time", "20"])
        .args(args)
        .arg(format!("{base_url}{path}"))
        .output()
        .expect("curl is installed");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    CurlResponse { status, headers, body: body.to_owned() }
}

/// The JSON events of a Server-Sent Events body, `data: [DONE]` left out.
pub fn sse_events(body: &str) -> Vec<serde_json::Value> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("not JSON ({e}): {d}")))
        .collect()
}

/// A chat completion POST with curl, JSON body given.
pub fn curl_chat(base_url: &str, key: Option<&str>, body: &str) -> CurlResponse {
    let auth = key.map(|k| format!("Authorization: Bearer {k}"));
    let mut args = vec!["-H", "Content-Type: application/json", "--data-binary", body];
    if let Some(auth) = &auth {
        args.extend(["-H", auth.as_str()]);
    }
    curl(base_url, "/v1/chat/completions", &args)
}

/// A keys file (`--keys-file`) of named keys made with the server's own key generator, and the
/// keys in clear for the clients.
pub struct KeysFile {
    dir: tempfile::TempDir,
    keys: Vec<(String, String)>,
}

impl KeysFile {
    /// Where it is.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("keys.toml")
    }

    /// The key of `name`.
    pub fn key(&self, name: &str) -> &str {
        &self.keys.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// `entries`: (name, extra TOML lines).
    pub fn write(entries: &[(&str, &str)]) -> KeysFile {
        let file = KeysFile { dir: tempfile::tempdir().unwrap(), keys: Vec::new() };
        file.rewrite(entries)
    }

    /// Writes it again with these entries (the server reloads it).
    pub fn rewrite(mut self, entries: &[(&str, &str)]) -> KeysFile {
        let mut text = String::new();
        self.keys.clear();
        for (name, extra) in entries {
            let (key, entry) = amazon_chat::auth::keys_file::new_key(name);
            text.push_str(&entry);
            text.push_str(extra);
            text.push('\n');
            self.keys.push(((*name).to_owned(), key));
        }
        std::fs::write(self.path(), text).unwrap();
        self
    }
}
