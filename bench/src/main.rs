//! `amazon-chat-bench`: what the gateway adds to a Bedrock call, measured side by side with calling
//! Bedrock directly through the AWS SDK, in one run, interleaved.
//!
//! It starts the emulator and the server (release binaries) on loopback, then for each mode
//! (baseline SDK Converse/ConverseStream, gRPC unary/streaming, REST unary/SSE) measures latency at a
//! fixed offered rate (open loop) and at a fixed concurrency, time to first token, gaps between
//! chunks, throughput and errors, the server's CPU time per request and peak memory; then idle
//! memory, memory with many open streams, and the time from process start to SERVING; and per
//! server variant (runtime threads, or another build) the CPU and context switches per request at
//! low load, the throughput of one pinned core and of two, and a stream's CPU per stream and per
//! chunk ([`efficiency`]). The modes take turns in short slices so machine noise falls on all of
//! them alike.
//!
//! `make bench` runs it and writes bench/results/latest.{json,md} and the latency distributions as
//! charts (latency-open-loop.svg, latency-closed-loop.svg, and one per efficiency phase and load,
//! a line per variant); `--quick` is CI's smoke test.

// A harness that cannot set its run up (no binary, no port) stops with the reason: that is a
// failed measurement, not a served request, so unwrap and expect are allowed here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod chart;
mod drive;
mod efficiency;
mod overload;
mod procs;
mod report;
mod soak;
mod stats;
mod table;
mod workload;

use clap::Parser;
use stats::Summary;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use workload::{Clients, Mode, Sample};

/// Command line.
#[derive(Debug, Parser)]
#[command(about = "Measure amazon-chat's overhead against calling Bedrock directly")]
struct Args {
    /// A short run that checks the harness works (CI), not the timings.
    #[arg(long)]
    quick: bool,
    /// Offered rate of the open-loop phase, requests per second.
    #[arg(long, default_value_t = 500.0)]
    rate: f64,
    /// Concurrency of the closed-loop phase.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds of load per mode and phase (split into interleaved slices).
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Interleaved rounds per phase.
    #[arg(long, default_value_t = 5)]
    rounds: u32,
    /// Offered rate of the low-load phase (CPU and context switches per request), req/s.
    #[arg(long, default_value_t = 10.0)]
    low_rate: f64,
    /// Requests in flight in the one-core phase (the server pinned to one CPU), one run per depth.
    #[arg(long, value_delimiter = ',', default_values_t = [8, 16, 64])]
    one_core_concurrency: Vec<usize>,
    /// Requests in flight in the two-core phase (nothing pinned, 4 gRPC connections), one run per
    /// depth.
    #[arg(long, value_delimiter = ',', default_values_t = [8, 16, 64])]
    two_core_concurrency: Vec<usize>,
    /// The answer lengths of the streaming phase, in words (one chunk each): the cost per chunk
    /// is the slope between the shortest and the longest.
    #[arg(long, value_delimiter = ',', default_values_t = [4, 64])]
    stream_words: Vec<usize>,
    /// Streams in flight in the streaming phase (the server pinned to one CPU).
    #[arg(long, default_value_t = 16)]
    stream_concurrency: usize,
    /// A server variant for the efficiency phases (`--phases`), NAME[@BIN]=FLAGS (repeatable; a
    /// binary other than --bin measures a build-time lever against it). Default: the runtime
    /// variants, `default (a worker per CPU)=`, `--worker-threads 1=--worker-threads 1` and
    /// `--thread-per-core=--thread-per-core`. Write it `--variant=...` when NAME starts with `-`.
    #[arg(long = "variant", value_name = "NAME[@BIN]=FLAGS", value_parser = efficiency::Variant::parse)]
    variants: Vec<efficiency::Variant>,
    /// The efficiency phases to run, in this order (default: all).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = efficiency::Phase::ALL)]
    phases: Vec<efficiency::Phase>,
    /// Only the efficiency phases, `--phases` (a lever's before and after, without the rest).
    #[arg(long)]
    efficiency_only: bool,
    /// Concurrent streams held open for the memory measurement.
    #[arg(long, default_value_t = 1000)]
    streams: usize,
    /// Run only these modes (the baselines are always run too; the streaming phase takes the
    /// streaming ones); default: all.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Mode>,
    /// Skip the memory-with-streams and start-up measurements.
    #[arg(long)]
    latency_only: bool,
    /// The REST modes of the open- and closed-loop phases over HTTP/2 (h2c, one multiplexed
    /// connection) instead of HTTP/1.1, the protocol of the official OpenAI SDKs.
    #[arg(long)]
    rest_http2: bool,
    /// Extra environment for the server, KEY=VALUE (repeatable), e.g. TOKIO_WORKER_THREADS=1.
    #[arg(long = "server-env", value_name = "KEY=VALUE")]
    server_env: Vec<String>,
    /// Run only the soak, for this many seconds (mixed traffic, faults and disconnects; memory and
    /// descriptors sampled), and write soak.{json,md}.
    #[arg(long, value_name = "SECONDS")]
    soak: Option<f64>,
    /// The amazon-chat binary (default: next to this one).
    #[arg(long)]
    bin: Option<PathBuf>,
    /// Where to write latest.json and latest.md.
    #[arg(long, default_value = "bench/results")]
    out: PathBuf,
}

#[tokio::main]
async fn main() {
    let mut args = Args::parse();
    if args.quick {
        (args.rate, args.seconds, args.rounds, args.streams) = (100.0, 0.6, 2, 50);
    }
    let bin = args.bin.clone().unwrap_or_else(procs::default_binary);
    // Absolute: the children run in their own temporary working directories.
    let bin = std::fs::canonicalize(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    if let Some(seconds) = args.soak {
        run_soak(&bin, seconds, &args.out).await;
        return;
    }
    let variants =
        if args.variants.is_empty() { efficiency::Variant::defaults() } else { args.variants.clone() };
    if args.efficiency_only {
        let emulator = procs::Process::start(&bin, &["emulator", "--port", "0"], &[]);
        let efficiency = run_efficiency(&args, &bin, &emulator, &variants).await;
        let markdown = efficiency.markdown();
        println!("{markdown}");
        std::fs::create_dir_all(&args.out).expect("create the output folder");
        std::fs::write(
            args.out.join("efficiency.json"),
            serde_json::to_string_pretty(&efficiency).expect("json"),
        )
        .expect("write json");
        std::fs::write(args.out.join("efficiency.md"), &markdown).expect("write markdown");
        write_charts(&args.out, &efficiency.charts());
        if efficiency.errors() > 0 {
            eprintln!("{} requests failed", efficiency.errors());
            std::process::exit(1);
        }
        return;
    }
    let (emulator, server) = procs::start_stack(&bin, &args.server_env);
    let mut clients = Clients::new(&emulator.url, &server.url).await;
    if args.rest_http2 {
        clients = clients.with_rest_http2();
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss = procs::memory(server.pid()).0;
    eprintln!("warming up");
    for mode in selected(&args) {
        let warm =
            drive::closed_loop(&clients, mode, 4, Duration::from_millis(if args.quick { 100 } else { 500 }))
                .await;
        assert!(warm.iter().any(|s| s.ok), "{} never succeeded: is the stack healthy?", mode.name());
    }

    let slice = Duration::from_secs_f64(args.seconds / f64::from(args.rounds));
    eprintln!("open loop at {} req/s", args.rate);
    let (open_loop, open_latencies) = interleaved(&args, server.pid(), |mode| {
        let clients = clients.clone();
        async move { drive::open_loop(&clients, mode, args.rate, slice).await }
    })
    .await;
    eprintln!("closed loop at concurrency {}", args.concurrency);
    let (closed_loop, closed_latencies) = interleaved(&args, server.pid(), |mode| {
        let clients = clients.clone();
        async move { drive::closed_loop(&clients, mode, args.concurrency, slice).await }
    })
    .await;

    let efficiency = if args.latency_only {
        efficiency::Efficiency::default()
    } else {
        run_efficiency(&args, &bin, &emulator, &variants).await
    };

    let (streams_rss, start_to_serving) = if args.latency_only {
        (0, Duration::ZERO)
    } else {
        eprintln!("holding {} streams open", args.streams);
        let streams_rss = hold_streams(&server, args.streams).await;
        eprintln!("start to SERVING");
        (
            streams_rss,
            procs::start_to_serving(&bin, &emulator.url, &args.server_env, if args.quick { 1 } else { 5 })
                .await,
        )
    };

    eprintln!("overload: {}x the capacity of a server with --max-in-flight {}", 3, overload::MAX_IN_FLIGHT);
    let overload = overload::run(&bin, &emulator, 3.0, if args.quick { 0.5 } else { 4.0 }).await;

    let results = report::Results {
        machine: machine(),
        rest_protocol: if args.rest_http2 { "HTTP/2 (h2c, one connection)" } else { "HTTP/1.1" },
        rate: args.rate,
        concurrency: args.concurrency,
        seconds_per_mode: args.seconds,
        open_loop,
        closed_loop,
        idle_rss_mb: mb(idle_rss),
        streams_rss_mb: mb(streams_rss),
        streams: if args.latency_only { 0 } else { args.streams },
        start_to_serving_ms: start_to_serving.as_secs_f64() * 1000.0,
        overload,
        efficiency,
    };
    let markdown = results.markdown();
    println!("{markdown}");
    std::fs::create_dir_all(&args.out).expect("create the output folder");
    std::fs::write(args.out.join("latest.json"), serde_json::to_string_pretty(&results).expect("json"))
        .expect("write json");
    std::fs::write(args.out.join("latest.md"), &markdown).expect("write markdown");
    let lines = |latencies: Latencies| {
        latencies.into_iter().map(|(mode, values)| chart::Line::of_mode(mode, values)).collect()
    };
    let mut charts = vec![
        chart::Chart {
            file: "latency-open-loop.svg".into(),
            title: format!("Latency at {} req/s offered (open loop)", args.rate),
            lines: lines(open_latencies),
        },
        chart::Chart {
            file: "latency-closed-loop.svg".into(),
            title: format!("Latency at concurrency {} (closed loop)", args.concurrency),
            lines: lines(closed_latencies),
        },
    ];
    charts.extend(results.efficiency.charts());
    write_charts(&args.out, &charts);
    let failures: usize =
        results.open_loop.iter().chain(&results.closed_loop).map(|(_, s)| s.errors).sum::<usize>()
            + results.efficiency.errors();
    if failures > 0 {
        eprintln!("{failures} requests failed");
        std::process::exit(1);
    }
}

/// The efficiency phases `--phases` names (low load, saturated on one core and on two, streaming
/// on one core), per variant.
async fn run_efficiency(
    args: &Args,
    bin: &std::path::Path,
    emulator: &procs::Process,
    variants: &[efficiency::Variant],
) -> efficiency::Efficiency {
    use efficiency::{Load, Phase, Placement};
    let mut measured = efficiency::Efficiency::default();
    let seconds = if args.quick { 0.5 } else { 8.0 };
    for &phase in &args.phases {
        let (loads, seconds, placement, rows) = match phase {
            Phase::LowLoad => {
                eprintln!("low load at {} req/s, per server variant", args.low_rate);
                let low_seconds = if args.quick { 0.6 } else { 20.0 };
                measured.low_load = efficiency::low_load(
                    bin,
                    &emulator.url,
                    variants,
                    args.low_rate,
                    low_seconds,
                    args.rounds,
                )
                .await;
                continue;
            }
            Phase::OneCore => {
                eprintln!(
                    "one core: the servers pinned to CPU 1, concurrency {:?}",
                    args.one_core_concurrency
                );
                (
                    Load::unary_at(&args.one_core_concurrency),
                    seconds,
                    Placement::OneCore,
                    &mut measured.one_core,
                )
            }
            Phase::TwoCores => {
                eprintln!("two cores: nothing pinned, concurrency {:?}", args.two_core_concurrency);
                (
                    Load::unary_at(&args.two_core_concurrency),
                    seconds,
                    Placement::TwoCores,
                    &mut measured.two_cores,
                )
            }
            Phase::Streaming => {
                eprintln!(
                    "streaming on one core: answers of {:?} words, {} in flight",
                    args.stream_words, args.stream_concurrency
                );
                let loads = Load::streams(&args.only, &args.stream_words, args.stream_concurrency);
                (loads, seconds / 2.0, Placement::OneCore, &mut measured.streaming)
            }
        };
        *rows =
            efficiency::saturation(bin, emulator, variants, &loads, seconds, args.rounds, placement).await;
    }
    measured.stream_costs = efficiency::stream_costs(&measured.streaming);
    measured
}

/// Writes each chart into `out`, beside the report.
fn write_charts(out: &std::path::Path, charts: &[chart::Chart]) {
    for chart in charts {
        std::fs::write(out.join(&chart.file), chart.svg()).expect("write a chart");
    }
}

/// The soak alone: its own emulator and server; exits non-zero when it fails.
async fn run_soak(bin: &std::path::Path, seconds: f64, out: &std::path::Path) {
    let emulator = procs::Process::start(bin, &["emulator", "--port", "0"], &[]);
    eprintln!("soak: {seconds} s of mixed traffic");
    let soak = soak::run(bin, &emulator, seconds).await;
    let markdown = soak.markdown();
    println!("{markdown}");
    std::fs::create_dir_all(out).expect("create the output folder");
    std::fs::write(out.join("soak.json"), serde_json::to_string_pretty(&soak).expect("json"))
        .expect("write json");
    std::fs::write(out.join("soak.md"), &markdown).expect("write markdown");
    if !soak.passed() {
        eprintln!("the soak failed: see the outcomes above");
        std::process::exit(1);
    }
}

/// Every mode's latencies, for the charts.
type Latencies = Vec<(Mode, Vec<Duration>)>;

/// Runs every mode in `rounds` slices, round-robin, and summarises each with the server's CPU time
/// per request (gateway modes) and peak memory; with each mode's latencies.
async fn interleaved<F, Fut>(args: &Args, server_pid: u32, run: F) -> (Vec<(Mode, Summary)>, Latencies)
where
    F: Fn(Mode) -> Fut,
    Fut: Future<Output = Vec<Sample>>,
{
    let mut samples: HashMap<Mode, Vec<Sample>> = HashMap::new();
    let mut elapsed: HashMap<Mode, Duration> = HashMap::new();
    let mut cpu: HashMap<Mode, Duration> = HashMap::new();
    let modes = selected(args);
    for _ in 0..args.rounds {
        for &mode in &modes {
            let cpu_before = procs::cpu_time(server_pid);
            let started = Instant::now();
            let slice = run(mode).await;
            *elapsed.entry(mode).or_default() += started.elapsed();
            *cpu.entry(mode).or_default() += procs::cpu_time(server_pid).saturating_sub(cpu_before);
            samples.entry(mode).or_default().extend(slice);
            // Let the previous mode's connections settle before the next one is timed.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let latencies =
        modes.iter().map(|&mode| (mode, samples[&mode].iter().map(|s| s.latency).collect())).collect();
    let summaries = modes
        .iter()
        .map(|&mode| {
            let taken = &samples[&mode];
            let mut summary = Summary::of(taken, elapsed[&mode]);
            if !matches!(mode, Mode::SdkUnary | Mode::SdkStream) {
                summary.server_cpu_us_per_request =
                    Some(cpu[&mode].as_secs_f64() * 1e6 / taken.len().max(1) as f64);
            }
            summary.server_peak_rss_mb = Some(mb(procs::memory(server_pid).1));
            (mode, summary)
        })
        .collect();
    (summaries, latencies)
}

/// The modes to run: `--only`, plus the baselines they are compared with.
fn selected(args: &Args) -> Vec<Mode> {
    Mode::ALL
        .into_iter()
        .filter(|m| {
            args.only.is_empty() || args.only.contains(m) || args.only.iter().any(|o| o.baseline() == *m)
        })
        .collect()
}

/// Opens `count` gRPC streams whose answers trickle slowly, waits until each has its first chunk,
/// and returns the server's resident memory then.
async fn hold_streams(server: &procs::Process, count: usize) -> u64 {
    use amazon_chat::proto::v1 as api;
    let channels: Vec<tonic::transport::Channel> = futures::future::join_all((0..10).map(|_| async {
        tonic::transport::Channel::from_shared(server.url.clone())
            .expect("url")
            .connect()
            .await
            .expect("connect")
    }))
    .await;
    let request = |_: usize| api::ChatCompletionRequest {
        model: workload::MODEL.to_owned(),
        messages: vec![api::Message {
            role: "user".to_owned(),
            content: Some(api::message::Content::Text(
                "[[emulator:slow-stream=1500ms]] [[emulator:words=4]] hold".to_owned(),
            )),
            ..Default::default()
        }],
        ..Default::default()
    };
    let opened = futures::future::join_all((0..count).map(|i| {
        let mut client =
            api::chat_service_client::ChatServiceClient::new(channels[i % channels.len()].clone());
        async move {
            let mut stream = client.stream_chat_completion(request(i)).await.ok()?.into_inner();
            stream.message().await.ok()??;
            Some(stream)
        }
    }))
    .await;
    let held = opened.iter().filter(|s| s.is_some()).count();
    let rss = procs::memory(server.pid()).0;
    eprintln!("{held} of {count} streams open");
    drop(opened);
    rss
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned());
    let cores = cpuinfo.lines().filter(|l| l.starts_with("processor")).count();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map(|kb| kb / 1024 / 1024)
        .unwrap_or_default();
    format!(
        "{}, {cores} cores, {memory} GiB; load generator, emulator and server on the same machine",
        model.unwrap_or_default()
    )
}
