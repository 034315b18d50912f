//! Embeddings through the same core as chat: the caller's key and its models, the catalog's routing,
//! the rate limits, the retry loop and budgets, the call record (log line, metrics, span). The
//! request is cut into the calls the model's family takes ([`bedrock::embeddings`]), sent up to
//! [`CONCURRENT_CALLS`] at a time, and the vectors come back in the order of the inputs.

use super::record::CallRecord;
use super::{Chat, Served, validate};
use crate::auth::Caller;
use crate::bedrock::{self, embeddings::Settings};
use crate::error::{Error, Result};
use crate::proto::v1 as api;
use futures::{StreamExt as _, TryStreamExt as _};
use tracing::Instrument as _;

/// How many InvokeModel calls of one request run at once (Titan and Nova take one input a call).
pub const CONCURRENT_CALLS: usize = 8;

impl Chat {
    /// Embeds the inputs, with the caller's quota after the call and where it was served.
    pub async fn embed(
        &self,
        request: api::CreateEmbeddingsRequest,
        caller: &Caller,
    ) -> Result<(api::CreateEmbeddingsResponse, Served)> {
        let mut record =
            CallRecord::start_embeddings(caller.name.clone(), &request.model, request.user.as_deref());
        let span = record.span().clone();
        let result = self.embed_recorded(request, caller, &mut record).instrument(span).await;
        let usage = match &result {
            Ok((response, _)) => Ok(response.usage.as_ref().map(|u| api::Usage {
                prompt_tokens: u.prompt_tokens,
                total_tokens: u.total_tokens,
                ..Default::default()
            })),
            Err(error) => Err(error),
        };
        record.finish(usage.as_ref().map(Option::as_ref).map_err(|error| *error));
        result
    }

    async fn embed_recorded(
        &self,
        request: api::CreateEmbeddingsRequest,
        caller: &Caller,
        record: &mut CallRecord,
    ) -> Result<(api::CreateEmbeddingsResponse, Served)> {
        validate::embeddings::request(&request)?;
        let route = self.allowed_route(&request.model, caller, None)?;
        let Some(family) = bedrock::embeddings::family(&route.model_id) else {
            return Err(Error::invalid(
                "model",
                format!(
                    "{:?} is not an embedding model; embed with amazon.titan-embed-text-v2:0, cohere.embed-v4:0, \
                     ... (chat models answer POST /v1/chat/completions)",
                    request.model
                ),
            ));
        };
        let inputs = validate::embeddings::for_family(&request, family, &route.model_id)?;
        let input_type = request.input_type.as_deref().unwrap_or(&self.policies.embedding_input_type);
        let settings = Settings {
            dimensions: request.dimensions,
            normalize: request.normalize.filter(|_| family == bedrock::embeddings::Family::TitanV2),
            input_type,
        };
        let client = self
            .pool
            .client(route.region.as_deref())
            .map_err(|e| Error::new(crate::error::ErrorKind::Internal, e))?;
        record.routed(&route.model_id, client.region(), route.known);
        let budget =
            format!("{}/{}", client.region(), if route.known { route.model_id.as_str() } else { "other" });
        let estimate = inputs.iter().map(|input| match input {
            bedrock::embeddings::Input::Text(text) => text.len() as u64 / 4 + 1,
            bedrock::embeddings::Input::Image { .. } => 1,
        });
        let (admission, quota) = self.limiter.admit_estimated(caller, estimate.sum(), false).await?;
        let deadline = tokio::time::Instant::now() + self.timeouts.upstream;
        let calls = family.calls(&inputs);
        let model = route.model_id.as_str();
        // Attempts of all the calls, failed ones included, for the record.
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let results: Result<Vec<(Vec<Vec<f32>>, u32)>> = futures::stream::iter(calls)
            .map(|range| {
                let body =
                    serde_json::to_vec(&family.body(&inputs[range.clone()], settings)).unwrap_or_default();
                let (client, budget, attempts, expected) = (&client, &budget, &attempts, range.len());
                async move {
                    let mut tally = super::retry::Tally::default();
                    let attempt = || client.invoke_model(model, body.clone());
                    let invoked = self.retrier.run(budget, model, deadline, &mut tally, attempt).await;
                    attempts.fetch_add(tally.attempts, std::sync::atomic::Ordering::Relaxed);
                    let invoked = invoked?;
                    let (vectors, counted) = family.vectors(&invoked.body, expected)?;
                    Ok::<_, Error>((vectors, invoked.input_tokens.or(counted).unwrap_or(0)))
                }
            })
            .buffered(CONCURRENT_CALLS)
            .try_collect()
            .instrument(super::bedrock_span("InvokeModel", model, client.region()))
            .await;
        record.tally().attempts += attempts.into_inner();
        let results = match results {
            Ok(results) => results,
            Err(error) => {
                admission.finish(Some(0)); // nothing useful came back: no tokens are charged
                return Err(error);
            }
        };
        let mut data = Vec::with_capacity(inputs.len());
        let mut tokens = 0u32;
        for (vectors, counted) in results {
            tokens = tokens.saturating_add(counted);
            for mut vector in vectors {
                if request.normalize == Some(true) && family != bedrock::embeddings::Family::TitanV2 {
                    normalize(&mut vector);
                }
                data.push(embedding(
                    data.len(),
                    vector,
                    request.encoding_format.as_deref() == Some("base64"),
                ));
            }
        }
        admission.finish(Some(u64::from(tokens)));
        let response = api::CreateEmbeddingsResponse {
            object: "list".to_owned(),
            data,
            model: request.model,
            usage: Some(api::EmbeddingUsage { prompt_tokens: tokens, total_tokens: tokens }),
        };
        Ok((response, record.served(quota)))
    }
}

/// Scales a vector to unit length (a zero vector stays as it is).
fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
}

/// One input's embedding, as floats or as base64 of little-endian 32-bit floats (OpenAI's).
fn embedding(index: usize, vector: Vec<f32>, base64: bool) -> api::Embedding {
    let index = u32::try_from(index).unwrap_or(u32::MAX);
    if base64 {
        use base64::Engine as _;
        let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        api::Embedding {
            object: "embedding".to_owned(),
            index,
            embedding: Vec::new(),
            embedding_base64: Some(encoded),
        }
    } else {
        api::Embedding { object: "embedding".to_owned(), index, embedding: vector, embedding_base64: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_normalise_and_encode_as_openai_does() {
        let mut vector = vec![3.0, 4.0];
        normalize(&mut vector);
        assert_eq!(vector, [0.6, 0.8]);
        let mut zero = vec![0.0, 0.0];
        normalize(&mut zero);
        assert_eq!(zero, [0.0, 0.0]);
        let encoded = embedding(2, vec![1.0, -2.0], true);
        assert_eq!(encoded.index, 2);
        assert!(encoded.embedding.is_empty());
        // 1.0f32 = 00 00 80 3f, -2.0f32 = 00 00 00 c0
        assert_eq!(encoded.embedding_base64.as_deref(), Some("AACAPwAAAMA="));
    }
}
