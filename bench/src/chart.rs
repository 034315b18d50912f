//! Latency distributions as SVG charts: one line per mode, latency (ms) across, the share of
//! requests at or under it up, so where a mode's line sits right of the baseline's is what the
//! gateway adds, at every percentile at once. Written beside latest.md; plain SVG, viewable in any
//! browser and in GitHub's Markdown.

use super::workload::Mode;
use std::fmt::Write as _;
use std::time::Duration;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 200.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
/// One colour per mode, in `Mode::ALL` order (baselines in greys).
const COLOURS: [&str; 6] = ["#555555", "#999999", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"];

/// The chart of `title` for these modes' latencies.
pub fn cdf(title: &str, series: &[(Mode, Vec<Duration>)]) -> String {
    let mut sorted: Vec<(Mode, Vec<f64>)> = series
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(mode, values)| {
            let mut ms: Vec<f64> = values.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
            ms.sort_by(f64::total_cmp);
            (*mode, ms)
        })
        .collect();
    sorted.sort_by_key(|(mode, _)| Mode::ALL.iter().position(|m| m == mode));
    // Up to the largest p99.9, so one outlier does not squash every line to the left.
    let x_max = sorted
        .iter()
        .map(|(_, ms)| ms[((ms.len() as f64 * 0.999) as usize).min(ms.len() - 1)])
        .fold(0.0_f64, f64::max)
        .max(0.001);
    let x_max = nice_ceiling(x_max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |ms: f64| LEFT + (ms.min(x_max) / x_max) * plot_w;
    let y = |share: f64| TOP + (1.0 - share) * plot_h;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{}</text>"#,
        escape(title)
    );
    for i in 0..=5 {
        let ms = x_max * f64::from(i) / 5.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.1}" y1="{TOP}" x2="{0:.1}" y2="{1:.1}" stroke="#eeeeee"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle">{3}</text>"##,
            x(ms),
            TOP + plot_h,
            TOP + plot_h + 16.0,
            trim(ms)
        );
    }
    for share in [0.0, 0.5, 0.9, 0.99, 1.0] {
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#eeeeee"/><text x="{2:.1}" y="{3:.1}" text-anchor="end">{4}%</text>"##,
            y(share),
            LEFT + plot_w,
            LEFT - 6.0,
            y(share) + 4.0,
            share * 100.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">latency, ms (to the largest p99.9)</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 10.0
    );
    for (n, (mode, ms)) in sorted.iter().enumerate() {
        let colour = COLOURS[Mode::ALL.iter().position(|m| m == mode).unwrap_or(0) % COLOURS.len()];
        // At most ~400 points per line: every quantile step, not every request.
        let step = (ms.len() / 400).max(1);
        let mut points = String::new();
        for (i, value) in
            ms.iter().enumerate().step_by(step).chain(std::iter::once((ms.len() - 1, &ms[ms.len() - 1])))
        {
            let share = (i + 1) as f64 / ms.len() as f64;
            let _ = write!(points, "{:.1},{:.1} ", x(*value), y(share));
        }
        let dash = if mode.baseline() == *mode { r#" stroke-dasharray="5,3""# } else { "" };
        let _ = writeln!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
            points.trim_end()
        );
        let legend_y = TOP + 14.0 + 18.0 * n as f64;
        let _ = writeln!(
            svg,
            r#"<line x1="{0:.1}" y1="{1:.1}" x2="{2:.1}" y2="{1:.1}" stroke="{colour}" stroke-width="2"{dash}/><text x="{3:.1}" y="{4:.1}">{5}</text>"#,
            WIDTH - RIGHT + 14.0,
            legend_y,
            WIDTH - RIGHT + 40.0,
            WIDTH - RIGHT + 46.0,
            legend_y + 4.0,
            escape(mode.name())
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// 1, 2 or 5 times a power of ten, at or above `value`.
fn nice_ceiling(value: f64) -> f64 {
    let power = 10_f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|v| *v >= value).unwrap_or(value)
}

fn trim(ms: f64) -> String {
    let text = format!("{ms:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_line_and_a_legend_entry_per_mode() {
        let series = vec![
            (Mode::SdkUnary, (1..=100).map(Duration::from_micros).collect()),
            (Mode::GrpcUnary, (50..=150).map(Duration::from_micros).collect()),
        ];
        let svg = cdf("Open loop", &series);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("baseline: SDK Converse") && svg.contains("gRPC unary"));
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(nice_ceiling(0.37), 0.5);
        assert_eq!(nice_ceiling(3.2), 5.0);
    }
}
