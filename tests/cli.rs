//! The command line as a person or a script meets it: `chat` piped (gRPC and REST, against a
//! running server and with `--demo` in-process), completions and the man page, the configuration
//! reference, and the exit statuses the README promises (0 ok, 1 a runtime failure, 2 a usage
//! error).

// Test code: a panic is a failed test with its message (clippy.toml allows it in #[test] fns;
// this covers the helpers too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Process, isolated};
use std::io::Write as _;
use std::process::{Output, Stdio};

/// Runs `amazon-chat args` isolated, with `stdin` piped in.
fn run(args: &[&str], stdin: &str) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut child = isolated(home.path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn chat_from_a_pipe_answers_once_over_grpc_and_rest() {
    let server = Process::start(&["serve", "--demo", "--port", "0", "--api-key", "sk-cli"], &[]);
    for transport in [&[][..], &["--rest"][..]] {
        let mut args = vec!["chat", "--url", &server.url, "--api-key", "sk-cli"];
        args.extend_from_slice(transport);
        let output = run(&args, "hello from a pipe\n");
        assert_eq!(output.status.code(), Some(0), "{transport:?}: {}", stderr(&output));
        assert_eq!(stdout(&output), "You said: hello from a pipe\n", "{transport:?}");
    }
}

#[test]
fn chat_sends_reasoning_to_stderr_when_piped() {
    let server = Process::start(&["serve", "--demo", "--port", "0"], &[]);
    let args = [
        "chat",
        "--url",
        &server.url,
        "--model",
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "--reasoning-effort",
        "low",
    ];
    let output = run(&args, "why?");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "You said: why?\n");
    assert!(stderr(&output).contains("Let me think about: why?"), "{}", stderr(&output));
}

#[test]
fn chat_demo_starts_its_own_server() {
    let output = run(&["chat", "--demo", "--system", "be brief"], "in process");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "You said: in process\n");
}

#[test]
fn exit_statuses_tell_usage_errors_from_runtime_failures() {
    // 2: a usage error (clap's, a refused value, nothing to ask).
    assert_eq!(run(&["--no-such-flag"], "").status.code(), Some(2));
    assert_eq!(run(&["serve", "--port", "not-a-port"], "").status.code(), Some(2));
    let empty = run(&["chat", "--demo"], "");
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("stdin was empty"), "{}", stderr(&empty));

    // 1: the command was fine but the world was not (nothing listens there).
    let unreachable = run(&["chat", "--url", "http://127.0.0.1:9"], "hi");
    assert_eq!(unreachable.status.code(), Some(1), "{}", stderr(&unreachable));
    assert_eq!(run(&["health", "--url", "http://127.0.0.1:9"], "").status.code(), Some(1));

    // A failed answer is 1 too, with the server's reason.
    let server = Process::start(&["serve", "--demo", "--port", "0"], &[]);
    let failed = run(&["chat", "--url", &server.url, "--model", "acme.none-v1:0"], "hi");
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("acme.none-v1:0"), "{}", stderr(&failed));

    // 0.
    assert_eq!(run(&["health", "--url", &server.url], "").status.code(), Some(0));
}

#[test]
fn completions_and_the_man_page_come_from_the_same_flags() {
    for shell in ["bash", "zsh", "fish"] {
        let output = run(&["completions", shell], "");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        assert!(script.contains("amazon-chat") && script.contains("tls-cert"), "{shell}: {script:.200}");
    }
    let man = run(&["man"], "");
    assert_eq!(man.status.code(), Some(0));
    assert!(
        stdout(&man).starts_with(".ie") || stdout(&man).contains(".TH amazon-chat"),
        "{:.200}",
        stdout(&man)
    );
    assert_eq!(run(&["completions", "tcsh"], "").status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn the_configuration_reference_is_printed_from_the_binary() {
    let output = run(&["config", "reference"], "");
    assert_eq!(output.status.code(), Some(0));
    let on_disk =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/configuration.md")).unwrap();
    assert_eq!(stdout(&output), on_disk, "docs/configuration.md is stale: make docs");
}

#[test]
fn chat_on_a_terminal_keeps_the_conversation_dims_reasoning_and_takes_commands() {
    // `script` (util-linux, in every Debian) gives the chat a terminal: stdin, stdout and stderr
    // are a pty, so it runs as it does for a person.
    let stack = common::Stack::start();
    let command = format!(
        "{} chat --url {} --model us.anthropic.claude-sonnet-4-20250514-v1:0 --reasoning-effort low",
        env!("CARGO_BIN_EXE_amazon-chat"),
        stack.server.url
    );
    let typed = "first question\n/usage\n/model anthropic.claude-3-haiku-20240307-v1:0\n/reasoning off\nsecond question\n/nonsense\n/quit\n";
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(typed.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let screen = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{screen}");
    assert!(screen.contains("\x1b[2mLet me think about: first question"), "reasoning dimmed: {screen:?}");
    assert!(screen.contains("You said: first question"), "{screen:?}");
    assert!(screen.contains("last answer: ") && screen.contains(" out, "), "/usage: {screen:?}");
    assert!(screen.contains("model: anthropic.claude-3-haiku-20240307-v1:0"), "/model: {screen:?}");
    assert!(screen.contains("You said: second question"), "{screen:?}");
    assert!(screen.contains("unknown command /nonsense"), "{screen:?}");

    // The second question went with the first turn and its answer: the history is kept.
    let last = stack.last_recorded();
    let messages = last["body"]["messages"].as_array().expect("a Converse body");
    assert_eq!(messages.len(), 3, "{last}");
    assert_eq!(last["model_id"], "anthropic.claude-3-haiku-20240307-v1:0", "/model switched: {last}");
}
