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
//!   emulator, gRPC over several connections: what the whole machine sustains through it;
//! - **streaming on one core**: gRPC streams and SSE, pinned as above, with a short and a long
//!   answer: the CPU a stream costs, split into a cost per stream and a cost per chunk (the line
//!   through the two lengths).
//!
//! Every phase also yields charts of its latency distributions, a line per variant ([`Efficiency::charts`]).
//!
//! Each saturation table ends with the variant's saturation point: the most requests per second
//! at a depth whose p99 stays under 5 ms.
//!
//! The variants take turns in slices, as the modes do in the main run. A variant is a binary and
//! its flags (`--variant NAME[@BIN]=FLAGS`), so a build-time lever (the release profile, an
//! allocator) is measured against the build before it in one interleaved run, as a runtime one is.

use super::chart::{Chart, Line};
use super::drive;
use super::procs::{self, Process};
use super::stats::Percentiles;
use super::table;
use super::workload::{Clients, Mode, Sample};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The phases, as `--phases` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Phase {
    /// An open loop at the low rate.
    LowLoad,
    /// Saturated, pinned to one core.
    OneCore,
    /// Saturated, on both cores, shared with the load.
    TwoCores,
    /// Streams on one core, a short and a long answer.
    Streaming,
}

impl Phase {
    /// Every phase, in the order a full run takes them.
    pub const ALL: [Phase; 4] = [Phase::LowLoad, Phase::OneCore, Phase::TwoCores, Phase::Streaming];
}

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
    /// Every request's latency, for the charts.
    #[serde(skip)]
    pub latencies: Vec<Duration>,
}

/// One variant saturated on one core or on two.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Saturated {
    /// The variant.
    pub variant: String,
    /// The mode.
    pub mode: Mode,
    /// Words asked for per answer.
    pub words: usize,
    /// Content chunks received per request (streams; 0 for unary calls).
    pub chunks_per_request: f64,
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
    /// Every request's latency, for the charts.
    #[serde(skip)]
    pub latencies: Vec<Duration>,
}

/// What a stream costs the server, from two answer lengths on one core.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamCost {
    /// The variant.
    pub variant: String,
    /// The mode.
    pub mode: Mode,
    /// CPU per stream before its first chunk, µs (the line's value at zero chunks).
    pub per_stream_us: f64,
    /// CPU per content chunk, µs (the line's slope).
    pub per_chunk_us: f64,
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
    /// Per variant, mode and answer length: streams on one pinned core.
    pub streaming: Vec<Saturated>,
    /// Per variant and mode, the cost per stream and per chunk `streaming` gives.
    pub stream_costs: Vec<StreamCost>,
}

/// One load of a saturation phase: a mode, its answer's length, the requests in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    /// The call made.
    pub mode: Mode,
    /// Words asked for per answer (a stream's chunks).
    pub words: usize,
    /// Requests kept in flight.
    pub concurrency: usize,
}

impl Load {
    /// The one-core and two-core phases' loads: gRPC unary at each depth.
    pub fn unary_at(concurrencies: &[usize]) -> Vec<Load> {
        concurrencies
            .iter()
            .map(|&concurrency| Load { mode: Mode::GrpcUnary, words: super::workload::WORDS, concurrency })
            .collect()
    }

    /// The streaming phase's loads: gRPC streams and SSE (those of `only`, when it names any) at
    /// `concurrency`, an answer of each of `words` words.
    pub fn streams(only: &[Mode], words: &[usize], concurrency: usize) -> Vec<Load> {
        [Mode::GrpcStream, Mode::RestSse]
            .into_iter()
            .filter(|mode| only.is_empty() || only.contains(mode))
            .flat_map(|mode| words.iter().map(move |&words| Load { mode, words, concurrency }))
            .collect()
    }
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
    samples: Vec<Sample>,
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
            let latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
            rows.push(LowLoad {
                variant: variant.name.clone(),
                mode,
                rate,
                requests: samples.len(),
                errors: samples.iter().filter(|s| !s.ok).count(),
                latency: Percentiles::of(latencies.clone()),
                cpu_us_per_request: cpu.as_secs_f64() * 1e6 / n,
                voluntary_switches_per_request: *voluntary as f64 / n,
                involuntary_switches_per_request: *involuntary as f64 / n,
                threads,
                idle_rss_mb: idle[i],
                idle_anon_mb: anon[i],
                latencies,
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

/// Saturation: every variant's server placed as `placement` says, a closed loop of each of
/// `loads`, `seconds` per variant and load, the variants taking turns in `rounds` slices (an idle
/// server beside the loaded one costs its core nothing).
pub async fn saturation(
    bin: &Path,
    emulator: &Process,
    variants: &[Variant],
    loads: &[Load],
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
        let mut warmed = Vec::new();
        for load in loads {
            if !warmed.contains(&load.mode) {
                let _ = drive::closed_loop(&c, load.mode, 16, Duration::from_millis(500)).await;
                warmed.push(load.mode);
            }
        }
        clients.push(c);
    }
    let slice = Duration::from_secs_f64(seconds / f64::from(rounds.max(1)));
    let mut rows = Vec::new();
    for &load in loads {
        let clients: Vec<Clients> = clients.iter().map(|c| c.clone().with_words(load.words)).collect();
        let mut taken: Vec<(Vec<Sample>, Duration, Duration)> = vec![Default::default(); servers.len()];
        for _ in 0..rounds.max(1) {
            for (i, server) in servers.iter().enumerate() {
                let cpu_before = procs::cpu_time(server.pid());
                let started = Instant::now();
                let samples = drive::closed_loop(&clients[i], load.mode, load.concurrency, slice).await;
                taken[i].1 += started.elapsed();
                taken[i].2 += procs::cpu_time(server.pid()).saturating_sub(cpu_before);
                taken[i].0.extend(samples);
            }
        }
        for (variant, (samples, wall, cpu)) in variants.iter().zip(taken) {
            let n = samples.len().max(1) as f64;
            let latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
            rows.push(Saturated {
                variant: variant.name.clone(),
                mode: load.mode,
                words: load.words,
                chunks_per_request: samples.iter().map(|s| s.chunks).sum::<usize>() as f64 / n,
                cores: cores_given,
                concurrency: load.concurrency,
                throughput: samples.len() as f64 / wall.as_secs_f64(),
                latency: Percentiles::of(latencies.clone()),
                errors: samples.iter().filter(|s| !s.ok).count(),
                cpu_us_per_request: cpu.as_secs_f64() * 1e6 / n,
                cores_busy_percent: 100.0 * cpu.as_secs_f64() / wall.as_secs_f64() / cores_given as f64,
                latencies,
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

/// Per variant and mode, the line through its shortest and longest answers' CPU per stream:
/// what a stream costs before its first chunk, and what each chunk adds.
pub fn stream_costs(rows: &[Saturated]) -> Vec<StreamCost> {
    let mut costs: Vec<StreamCost> = Vec::new();
    for row in rows {
        if costs.iter().any(|c| c.variant == row.variant && c.mode == row.mode) {
            continue;
        }
        let same = || rows.iter().filter(|r| r.variant == row.variant && r.mode == row.mode);
        let by_chunks =
            |a: &&Saturated, b: &&Saturated| a.chunks_per_request.total_cmp(&b.chunks_per_request);
        let (Some(short), Some(long)) = (same().min_by(by_chunks), same().max_by(by_chunks)) else {
            continue;
        };
        let chunks = long.chunks_per_request - short.chunks_per_request;
        if chunks < 1.0 {
            continue;
        }
        let per_chunk_us = (long.cpu_us_per_request - short.cpu_us_per_request) / chunks;
        costs.push(StreamCost {
            variant: row.variant.clone(),
            mode: row.mode,
            per_stream_us: short.cpu_us_per_request - per_chunk_us * short.chunks_per_request,
            per_chunk_us,
        });
    }
    costs
}

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
    /// Requests that failed, over every phase.
    pub fn errors(&self) -> usize {
        self.low_load.iter().map(|r| r.errors).sum::<usize>()
            + self
                .one_core
                .iter()
                .chain(&self.two_cores)
                .chain(&self.streaming)
                .map(|r| r.errors)
                .sum::<usize>()
    }

    /// Every phase's latency distributions, a line per variant: per mode at low load, per depth
    /// saturated, per mode and answer length streaming.
    pub fn charts(&self) -> Vec<Chart> {
        let mut charts = Vec::new();
        let mut modes: Vec<Mode> = Vec::new();
        for row in &self.low_load {
            if !modes.contains(&row.mode) {
                modes.push(row.mode);
            }
        }
        for mode in modes {
            let rows = self.low_load.iter().filter(|r| r.mode == mode);
            charts.push(Chart {
                file: format!("efficiency-low-load-{}.svg", mode.slug()),
                title: format!("{} at {} req/s, per server variant", mode.name(), self.low_load[0].rate),
                lines: rows
                    .enumerate()
                    .map(|(i, r)| Line::of_variant(i, r.variant.clone(), r.latencies.clone()))
                    .collect(),
            });
        }
        let phases = [
            ("one-core", "one pinned core", &self.one_core),
            ("two-cores", "two shared cores", &self.two_cores),
            ("streaming", "one pinned core", &self.streaming),
        ];
        for (slug, placement, rows) in phases {
            let mut loads: Vec<Load> = Vec::new();
            for row in rows.iter() {
                let load = Load { mode: row.mode, words: row.words, concurrency: row.concurrency };
                if !loads.contains(&load) {
                    loads.push(load);
                }
            }
            for load in loads {
                let of_load = rows.iter().filter(|r| {
                    r.mode == load.mode && r.words == load.words && r.concurrency == load.concurrency
                });
                let words =
                    if load.mode.is_stream() { format!(", {} words", load.words) } else { String::new() };
                charts.push(Chart {
                    file: format!(
                        "efficiency-{slug}-{}-w{}-c{}.svg",
                        load.mode.slug(),
                        load.words,
                        load.concurrency
                    ),
                    title: format!(
                        "{}{words}, {} in flight, {placement}",
                        load.mode.name(),
                        load.concurrency
                    ),
                    lines: of_load
                        .enumerate()
                        .map(|(i, r)| Line::of_variant(i, r.variant.clone(), r.latencies.clone()))
                        .collect(),
                });
            }
        }
        charts
    }

    /// The report's section.
    pub fn markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if !self.low_load.is_empty() {
            let rate = self.low_load[0].rate;
            let _ = writeln!(out, "### Low load: {rate} req/s, a server per variant (interleaved)\n");
            table::write(
                &mut out,
                &self.low_load,
                &[
                    ("variant", &|r: &LowLoad| r.variant.clone()),
                    ("mode", &|r: &LowLoad| r.mode.name().to_owned()),
                    ("requests", &|r: &LowLoad| r.requests.to_string()),
                    ("errors", &|r: &LowLoad| r.errors.to_string()),
                    ("p50 ms", &|r: &LowLoad| format!("{:.3}", r.latency.p50)),
                    ("p99 ms", &|r: &LowLoad| format!("{:.3}", r.latency.p99)),
                    ("server CPU µs/req", &|r: &LowLoad| format!("{:.0}", r.cpu_us_per_request)),
                    ("voluntary switches/req", &|r: &LowLoad| {
                        format!("{:.1}", r.voluntary_switches_per_request)
                    }),
                    ("involuntary/req", &|r: &LowLoad| format!("{:.2}", r.involuntary_switches_per_request)),
                    ("threads", &|r: &LowLoad| r.threads.to_string()),
                    ("idle RSS MB", &|r: &LowLoad| format!("{:.1}", r.idle_rss_mb)),
                    ("idle anon MB", &|r: &LowLoad| format!("{:.1}", r.idle_anon_mb)),
                ],
            );
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
        self.streaming_markdown(&mut out);
        out
    }

    /// The streaming phase's table and the cost per stream and per chunk it gives.
    fn streaming_markdown(&self, out: &mut String) {
        use std::fmt::Write as _;
        if self.streaming.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "### Streaming on one core: the server pinned to CPU 1, closed loop, a short and a long answer\n"
        );
        table::write(
            out,
            &self.streaming,
            &[
                ("variant", &|r: &Saturated| r.variant.clone()),
                ("mode", &|r: &Saturated| r.mode.name().to_owned()),
                ("words", &|r: &Saturated| r.words.to_string()),
                ("chunks/stream", &|r: &Saturated| format!("{:.1}", r.chunks_per_request)),
                ("concurrency", &|r: &Saturated| r.concurrency.to_string()),
                ("streams/s", &|r: &Saturated| format!("{:.0}", r.throughput)),
                ("errors", &|r: &Saturated| r.errors.to_string()),
                ("p50 ms", &|r: &Saturated| format!("{:.3}", r.latency.p50)),
                ("p99 ms", &|r: &Saturated| format!("{:.3}", r.latency.p99)),
                ("server CPU µs/stream", &|r: &Saturated| format!("{:.0}", r.cpu_us_per_request)),
                ("its core busy", &|r: &Saturated| format!("{:.0}%", r.cores_busy_percent)),
            ],
        );
        for c in &self.stream_costs {
            let _ = writeln!(
                out,
                "- {}, {}: {:.0} µs per stream + {:.1} µs per chunk",
                c.variant,
                c.mode.name(),
                c.per_stream_us,
                c.per_chunk_us
            );
        }
        let _ = writeln!(out);
    }
}

/// A saturation phase's table and its saturation points.
fn saturation_markdown(out: &mut String, title: &str, rows: &[Saturated]) {
    use std::fmt::Write as _;
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    table::write(
        out,
        rows,
        &[
            ("variant", &|r: &Saturated| r.variant.clone()),
            ("concurrency", &|r: &Saturated| r.concurrency.to_string()),
            ("req/s", &|r: &Saturated| format!("{:.0}", r.throughput)),
            ("errors", &|r: &Saturated| r.errors.to_string()),
            ("p50 ms", &|r: &Saturated| format!("{:.3}", r.latency.p50)),
            ("p99 ms", &|r: &Saturated| format!("{:.3}", r.latency.p99)),
            ("server CPU µs/req", &|r: &Saturated| format!("{:.0}", r.cpu_us_per_request)),
            ("its cores busy", &|r: &Saturated| format!("{:.0}%", r.cores_busy_percent)),
        ],
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(variant: &str, mode: Mode, chunks: f64, cpu: f64) -> Saturated {
        Saturated {
            variant: variant.into(),
            mode,
            words: chunks as usize,
            chunks_per_request: chunks,
            cores: 1,
            concurrency: 16,
            throughput: 1000.0,
            latency: Percentiles::default(),
            errors: 0,
            cpu_us_per_request: cpu,
            cores_busy_percent: 100.0,
            latencies: vec![Duration::from_millis(1)],
        }
    }

    #[test]
    fn a_stream_costs_the_line_through_its_short_and_long_answers() {
        let rows = [
            streamed("a", Mode::GrpcStream, 4.0, 140.0),
            streamed("a", Mode::GrpcStream, 64.0, 440.0),
            streamed("a", Mode::RestSse, 4.0, 200.0),
            // One length only: no line to draw.
            streamed("b", Mode::GrpcStream, 4.0, 100.0),
        ];
        let costs = stream_costs(&rows);
        assert_eq!(costs.len(), 1, "{costs:?}");
        let cost = &costs[0];
        assert_eq!((cost.variant.as_str(), cost.mode), ("a", Mode::GrpcStream));
        assert!((cost.per_chunk_us - 5.0).abs() < 1e-9, "{cost:?}");
        assert!((cost.per_stream_us - 120.0).abs() < 1e-9, "{cost:?}");
    }

    #[test]
    fn the_streaming_loads_follow_only_and_every_phase_draws_a_chart_per_load() {
        let loads = Load::streams(&[Mode::RestSse, Mode::GrpcUnary], &[4, 64], 8);
        assert_eq!(
            loads,
            vec![
                Load { mode: Mode::RestSse, words: 4, concurrency: 8 },
                Load { mode: Mode::RestSse, words: 64, concurrency: 8 }
            ]
        );
        assert_eq!(Load::streams(&[], &[4], 8).len(), 2, "no --only: both streaming modes");
        let measured = Efficiency {
            streaming: vec![
                streamed("a", Mode::RestSse, 4.0, 1.0),
                streamed("b", Mode::RestSse, 4.0, 1.0),
                streamed("a", Mode::RestSse, 64.0, 2.0),
                streamed("b", Mode::RestSse, 64.0, 2.0),
            ],
            ..Efficiency::default()
        };
        let charts = measured.charts();
        let files: Vec<&str> = charts.iter().map(|c| c.file.as_str()).collect();
        assert_eq!(
            files,
            ["efficiency-streaming-rest-sse-w4-c16.svg", "efficiency-streaming-rest-sse-w64-c16.svg"]
        );
        assert!(charts.iter().all(|c| c.lines.len() == 2), "a line per variant");
        assert!(charts[0].svg().contains(">b</text>"));
    }
}
