//! Latency distributions as SVG charts: one line per mode (or per server variant), latency (ms)
//! across, the share of requests at or under it up, so where a mode's line sits right of the
//! baseline's is what the gateway adds, and where a variant's sits right of another's is what it
//! costs, at every percentile at once. Written beside latest.md; plain SVG, viewable in any browser
//! and in GitHub's Markdown.

use super::workload::Mode;
use std::fmt::Write as _;
use std::time::Duration;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 60.0;
/// Room for the legend: a variant's name, e.g. "default (a worker per CPU)", is ~26 characters.
const RIGHT: f64 = 240.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
/// One colour per mode, in `Mode::ALL` order (baselines in greys).
const COLOURS: [&str; 6] = ["#555555", "#999999", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"];
/// One colour per server variant, in the order they were named.
const VARIANT_COLOURS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/// One line of a chart: whose latencies, drawn how.
#[derive(Debug, Clone)]
pub struct Line {
    /// The legend's text.
    pub label: String,
    /// Its colour.
    pub colour: &'static str,
    /// Dashed (a baseline) or solid.
    pub dashed: bool,
    /// The latencies drawn.
    pub latencies: Vec<Duration>,
}

impl Line {
    /// A mode's line: its colour by mode, dashed for the baselines.
    pub fn of_mode(mode: Mode, latencies: Vec<Duration>) -> Line {
        let position = Mode::ALL.iter().position(|m| *m == mode).unwrap_or(0);
        Line {
            label: mode.name().to_owned(),
            colour: COLOURS[position % COLOURS.len()],
            dashed: mode.baseline() == mode,
            latencies,
        }
    }

    /// The line of the `index`th server variant, named `label`.
    pub fn of_variant(index: usize, label: String, latencies: Vec<Duration>) -> Line {
        Line { label, colour: VARIANT_COLOURS[index % VARIANT_COLOURS.len()], dashed: false, latencies }
    }
}

/// A chart to write: its file name, title and lines.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name, beside latest.md.
    pub file: String,
    /// Drawn at the top.
    pub title: String,
    /// One per mode or variant, in legend order.
    pub lines: Vec<Line>,
}

impl Chart {
    /// The SVG document.
    pub fn svg(&self) -> String {
        cdf(&self.title, &self.lines)
    }
}

/// The chart of `title` for these lines, in legend order.
pub fn cdf(title: &str, lines: &[Line]) -> String {
    let sorted: Vec<(&Line, Vec<f64>)> = lines
        .iter()
        .filter(|line| !line.latencies.is_empty())
        .map(|line| {
            let mut ms: Vec<f64> = line.latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
            ms.sort_by(f64::total_cmp);
            (line, ms)
        })
        .collect();
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
    for (n, (line, ms)) in sorted.iter().enumerate() {
        let colour = line.colour;
        // At most ~400 points per line: every quantile step, not every request.
        let step = (ms.len() / 400).max(1);
        let mut points = String::new();
        for (i, value) in
            ms.iter().enumerate().step_by(step).chain(std::iter::once((ms.len() - 1, &ms[ms.len() - 1])))
        {
            let share = (i + 1) as f64 / ms.len() as f64;
            let _ = write!(points, "{:.1},{:.1} ", x(*value), y(share));
        }
        let dash = if line.dashed { r#" stroke-dasharray="5,3""# } else { "" };
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
            escape(&line.label)
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
        let lines = vec![
            Line::of_mode(Mode::SdkUnary, (1..=100).map(Duration::from_micros).collect()),
            Line::of_mode(Mode::GrpcUnary, (50..=150).map(Duration::from_micros).collect()),
            Line::of_variant(1, "before & after".into(), (60..=160).map(Duration::from_micros).collect()),
            Line::of_variant(2, "no samples".into(), Vec::new()),
        ];
        let svg = cdf("Open loop", &lines);
        assert_eq!(svg.matches("<polyline").count(), 3, "a line without samples is left out");
        assert!(svg.contains("baseline: SDK Converse") && svg.contains("gRPC unary"));
        assert!(svg.contains("before &amp; after") && !svg.contains("no samples"));
        assert_eq!(svg.matches("stroke-dasharray").count(), 2, "the baseline's line and legend");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(nice_ceiling(0.37), 0.5);
        assert_eq!(nice_ceiling(3.2), 5.0);
    }
}
