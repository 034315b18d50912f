//! Logging and tracing: tracing to stderr (stdout carries only the "listening on" line), text or
//! JSON, filtered by `RUST_LOG` (default: info for this crate, warnings for the AWS SDK); and, when
//! the standard `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the same spans exported as OpenTelemetry traces
//! over OTLP/gRPC (the exporter reads the other `OTEL_*` variables itself: headers, timeouts,
//! `OTEL_SERVICE_NAME`, `OTEL_BSP_*`).
//!
//! Spans follow OpenTelemetry's GenAI conventions: a `chat {model}` span per chat call
//! (`gen_ai.operation.name`, `gen_ai.provider.name` = `aws.bedrock`, `gen_ai.request.model`,
//! `gen_ai.usage.input_tokens`, ...) under the call's server span, a client span for the Bedrock
//! call, and an event at the first token. An incoming W3C `traceparent` (REST header or gRPC
//! metadata) is continued.

use crate::config::LogFormat;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// What must be flushed at exit.
#[derive(Debug, Default)]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends the spans still buffered (at shutdown).
    pub fn shutdown(self) {
        if let Some(provider) = self.traces
            && let Err(error) = provider.shutdown()
        {
            eprintln!("OpenTelemetry: the last spans could not be sent: {error}");
        }
    }
}

/// Installs the global subscriber (and, with `OTEL_EXPORTER_OTLP_ENDPOINT`, the OTLP exporter; call
/// it inside the tokio runtime then). Safe to call once per process.
pub fn init(format: LogFormat) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn,hyper=warn,h2=warn")
    });
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let traces = otlp_provider();
    let otel = traces
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("amazon-chat")));
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    let _ = match format {
        LogFormat::Text => registry
            .with(tracing_subscriber::fmt::layer().with_ansi(ansi).with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(tracing_subscriber::fmt::layer().json().flatten_event(true).with_writer(std::io::stderr))
            .try_init(),
    };
    if traces.is_some() {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
    }
    Telemetry { traces }
}

fn otlp_provider() -> Option<SdkTracerProvider> {
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .or_else(|_| std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT"))
        .ok()
        .filter(|e| !e.trim().is_empty())?;
    let exporter = match opentelemetry_otlp::SpanExporter::builder().with_tonic().build() {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("OpenTelemetry: no trace export to {endpoint}: {error}");
            return None;
        }
    };
    let processor = opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor::builder(
        exporter,
        opentelemetry_sdk::runtime::Tokio,
    )
    .build();
    let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "amazon-chat".to_owned());
    let resource = opentelemetry_sdk::Resource::builder().with_service_name(service).build();
    Some(SdkTracerProvider::builder().with_span_processor(processor).with_resource(resource).build())
}

/// Continues the caller's W3C trace context (`traceparent`, `tracestate`) on `span`.
pub fn continue_trace(span: &tracing::Span, headers: &http::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    struct Headers<'a>(&'a http::HeaderMap);
    impl opentelemetry::propagation::Extractor for Headers<'_> {
        fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).and_then(|v| v.to_str().ok())
        }
        fn keys(&self) -> Vec<&str> {
            self.0.keys().map(http::HeaderName::as_str).collect()
        }
    }
    if !headers.contains_key("traceparent") {
        return;
    }
    let context = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(headers)));
    let _ = span.set_parent(context);
}
