//! Load drivers: an open loop at a fixed offered rate (requests start on schedule whether or not
//! earlier ones finished, and latency counts from the scheduled start, so queueing shows), and a
//! closed loop at a fixed concurrency.

use super::workload::{Clients, Mode, Sample};
use std::time::Duration;
use tokio::time::Instant;

/// Offers `rate` requests per second of `mode` for `duration`.
pub async fn open_loop(clients: &Clients, mode: Mode, rate: f64, duration: Duration) -> Vec<Sample> {
    let count = (rate * duration.as_secs_f64()).round() as u32;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(count as usize);
    for i in 0..count {
        let scheduled = start + interval * i;
        tokio::time::sleep_until(scheduled).await;
        let clients = clients.clone();
        tasks.push(tokio::spawn(async move {
            let lag = scheduled.elapsed();
            let mut sample = clients.call(mode).await;
            sample.latency += lag;
            sample.first_token = sample.first_token.map(|t| t + lag);
            sample
        }));
    }
    let mut samples = Vec::with_capacity(tasks.len());
    for task in tasks {
        samples.push(task.await.unwrap_or_default());
    }
    samples
}

/// Keeps `concurrency` requests of `mode` in flight for `duration`.
pub async fn closed_loop(
    clients: &Clients,
    mode: Mode,
    concurrency: usize,
    duration: Duration,
) -> Vec<Sample> {
    let deadline = Instant::now() + duration;
    let workers = (0..concurrency).map(|_| {
        let clients = clients.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                samples.push(clients.call(mode).await);
            }
            samples
        })
    });
    let mut samples = Vec::new();
    for worker in futures::future::join_all(workers).await {
        samples.extend(worker.unwrap_or_default());
    }
    samples
}
