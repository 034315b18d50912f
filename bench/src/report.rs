//! The results: a JSON document for tools, and a markdown table for people, with each target of
//! the benchmark issue checked.

use super::stats::Summary;
use super::workload::Mode;
use serde::Serialize;
use std::fmt::Write as _;

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// The machine (from /proc and uname).
    pub machine: String,
    /// The protocol of the REST modes' client.
    pub rest_protocol: &'static str,
    /// Offered rate of the open-loop phase, requests per second.
    pub rate: f64,
    /// Concurrency of the closed-loop phase.
    pub concurrency: usize,
    /// Seconds of load per mode and phase.
    pub seconds_per_mode: f64,
    /// Per mode, at the fixed rate.
    pub open_loop: Vec<(Mode, Summary)>,
    /// Per mode, at the fixed concurrency.
    pub closed_loop: Vec<(Mode, Summary)>,
    /// The server's resident memory when idle, MB.
    pub idle_rss_mb: f64,
    /// Its resident memory with `streams` concurrent streams open, MB.
    pub streams_rss_mb: f64,
    /// How many streams were held open.
    pub streams: usize,
    /// Median time from process start to SERVING, ms.
    pub start_to_serving_ms: f64,
    /// The overload run.
    pub overload: super::overload::Overload,
    /// Low load and one core, per server variant.
    pub efficiency: super::efficiency::Efficiency,
}

fn find(rows: &[(Mode, Summary)], mode: Mode) -> Option<&Summary> {
    rows.iter().find(|(m, _)| *m == mode).map(|(_, s)| s)
}

fn check(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

impl Results {
    /// The markdown report: tables per phase, then the targets.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Machine: {}\n", self.machine);
        let _ = writeln!(out, "REST client: {}\n", self.rest_protocol);
        for (title, rows) in [
            (format!("Open loop at {} req/s", self.rate), &self.open_loop),
            (format!("Closed loop at concurrency {}", self.concurrency), &self.closed_loop),
        ] {
            let _ = writeln!(out, "### {title} ({} s per mode, interleaved)\n", self.seconds_per_mode);
            let _ = writeln!(
                out,
                "| mode | req/s | errors | p50 ms | p90 ms | p99 ms | max ms | added p50 ms | added p99 ms | TTFT p50 ms | TTFT p99 ms | added TTFT p99 ms | chunk gap p99 ms | added gap p99 ms | server CPU µs/req | server peak RSS MB |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (mode, s) in rows.iter() {
                let base = find(rows, mode.baseline()).cloned().unwrap_or_default();
                let is_base = mode.baseline() == *mode;
                let added = |v: f64, b: f64| if is_base { "—".to_owned() } else { format!("{:.3}", v - b) };
                let stream = |v: f64| if mode.is_stream() { format!("{v:.3}") } else { "—".to_owned() };
                let stream_added =
                    |v: f64, b: f64| if mode.is_stream() { added(v, b) } else { "—".to_owned() };
                let _ = writeln!(
                    out,
                    "| {} | {:.0} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    mode.name(),
                    s.throughput,
                    s.errors,
                    s.latency.p50,
                    s.latency.p90,
                    s.latency.p99,
                    s.latency.max,
                    added(s.latency.p50, base.latency.p50),
                    added(s.latency.p99, base.latency.p99),
                    stream(s.first_token.p50),
                    stream(s.first_token.p99),
                    stream_added(s.first_token.p99, base.first_token.p99),
                    stream(s.chunk_gap.p99),
                    stream_added(s.chunk_gap.p99, base.chunk_gap.p99),
                    s.server_cpu_us_per_request.map_or("—".to_owned(), |v| format!("{v:.0}")),
                    s.server_peak_rss_mb.map_or("—".to_owned(), |v| format!("{v:.1}")),
                );
            }
            let _ = writeln!(out);
        }
        out.push_str(&self.efficiency.markdown());
        let _ = writeln!(out, "### Targets\n");
        let _ = writeln!(out, "| target | measured | |\n|---|---|---|");
        let rows = &self.open_loop;
        let base_unary = find(rows, Mode::SdkUnary).cloned().unwrap_or_default();
        let base_stream = find(rows, Mode::SdkStream).cloned().unwrap_or_default();
        for mode in [Mode::GrpcUnary, Mode::RestUnary] {
            if let Some(s) = find(rows, mode) {
                let p50 = s.latency.p50 - base_unary.latency.p50;
                let p99 = s.latency.p99 - base_unary.latency.p99;
                let _ = writeln!(
                    out,
                    "| {} added p50 <= 0.25 ms at {} req/s | {p50:.3} ms | {} |",
                    mode.name(),
                    self.rate,
                    check(p50 <= 0.25)
                );
                let _ = writeln!(
                    out,
                    "| {} added p99 <= 1 ms | {p99:.3} ms | {} |",
                    mode.name(),
                    check(p99 <= 1.0)
                );
                if let Some(cpu) = s.server_cpu_us_per_request {
                    let _ = writeln!(
                        out,
                        "| {} server CPU <= 100 µs/request | {cpu:.0} µs | {} |",
                        mode.name(),
                        check(cpu <= 100.0)
                    );
                }
            }
        }
        for mode in [Mode::GrpcStream, Mode::RestSse] {
            if let Some(s) = find(rows, mode) {
                let ttft = s.first_token.p99 - base_stream.first_token.p99;
                let gap = s.chunk_gap.p99 - base_stream.chunk_gap.p99;
                let _ = writeln!(
                    out,
                    "| {} added TTFT p99 <= 1 ms | {ttft:.3} ms | {} |",
                    mode.name(),
                    check(ttft <= 1.0)
                );
                let _ = writeln!(
                    out,
                    "| {} added inter-chunk p99 <= 0.1 ms | {gap:.3} ms | {} |",
                    mode.name(),
                    check(gap <= 0.1)
                );
            }
        }
        let _ = writeln!(
            out,
            "| idle RSS <= 20 MB | {:.1} MB | {} |",
            self.idle_rss_mb,
            check(self.idle_rss_mb <= 20.0)
        );
        let _ = writeln!(
            out,
            "| {} concurrent streams <= 100 MB | {:.1} MB | {} |",
            self.streams,
            self.streams_rss_mb,
            check(self.streams_rss_mb <= 100.0)
        );
        let _ = writeln!(
            out,
            "| start to SERVING <= 100 ms | {:.1} ms | {} |",
            self.start_to_serving_ms,
            check(self.start_to_serving_ms <= 100.0)
        );
        let one_core = &self.efficiency.one_core;
        let best = super::efficiency::saturation_points(one_core)
            .into_iter()
            .max_by(|a, b| a.throughput.total_cmp(&b.throughput));
        if !one_core.is_empty() {
            let (measured, met) = match best {
                Some(p) => (
                    format!("{:.0} req/s ({}, {} in flight)", p.throughput, p.variant, p.concurrency),
                    p.throughput >= 10_000.0,
                ),
                None => ("no depth under the p99".to_owned(), false),
            };
            let _ = writeln!(
                out,
                "| one core: >= 10,000 gRPC unary req/s with p99 < {} ms | {measured} | {} |",
                super::efficiency::P99_LIMIT_MS,
                check(met)
            );
            let cheapest =
                one_core.iter().min_by(|a, b| a.cpu_us_per_request.total_cmp(&b.cpu_us_per_request));
            if let Some(c) = cheapest {
                let _ = writeln!(
                    out,
                    "| one core saturated: server CPU <= 60 µs/request | {:.0} µs ({}, {} in flight) | {} |",
                    c.cpu_us_per_request,
                    c.variant,
                    c.concurrency,
                    check(c.cpu_us_per_request <= 60.0)
                );
            }
        }
        for mode in [Mode::GrpcStream, Mode::RestSse] {
            let costs = self.efficiency.stream_costs.iter().filter(|c| c.mode == mode);
            if let Some(c) = costs.min_by(|a, b| a.per_stream_us.total_cmp(&b.per_stream_us)) {
                let _ = writeln!(
                    out,
                    "| {} on one core: server CPU <= 150 µs/stream + <= 5 µs/chunk | {:.0} µs + {:.1} µs ({}) | {} |",
                    mode.name(),
                    c.per_stream_us,
                    c.per_chunk_us,
                    c.variant,
                    check(c.per_stream_us <= 150.0 && c.per_chunk_us <= 5.0)
                );
            }
        }
        let o = &self.overload;
        let _ = writeln!(
            out,
            "\n### Overload: {:.0} req/s offered to a server of {:.0} req/s capacity (`--max-in-flight {}`, {} ms upstream)\n",
            o.offered,
            o.capacity,
            super::overload::MAX_IN_FLIGHT,
            super::overload::UPSTREAM.as_millis()
        );
        let _ = writeln!(
            out,
            "| goodput req/s | shed | other failures | admitted p50 / p99 ms | shed p50 / p99 ms |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        let _ = writeln!(
            out,
            "| {:.0} | {:.0}% | {} | {:.1} / {:.1} | {:.1} / {:.1} |\n",
            o.goodput,
            o.shed_share * 100.0,
            o.other_failures,
            o.admitted_p50_ms,
            o.admitted_p99_ms,
            o.shed_p50_ms,
            o.shed_p99_ms
        );
        let upstream_ms = super::overload::UPSTREAM.as_secs_f64() * 1000.0;
        let _ = writeln!(out, "| overload target | measured | |\n|---|---|---|");
        let _ = writeln!(
            out,
            "| goodput >= 80% of capacity | {:.0}% | {} |",
            100.0 * o.goodput / o.capacity,
            check(o.goodput >= 0.8 * o.capacity)
        );
        let _ = writeln!(
            out,
            "| shed calls fail fast: p99 <= 25 ms | {:.1} ms | {} |",
            o.shed_p99_ms,
            check(o.shed_p99_ms <= 25.0)
        );
        let _ = writeln!(
            out,
            "| admitted latency bounded: p99 <= 3x upstream | {:.1} ms | {} |",
            o.admitted_p99_ms,
            check(o.admitted_p99_ms <= 3.0 * upstream_ms)
        );
        out
    }
}
