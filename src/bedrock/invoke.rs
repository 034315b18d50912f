//! InvokeModel, for the models Converse does not serve (embeddings): the body goes as the model's
//! own JSON, and the answer comes back with Bedrock's input-token count, which InvokeModel sends
//! only as a response header (`X-Amzn-Bedrock-Input-Token-Count`) that the SDK does not model: a
//! per-call interceptor reads it.

use super::Bedrock;
use super::errors::{self, CallContext};
use crate::error::Result;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex, PoisonError};

/// An InvokeModel answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoked {
    /// The model's own JSON answer.
    pub body: Vec<u8>,
    /// Bedrock's count of input tokens, when it sent one.
    pub input_tokens: Option<u32>,
}

impl Bedrock {
    /// One InvokeModel call (one attempt: the core retries) with a JSON body.
    pub async fn invoke_model(&self, model_id: &str, body: Vec<u8>) -> Result<Invoked> {
        let tokens = InputTokens::default();
        let call = self
            .client
            .invoke_model()
            .model_id(model_id)
            .content_type("application/json")
            .accept("application/json")
            .body(aws_smithy_types::Blob::new(body))
            .customize()
            .interceptor(tokens.clone());
        match Box::pin(call.send()).await {
            Ok(output) => Ok(Invoked { body: output.body.into_inner(), input_tokens: tokens.get() }),
            Err(error) => {
                let status = error.raw_response().map(|r| r.status().as_u16());
                Err(errors::from_sdk(&error, status, CallContext { model: model_id, region: self.region() }))
            }
        }
    }
}

/// Reads `X-Amzn-Bedrock-Input-Token-Count` off the raw response.
#[derive(Debug, Clone, Default)]
struct InputTokens(Arc<Mutex<Option<u32>>>);

impl InputTokens {
    fn get(&self) -> Option<u32> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Intercept for InputTokens {
    fn name(&self) -> &'static str {
        "InputTokens"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let count = context
            .response()
            .headers()
            .get("x-amzn-bedrock-input-token-count")
            .and_then(|value| value.trim().parse().ok());
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = count;
        Ok(())
    }
}
