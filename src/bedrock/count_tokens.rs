//! CountTokens: the input tokens of a Converse request, as Bedrock counts them for the model.

use super::errors::{self, CallContext};
use super::{Bedrock, ConverseRequest};
use crate::error::Result;
use aws_sdk_bedrockruntime::types::{ConverseTokensRequest, CountTokensInput};

impl Bedrock {
    /// One CountTokens call (one attempt: the core retries) for the conversation, system prompt,
    /// tools and model fields of `request`, on the foundation model `model_id`.
    pub async fn count_tokens(&self, model_id: &str, request: &ConverseRequest) -> Result<u32> {
        let conversation = ConverseTokensRequest::builder()
            .set_messages(Some(request.messages.clone()))
            .set_system((!request.system.is_empty()).then(|| request.system.clone()))
            .set_tool_config(request.tool_config.clone())
            .set_additional_model_request_fields(request.additional_fields.clone())
            .build();
        let call =
            self.client.count_tokens().model_id(model_id).input(CountTokensInput::Converse(conversation));
        match Box::pin(call.send()).await {
            Ok(output) => Ok(u32::try_from(output.input_tokens()).unwrap_or(0)),
            Err(error) => {
                let status = error.raw_response().map(|r| r.status().as_u16());
                Err(errors::from_sdk(&error, status, CallContext { model: model_id, region: self.region() }))
            }
        }
    }
}
