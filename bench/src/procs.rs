//! The processes under test: the emulator and the server, run from the release binary as child
//! processes on loopback with an isolated environment (cleared, so no AWS_* or proxy variable gets
//! in; HOME and the working folder a fresh temp dir, so no `.env` or ~/.aws is read), and what
//! /proc says about them.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The demo credentials the emulator accepts.
pub const ACCESS_KEY_ID: &str = amazon_chat::emulator::DEMO_ACCESS_KEY_ID;
/// Their secret.
pub const SECRET_ACCESS_KEY: &str = amazon_chat::emulator::DEMO_SECRET_ACCESS_KEY;

/// A child process, killed on drop.
pub struct Process {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    _home: tempfile::TempDir,
}

impl Process {
    /// Starts `bin args` with a clean environment plus `env`, and waits for its "listening on" line.
    pub fn start(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Process {
        let home = tempfile::tempdir().expect("temp HOME");
        let mut child = Command::new(bin)
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .current_dir(home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the listening line");
        let url =
            line.split_once(" listening on ").map(|(_, url)| url.trim().to_owned()).unwrap_or_else(|| {
                let _ = child.kill();
                panic!("{} {args:?} did not start: {line:?}", bin.display())
            });
        Process { child, url, _home: home }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Process {
    /// SIGTERM first (so a profiler wrapping the server can write its data), then SIGKILL.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's arguments and environment for a given emulator (plus `extra_env`, `KEY=VALUE`).
pub fn server_command(emulator: &str, extra_env: &[String]) -> (Vec<String>, Vec<(String, String)>) {
    let args = ["serve", "--port", "0", "--bedrock-endpoint", emulator, "--bedrock-max-attempts", "1"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut env = vec![
        ("AWS_ACCESS_KEY_ID".to_owned(), ACCESS_KEY_ID.to_owned()),
        ("AWS_SECRET_ACCESS_KEY".to_owned(), SECRET_ACCESS_KEY.to_owned()),
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
    ];
    env.extend(
        extra_env.iter().filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    (args, env)
}

/// Starts the emulator and the server.
pub fn start_stack(bin: &Path, extra_env: &[String]) -> (Process, Process) {
    let emulator = Process::start(bin, &["emulator", "--port", "0"], &[]);
    let (args, env) = server_command(&emulator.url, extra_env);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let server = Process::start(bin, &args, &env);
    (emulator, server)
}

/// CPU time (user + system) a process has used so far. /proc counts in clock ticks (USER_HZ, 100
/// on Linux), so readings are 10 ms grained: measure over thousands of requests.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(") ").map(|(_, rest)| rest).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Resident memory now and at its peak, in bytes.
pub fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (status_bytes(&status, "VmRSS:"), status_bytes(&status, "VmHWM:"))
}

/// Anonymous resident memory (heap, stacks), bytes.
pub fn anonymous(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status_bytes(&status, "RssAnon:")
}

/// A `NAME:   123 kB` line of /proc/PID/status, in bytes (0 when absent).
fn status_bytes(status: &str, name: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// How long the server takes from spawn to a SERVING health check (median of `runs`).
pub async fn start_to_serving(bin: &Path, emulator: &str, extra_env: &[String], runs: usize) -> Duration {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (args, env) = server_command(emulator, extra_env);
        let home = tempfile::tempdir().expect("temp HOME");
        let started = Instant::now();
        let mut child = tokio::process::Command::new(bin)
            .args(&args)
            .env_clear()
            .env("HOME", home.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("RUST_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
        let line = lines.next_line().await.ok().flatten().unwrap_or_default();
        let url =
            line.split_once(" listening on ").map(|(_, u)| u.trim().to_owned()).expect("listening line");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !serving(&url).await {
            assert!(Instant::now() < deadline, "the server did not report SERVING within 30 s");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        times.push(started.elapsed());
        let _ = child.kill().await;
    }
    times.sort();
    times[times.len() / 2]
}

async fn serving(url: &str) -> bool {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let Ok(channel) = tonic::transport::Channel::from_shared(url.to_owned()).expect("url").connect().await
    else {
        return false;
    };
    let response = HealthClient::new(channel).check(HealthCheckRequest { service: String::new() }).await;
    response.is_ok_and(|r| r.into_inner().status() == ServingStatus::Serving)
}

/// The release binary next to this one (target/release/amazon-chat), unless told otherwise.
pub fn default_binary() -> PathBuf {
    let me = std::env::current_exe().unwrap_or_default();
    me.with_file_name("amazon-chat")
}
