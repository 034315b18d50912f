//! What the server costs, beside how fast it answers: each server variant (the default runtime, a
//! worker per CPU; and `--worker-threads 1`, a single-threaded one) gets its own process, then
//!
//! - **low load**: an open loop at a low rate (10 req/s by default), where every process pays
//!   wake-up costs: the server's CPU time and context switches per request (summed over its
//!   threads from `/proc/PID/task/*/status`, which always works where `perf` may not);
//! - **one core**: the server pinned to one CPU with `taskset` (the load generator and the emulator
//!   on the other), a closed loop deep enough to saturate it: the throughput it sustains, its p99,
//!   and how busy its core was (below ~95% the load side, not the server, was the limit);
//! - **two cores**: nothing pinned, the server sharing both CPUs with the load generator and the
//!   emulator, gRPC over several connections: what the whole machine sustains through it.
//!
//! Each saturation table ends with the variant's saturation point: the most requests per second
//! at a depth whose p99 stays under 5 ms.
//!
//! The variants take turns in slices, as the modes do in the main run. A variant is a binary and
//! its flags (`--variant NAME[@BIN]=FLAGS`), so a build-time lever (the release profile, an
//! allocator) is measured against the build before it in one interleaved run, as a runtime one is.

use super::drive;
use super::procs::{self, Process};
use super::stats::Percentiles;
use super::workload::{Clients, Mode};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A server variant: its name, its binary and extra flags.
#[derive(Debug, Clone)]
pub struct Variant {
    /// In reports.
    pub name: String,
    /// The binary (None: the one under test, `--bin`).
    pub bin: Option<PathBuf>,
    /// Added to `serve`'s arguments.
    pub flags: Vec<String>,
}

impl Variant {
    /// The variants compared when none are named: the runtime levers of issue 17.
    pub fn defaults() -> Vec<Variant> {
        vec![
            Variant { name: "default (a worker per CPU)".into(), bin: None, flags: Vec::new() },
            Variant {
                name: "--worker-threads 1".into(),
                bin: None,
                flags: vec!["--worker-threads".into(), "1".into()],
            },
            Variant { name: "--thread-per-core".into(), bin: None, flags: vec!["--thread-per-core".into()] },
        ]
    }

    /// Parses `NAME[@BIN]=FLAGS`, e.g. `before@/tmp/amazon-chat-before=--worker-threads 1`.
    pub fn parse(text: &str) -> Result<Variant, String> {
        let (head, flags) =
            text.split_once('=').ok_or("a variant is NAME[@BIN]=FLAGS (FLAGS may be empty)")?;
        let (name, bin) = match head.split_once('@') {
            Some((name, bin)) => {
                let bin = std::fs::canonicalize(bin).map_err(|e| format!("{bin}: {e}"))?;
                (name, Some(bin))
            }
            None => (head, None),
        };
        if name.is_empty() {
            return Err("a variant needs a name before '=' or '@'".into());
        }
        Ok(Variant {
            name: name.to_owned(),
            bin,
            flags: flags.split_whitespace().map(str::to_owned).collect(),
        })
    }
}

/// One variant at low load, one mode.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LowLoad {
    /// The variant.
    pub variant: String,
    /// The mode.
    pub mode: Mode,
    /// Offered rate.
    pub rate: f64,
    /// Requests made.
    pub requests: usize,
    /// Failed ones.
    pub errors: usize,
    /// Latency percentiles, ms.
    pub latency: Percentiles,
    /// Server CPU per request, µs.
    pub cpu_us_per_request: f64,
    /// Voluntary context switches per request, all server threads.
    pub voluntary_switches_per_request: f64,
    /// Involuntary ones.
    pub involuntary_switches_per_request: f64,
    /// Server threads.
    pub threads: usize,
    /// Resident memory half a second after start, before any request, MB.
    pub idle_rss_mb: f64,
    /// Its anonymous part (heap and stacks), MB: the part a build's code changes move. The rest is
    /// the binary's pages, which vary with the page cache (a freshly copied binary maps ~2 MB more
    /// of the same bytes), so compare builds by this.
    pub idle_anon_mb: f64,
}

/// One variant saturated on one core or on two.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Saturated {
    /// The variant.
    pub variant: String,
    /// The mode.
    pub mode: Mode,
    /// Cores the server had.
    pub cores: usize,
    /// Requests in flight.
    pub concurrency: usize,
    /// Sustained requests per second.
    pub throughput: f64,
    /// Latency percentiles, ms.
    pub latency: Percentiles,
    /// Failed requests.
    pub errors: usize,
    /// Server CPU per request, µs.
    pub cpu_us_per_request: f64,
    /// Share of its cores the server used, %.
    pub cores_busy_percent: f64,
}

/// Everything this module measures.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Efficiency {
    /// Per variant and mode, at the low rate.
    pub low_load: Vec<LowLoad>,
    /// Per variant, on one pinned core.
    pub one_core: Vec<Saturated>,
    /// Per variant, on both cores, shared with the load.
    pub two_cores: Vec<Saturated>,
}

/// Context switches so far, (voluntary, involuntary), over every thread of `pid`.
pub fn context_switches(pid: u32) -> (u64, u64, usize) {
    let mut totals = (0, 0, 0);
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return totals };
    for task in tasks.flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        totals.0 += field("voluntary_ctxt_switches:");
        totals.1 += field("nonvoluntary_ctxt_switches:");
        totals.2 += 1;
    }
    totals
}

/// A server of `variant` against `emulator`, pinned to `cpu` when given.
fn start(bin: &Path, emulator: &str, variant: &Variant, cpu: Option<usize>) -> Process {
    let bin = variant.bin.as_deref().unwrap_or(bin);
    let (mut args, env) = procs::server_command(emulator, &[]);
    args.extend(variant.flags.iter().cloned());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    match cpu {
        None => {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Process::start(bin, &args, &env)
        }
        Some(cpu) => {
            let cpu = cpu.to_string();
            let bin = bin.to_string_lossy();
            let mut pinned: Vec<&str> = vec!["-c", &cpu, &bin];
            pinned.extend(args.iter().map(String::as_str));
            Process::start(Path::new("taskset"), &pinned, &env)
        }
    }
}

/// What one variant and mode took over the rounds.
#[derive(Debug, Clone, Default)]
struct Taken {
    samples: Vec<super::workload::Sample>,
    cpu: Duration,
    voluntary: u64,
    involuntary: u64,
}

/// Low load: `rate` req/s of gRPC and REST unary, `seconds` per variant and mode, in `rounds`.
pub async fn low_load(
    bin: &Path,
    emulator: &str,
    variants: &[Variant],
    rate: f64,
    seconds: f64,
    rounds: u32,
) -> Vec<LowLoad> {
    let servers: Vec<(&Variant, Process)> =
        variants.iter().map(|v| (v, start(bin, emulator, v, None))).collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle: Vec<f64> = servers.iter().map(|(_, server)| super::mb(procs::memory(server.pid()).0)).collect();
    let anon: Vec<f64> =
        servers.iter().map(|(_, server)| super::mb(procs::anonymous(server.pid()))).collect();
    let mut clients = Vec::new();
    for (_, server) in &servers {
        clients.push(Clients::new(emulator, &server.url).await);
    }
    let modes = [Mode::GrpcUnary, Mode::RestUnary];
    let slice = Duration::from_secs_f64(seconds / f64::from(rounds));
    let mut taken: Vec<Vec<Taken>> = vec![vec![Taken::default(); modes.len()]; servers.len()];
    for c in &clients {
        for &mode in &modes {
            let _ = drive::closed_loop(c, mode, 2, Duration::from_millis(200)).await;
        }
    }
    for _ in 0..rounds {
        for (i, (_, server)) in servers.iter().enumerate() {
            for (m, &mode) in modes.iter().enumerate() {
                let cpu_before = procs::cpu_time(server.pid());
                let (v0, n0, _) = context_switches(server.pid());
                let samples = drive::open_loop(&clients[i], mode, rate, slice).await;
                let cpu = procs::cpu_time(server.pid()).saturating_sub(cpu_before);
                let (v1, n1, _) = context_switches(server.pid());
                let cell = &mut taken[i][m];
                cell.samples.extend(samples);
                cell.cpu += cpu;
                cell.voluntary += v1.saturating_sub(v0);
                cell.involuntary += n1.saturating_sub(n0);
            }
        }
    }
    let mut rows = Vec::new();
    for (i, (variant, server)) in servers.iter().enumerate() {
        let threads = context_switches(server.pid()).2;
        for (m, &mode) in modes.iter().enumerate() {
            let Taken { samples, cpu, voluntary, involuntary } = &taken[i][m];
            let n = samples.len().max(1) as f64;
            rows.push(LowLoad {
                variant: variant.name.clone(),
                mode,
                rate,
                requests: samples.len(),
                errors: samples.iter().filter(|s| !s.ok).count(),
                latency: Percentiles::of(samples.iter().map(|s| s.latency).collect()),
                cpu_us_per_request: cpu.as_secs_f64() * 1e6 / n,
                voluntary_switches_per_request: *voluntary as f64 / n,
                involuntary_switches_per_request: *involuntary as f64 / n,
                threads,
                idle_rss_mb: idle[i],
                idle_anon_mb: anon[i],
            });
        }
    }
    rows
}

/// Where a saturation run places the server and the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The server pinned to CPU 1, the load generator and the emulator to CPU 0: the server's
    /// own cost, with one core to spend.
    OneCore,
    /// Nothing pinned: the server may use both cores, and shares them with the load generator and
    /// the emulator, as it would with a sidecar. The gRPC load comes over `TWO_CORE_CONNECTIONS`
    /// connections, so a server with a listener per worker (`--thread-per-core`) gets work on each.
    TwoCores,
}

/// gRPC connections of the two-core phase: a few per worker, as several callers would open.
const TWO_CORE_CONNECTIONS: usize = 4;

/// Saturation: every variant's server placed as `placement` says, gRPC unary closed loops at
/// each of `concurrencies`, `seconds` per variant and depth, the variants taking turns in `rounds`
/// slices (an idle server beside the loaded one costs its core nothing).
pub async fn saturation(
    bin: &Path,
    emulator: &Process,
    variants: &[Variant],
    concurrencies: &[usize],
    seconds: f64,
    rounds: u32,
    placement: Placement,
) -> Vec<Saturated> {
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    if cores < 2 {
        eprintln!("saturation: skipped, this machine has one CPU");
        return Vec::new();
    }
    let (server_cpu, connections, cores_given) = match placement {
        Placement::OneCore => {
            // The load generator and the emulator keep to CPU 0, so CPU 1 is the servers' alone.
            pin(std::process::id(), 0);
            pin(emulator.pid(), 0);
            (Some(1), 1, 1)
        }
        Placement::TwoCores => (None, TWO_CORE_CONNECTIONS, 2),
    };
    let servers: Vec<Process> = variants.iter().map(|v| start(bin, &emulator.url, v, server_cpu)).collect();
    let mut clients = Vec::new();
    for server in &servers {
        let c = Clients::with_connections(&emulator.url, &server.url, connections).await;
        let _ = drive::closed_loop(&c, Mode::GrpcUnary, 16, Duration::from_millis(500)).await;
        clients.push(c);
    }
    let slice = Duration::from_secs_f64(seconds / f64::from(rounds.max(1)));
    let mut rows = Vec::new();
    for &concurrency in concurrencies {
        let mut taken: Vec<(Vec<super::workload::Sample>, Duration, Duration)> =
            vec![Default::default(); servers.len()];
        for _ in 0..rounds.max(1) {
            for (i, server) in servers.iter().enumerate() {
                let cpu_before = procs::cpu_time(server.pid());
                let started = Instant::now();
                let samples = drive::closed_loop(&clients[i], Mode::GrpcUnary, concurrency, slice).await;
                taken[i].1 += started.elapsed();
                taken[i].2 += procs::cpu_time(server.pid()).saturating_sub(cpu_before);
                taken[i].0.extend(samples);
            }
        }
        for (variant, (samples, wall, cpu)) in variants.iter().zip(taken) {
            let n = samples.len().max(1) as f64;
            rows.push(Saturated {
                variant: variant.name.clone(),
                mode: Mode::GrpcUnary,
                cores: cores_given,
                concurrency,
                throughput: samples.len() as f64 / wall.as_secs_f64(),
                latency: Percentiles::of(samples.iter().map(|s| s.latency).collect()),
                errors: samples.iter().filter(|s| !s.ok).count(),
                cpu_us_per_request: cpu.as_secs_f64() * 1e6 / n,
                cores_busy_percent: 100.0 * cpu.as_secs_f64() / wall.as_secs_f64() / cores_given as f64,
            });
        }
    }
    drop(servers);
    if placement == Placement::OneCore {
        // Both CPUs again for whatever runs next.
        unpin(std::process::id());
        unpin(emulator.pid());
    }
    rows
}

/// Per variant, the saturation point: the highest throughput among `rows` whose p99 is under
/// `P99_LIMIT_MS` (the bar), with its depth.
pub fn saturation_points(rows: &[Saturated]) -> Vec<&Saturated> {
    let mut points: Vec<&Saturated> = Vec::new();
    for row in rows.iter().filter(|r| r.latency.p99 < P99_LIMIT_MS && r.errors == 0) {
        match points.iter_mut().find(|p| p.variant == row.variant) {
            Some(point) if point.throughput < row.throughput => *point = row,
            Some(_) => {}
            None => points.push(row),
        }
    }
    points
}

/// The p99 a saturation point must stay under, ms.
pub const P99_LIMIT_MS: f64 = 5.0;

fn pin(pid: u32, cpu: usize) {
    let _ = std::process::Command::new("taskset")
        .args(["-a", "-p", "-c", &cpu.to_string(), &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status();
}

fn unpin(pid: u32) {
    // The machine's CPUs, not `available_parallelism`: that follows this process's affinity, which
    // is the one pinned CPU while it is pinned.
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_else(|_| "0-1".into());
    let _ = std::process::Command::new("taskset")
        .args(["-a", "-p", "-c", online.trim(), &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status();
}

impl Efficiency {
    /// Requests that failed, over both phases.
    pub fn errors(&self) -> usize {
        self.low_load.iter().map(|r| r.errors).sum::<usize>()
            + self.one_core.iter().chain(&self.two_cores).map(|r| r.errors).sum::<usize>()
    }

    /// The report's section.
    pub fn markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if !self.low_load.is_empty() {
            let rate = self.low_load[0].rate;
            let _ = writeln!(out, "### Low load: {rate} req/s, a server per variant (interleaved)\n");
            let _ = writeln!(
                out,
                "| variant | mode | requests | errors | p50 ms | p99 ms | server CPU µs/req | voluntary switches/req | involuntary/req | threads | idle RSS MB | idle anon MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
            );
            for r in &self.low_load {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {:.3} | {:.3} | {:.0} | {:.1} | {:.2} | {} | {:.1} | {:.1} |",
                    r.variant,
                    r.mode.name(),
                    r.requests,
                    r.errors,
                    r.latency.p50,
                    r.latency.p99,
                    r.cpu_us_per_request,
                    r.voluntary_switches_per_request,
                    r.involuntary_switches_per_request,
                    r.threads,
                    r.idle_rss_mb,
                    r.idle_anon_mb
                );
            }
            let _ = writeln!(out);
        }
        saturation_markdown(
            &mut out,
            "One core: the server pinned to CPU 1 (load and emulator on CPU 0), gRPC unary, closed loop",
            &self.one_core,
        );
        saturation_markdown(
            &mut out,
            "Two cores: nothing pinned (the server shares both CPUs with the load and the emulator), gRPC unary over 4 connections, closed loop",
            &self.two_cores,
        );
        out
    }
}

/// A saturation phase's table and its saturation points.
fn saturation_markdown(out: &mut String, title: &str, rows: &[Saturated]) {
    use std::fmt::Write as _;
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(
        out,
        "| variant | concurrency | req/s | errors | p50 ms | p99 ms | server CPU µs/req | its cores busy |\n|---|---|---|---|---|---|---|---|"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {:.3} | {:.3} | {:.0} | {:.0}% |",
            r.variant,
            r.concurrency,
            r.throughput,
            r.errors,
            r.latency.p50,
            r.latency.p99,
            r.cpu_us_per_request,
            r.cores_busy_percent
        );
    }
    let _ = writeln!(out);
    let points = saturation_points(rows);
    if points.is_empty() {
        let _ =
            writeln!(out, "- saturation point: no depth kept its p99 under {P99_LIMIT_MS} ms without errors");
    }
    for point in points {
        let _ = writeln!(
            out,
            "- saturation point, {}: {:.0} req/s at {} in flight (p99 {:.2} ms < {P99_LIMIT_MS} ms)",
            point.variant, point.throughput, point.concurrency, point.latency.p99
        );
    }
    let _ = writeln!(out);
}
