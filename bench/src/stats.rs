//! Percentiles and the per-mode summary.

use super::workload::Sample;
use serde::Serialize;
use std::time::Duration;

/// Percentiles of a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th.
    pub p90: f64,
    /// 99th.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl Percentiles {
    /// Of these durations (empty: all zero).
    pub fn of(mut values: Vec<Duration>) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        values.sort();
        let at = |q: f64| {
            let index = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len()) - 1;
            values[index].as_secs_f64() * 1000.0
        };
        Self { p50: at(0.50), p90: at(0.90), p99: at(0.99), max: at(1.0) }
    }
}

/// What one mode measured in one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Requests made.
    pub requests: usize,
    /// Failed requests.
    pub errors: usize,
    /// Completed requests per second.
    pub throughput: f64,
    /// End-to-end latency.
    pub latency: Percentiles,
    /// Time to first token (streams).
    pub first_token: Percentiles,
    /// Gaps between chunks (streams).
    pub chunk_gap: Percentiles,
    /// Server CPU time per request, microseconds (gateway modes).
    pub server_cpu_us_per_request: Option<f64>,
    /// The server's peak resident memory so far, MB.
    pub server_peak_rss_mb: Option<f64>,
}

impl Summary {
    /// Summarises samples gathered over `elapsed`.
    pub fn of(samples: &[Sample], elapsed: Duration) -> Self {
        let ok: Vec<&Sample> = samples.iter().filter(|s| s.ok).collect();
        Summary {
            requests: samples.len(),
            errors: samples.len() - ok.len(),
            throughput: ok.len() as f64 / elapsed.as_secs_f64().max(f64::EPSILON),
            latency: Percentiles::of(ok.iter().map(|s| s.latency).collect()),
            first_token: Percentiles::of(ok.iter().filter_map(|s| s.first_token).collect()),
            chunk_gap: Percentiles::of(ok.iter().flat_map(|s| s.gaps.iter().copied()).collect()),
            server_cpu_us_per_request: None,
            server_peak_rss_mb: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let values = (1..=100).map(Duration::from_millis).collect();
        let p = Percentiles::of(values);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50.0, 90.0, 99.0, 100.0));
        assert_eq!(Percentiles::of(vec![]).p99, 0.0);
    }
}
