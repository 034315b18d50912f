//! Token counting through the same core as chat: the request is validated, routed and mapped as a
//! chat request would be (so the count is of what chat would send), then Bedrock's CountTokens
//! counts it on the routed model's foundation id. The caller's key and its models apply; rate
//! limits do not, as nothing is generated.

use super::{Chat, Served, map_request, validate};
use crate::auth::Caller;
use crate::error::{Error, ErrorKind, Result};
use crate::proto::v1 as api;

impl Chat {
    /// The input tokens `request` would use.
    pub async fn count_tokens(
        &self,
        mut request: api::ChatCompletionRequest,
        caller: &Caller,
    ) -> Result<(api::CountTokensResponse, Served)> {
        validate::request(&request)?;
        let route = self.allowed_chat_route(&request.model, caller, None)?;
        // CountTokens takes foundation-model ids: a system profile is counted on its model.
        let model_id = crate::catalog::features::base_id(&route.model_id).to_owned();
        let (converse, _) = map_request(&mut request, &model_id, route.defaults, &self.policies)?;
        let client =
            self.pool.client(route.region.as_deref()).map_err(|e| Error::new(ErrorKind::Internal, e))?;
        let budget = format!("{}/{}", client.region(), if route.known { model_id.as_str() } else { "other" });
        let deadline = tokio::time::Instant::now() + self.timeouts.upstream;
        let mut tally = super::retry::Tally::default();
        let attempt = || client.count_tokens(&model_id, &converse);
        let input_tokens = self.retrier.run(&budget, &model_id, deadline, &mut tally, attempt).await?;
        let served = Served {
            model_id: model_id.clone(),
            region: client.region().to_owned(),
            attempts: tally.attempts,
            ..Served::default()
        };
        Ok((api::CountTokensResponse { input_tokens, model: request.model }, served))
    }
}
