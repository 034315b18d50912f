//! The Bedrock adapter: one shared SDK client, and the mappings between the API and Converse.
//!
//! - [`sdk`] builds the SDK configuration once at start (region, endpoint, retries, credentials);
//!   [`pool`] keeps one client per region (home, and fallback regions on first use).
//! - [`request`] maps an API request onto Converse; [`response`] and [`stream`] map answers back.
//! - [`citations`] maps Bedrock's citations onto the API's.
//! - [`s3_location`] maps `s3://` URLs onto Converse's S3 locations, for the models that read them.
//! - [`guardrail_trace`] writes Bedrock's guardrail trace back as JSON for the callers who ask.
//! - [`errors`] classifies SDK failures into [`crate::error::Error`].
//! - [`document`] converts JSON-ish values to and from the SDK's `Document`.
//! - [`document_block`] builds Converse document blocks (valid, unique names; citations).

pub mod citations;
mod count_tokens;
pub mod document;
pub mod document_block;
pub mod embeddings;
pub mod errors;
pub mod guardrail_trace;
mod invoke;
pub mod pool;
pub mod request;
pub mod response;
pub mod s3_location;
pub mod sdk;
pub mod stream;

use crate::error::Result;
use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::primitives::event_stream::EventReceiver;
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use aws_sdk_bedrockruntime::types::{
    ConverseStreamOutput, GuardrailConfiguration, GuardrailStreamConfiguration,
};
use errors::CallContext;
pub use invoke::Invoked;
pub use request::{ConverseRequest, Decisions, to_converse};
pub use response::Answer;

/// The events of one ConverseStream call.
pub type EventStream = EventReceiver<ConverseStreamOutput, ConverseStreamOutputError>;

/// Fills a Converse or ConverseStream fluent builder (distinct SDK types with the same setters).
macro_rules! with_request {
    ($builder:expr, $request:expr, $guardrail:ident) => {{
        let request: ConverseRequest = $request;
        $builder
            .model_id(request.model_id)
            .set_messages(Some(request.messages))
            .set_system((!request.system.is_empty()).then_some(request.system))
            .inference_config(request.inference)
            .set_tool_config(request.tool_config)
            .set_additional_model_request_fields(request.additional_fields)
            .set_additional_model_response_field_paths(request.response_field_paths)
            .set_output_config(request.output_config)
            .set_service_tier(request.service_tier)
            .set_performance_config(request.performance)
            .set_request_metadata((!request.metadata.is_empty()).then_some(request.metadata))
            .set_guardrail_config(request.guardrail.map(|g| {
                $guardrail::builder()
                    .guardrail_identifier(g.identifier)
                    .guardrail_version(g.version)
                    .trace(g.trace)
                    .build()
            }))
    }};
}

/// A Bedrock Runtime client for one region. Cheap to clone; build it once and share it.
#[derive(Debug, Clone)]
pub struct Bedrock {
    client: Client,
    region: String,
}

impl Bedrock {
    /// Wraps an SDK client.
    pub fn new(client: Client, region: String) -> Self {
        Self { client, region }
    }

    /// The region this client calls.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// One Converse call (one attempt: the core retries).
    pub async fn converse(&self, request: ConverseRequest) -> Result<Answer> {
        let model = request.model_id.clone();
        let call = with_request!(self.client.converse(), request, GuardrailConfiguration);
        // The SDK's futures are tens of kilobytes: boxed, they are not copied into (and with) every
        // future that awaits them.
        match Box::pin(call.send()).await {
            Ok(output) => Ok(response::answer(
                output.output(),
                output.stop_reason(),
                output.usage(),
                output.service_tier(),
                output.trace().and_then(|t| t.guardrail()),
                output.additional_model_response_fields(),
            )),
            Err(error) => {
                let status = error.raw_response().map(|r| r.status().as_u16());
                Err(errors::from_sdk(&error, status, CallContext { model: &model, region: &self.region }))
            }
        }
    }

    /// Starts a ConverseStream call (one attempt); events are read with [`Bedrock::next_event`].
    pub async fn converse_stream(&self, request: ConverseRequest) -> Result<EventStream> {
        let model = request.model_id.clone();
        let call = with_request!(self.client.converse_stream(), request, GuardrailStreamConfiguration);
        match Box::pin(call.send()).await {
            Ok(output) => Ok(output.stream),
            Err(error) => {
                let status = error.raw_response().map(|r| r.status().as_u16());
                Err(errors::from_sdk(&error, status, CallContext { model: &model, region: &self.region }))
            }
        }
    }

    /// The next event of a stream; `None` when Bedrock closed it.
    pub async fn next_event(
        events: &mut EventStream,
        model: &str,
        region: &str,
    ) -> Result<Option<ConverseStreamOutput>> {
        events.recv().await.map_err(|error| {
            let context = CallContext { model, region };
            match error.as_service_error() {
                // Event-stream exceptions carry no error code metadata; the variant names it.
                Some(exception) => errors::from_exception(
                    stream_exception_code(exception),
                    exception.meta().message().unwrap_or_default(),
                    None,
                    context,
                ),
                None => errors::from_sdk(&error, None, context),
            }
        })
    }
}

/// The exception name of a mid-stream exception frame.
fn stream_exception_code(error: &ConverseStreamOutputError) -> &str {
    use ConverseStreamOutputError as E;
    match error {
        E::InternalServerException(_) => "InternalServerException",
        E::ModelStreamErrorException(_) => "ModelStreamErrorException",
        E::ServiceUnavailableException(_) => "ServiceUnavailableException",
        E::ThrottlingException(_) => "ThrottlingException",
        E::ValidationException(_) => "ValidationException",
        other => other.meta().code().unwrap_or_default(),
    }
}
