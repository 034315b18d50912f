//! OpenAI's `POST /v1/embeddings` over the core's embeddings: its JSON types (and, through
//! utoipa, their part of `/openapi.json`), the mapping onto the proto request, and the handler.
//! OpenAI's SDKs ask for base64 vectors unless told otherwise; both encodings are served.

use super::{RestState, body, error_response};
use crate::error::{Error, Result};
use crate::proto::v1 as api;
use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/embeddings` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EmbeddingsRequest {
    /// A text, or a list of 1 to 2,048 texts (each at most 50,000 characters; Cohere's models take
    /// 2,048). Token-id arrays are refused: Bedrock's models take text.
    #[schema(value_type = EmbeddingsInput)]
    pub input: serde_json::Value,
    /// A Bedrock embedding model id (`amazon.titan-embed-text-v2:0`, `cohere.embed-v4:0`,
    /// `amazon.nova-2-multimodal-embeddings-v1:0`, ...), profile id, ARN or alias.
    #[schema(min_length = 1, max_length = 2048, example = "amazon.titan-embed-text-v2:0")]
    pub model: String,
    /// The vector size, where the model offers several (Titan V2: 256, 512, 1024).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub dimensions: Option<u32>,
    /// `float` (the default) or `base64` (little-endian 32-bit floats).
    #[serde(default)]
    #[schema(pattern = "^(float|base64)$")]
    pub encoding_format: Option<String>,
    /// An end-user id: recorded on the call's log line, not sent to Bedrock.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub user: Option<String>,
    /// This gateway's addition: what the vectors are for (`search_document`, the default,
    /// `search_query`, `classification`, `clustering`); Cohere's models require one.
    #[serde(default)]
    #[schema(pattern = "^(search_document|search_query|classification|clustering)$")]
    pub input_type: Option<String>,
    /// This gateway's addition: unit-length vectors.
    #[serde(default)]
    pub normalize: Option<bool>,
}

/// What `input` takes (for the document; the handler reads any JSON to name what is wrong).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // a schema only
pub enum EmbeddingsInput {
    /// One text.
    Text(String),
    /// 1 to 2,048 texts.
    Texts(Vec<String>),
}

/// A vector: floats, or base64 of their little-endian bytes.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EmbeddingVector {
    /// With `encoding_format: float`.
    Floats(Vec<f32>),
    /// With `encoding_format: base64`.
    Base64(String),
}

/// The answer: OpenAI's `list` of embeddings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmbeddingList {
    /// `list`.
    pub object: String,
    /// One embedding per input, in order.
    pub data: Vec<EmbeddingObject>,
    /// The model as the request named it.
    pub model: String,
    /// Token counts, from Bedrock's own.
    pub usage: EmbeddingsUsage,
}

/// One input's vector.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmbeddingObject {
    /// `embedding`.
    pub object: String,
    /// The input's index.
    pub index: u32,
    /// Floats, or with `encoding_format: base64` their little-endian bytes in base64.
    pub embedding: EmbeddingVector,
}

/// Token counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmbeddingsUsage {
    /// Input tokens.
    pub prompt_tokens: u32,
    /// The same (embeddings generate no tokens).
    pub total_tokens: u32,
}

/// OpenAI's request as the proto request.
pub fn request(request: EmbeddingsRequest) -> Result<api::CreateEmbeddingsRequest> {
    let EmbeddingsRequest { input, model, dimensions, encoding_format, user, input_type, normalize } =
        request;
    let token_ids =
        || Error::invalid("input", "token ids are not supported: Bedrock's embedding models take text");
    let texts = match input {
        serde_json::Value::String(text) => vec![text],
        serde_json::Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                serde_json::Value::String(text) => Ok(text),
                serde_json::Value::Number(_) | serde_json::Value::Array(_) => Err(token_ids()),
                _ => Err(Error::invalid(format!("input[{i}]"), "must be a string")),
            })
            .collect::<Result<_>>()?,
        _ => return Err(Error::invalid("input", "must be a string or a list of strings")),
    };
    Ok(api::CreateEmbeddingsRequest {
        model,
        inputs: texts
            .into_iter()
            .map(|text| api::EmbeddingInput { input: Some(api::embedding_input::Input::Text(text)) })
            .collect(),
        dimensions,
        normalize,
        encoding_format,
        input_type,
        user,
    })
}

/// The core's answer as OpenAI's.
pub fn response(response: api::CreateEmbeddingsResponse) -> EmbeddingList {
    let api::CreateEmbeddingsResponse { object, data, model, usage } = response;
    let api::EmbeddingUsage { prompt_tokens, total_tokens } = usage.unwrap_or_default();
    EmbeddingList {
        object,
        data: data
            .into_iter()
            .map(|api::Embedding { object, index, embedding, embedding_base64 }| EmbeddingObject {
                object,
                index,
                embedding: match embedding_base64 {
                    Some(encoded) => EmbeddingVector::Base64(encoded),
                    None => EmbeddingVector::Floats(embedding),
                },
            })
            .collect(),
        model,
        usage: EmbeddingsUsage { prompt_tokens, total_tokens },
    }
}

/// Embeddings.
#[utoipa::path(
    post,
    path = "/v1/embeddings",
    request_body(
        content = EmbeddingsRequest,
        examples(
            ("one" = (summary = "One text", value = json!({
                "model": "amazon.titan-embed-text-v2:0", "input": "The quick brown fox"}))),
            ("batch" = (summary = "Several texts for a search index (Cohere)", value = json!({
                "model": "cohere.embed-english-v3", "input_type": "search_document",
                "input": ["first passage", "second passage"]}))),
        )
    ),
    responses(
        (status = 200, description = "One vector per input", body = EmbeddingList),
        (status = 400, description = "Invalid request, or not an embedding model", body = super::openai::ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = super::openai::ErrorResponse),
        (status = 403, description = "The key may not use the model, or the server's AWS identity may not invoke it", body = super::openai::ErrorResponse),
        (status = 404, description = "Unknown model", body = super::openai::ErrorResponse),
        (status = 413, description = "Body too large", body = super::openai::ErrorResponse),
        (status = 429, description = "Throttled; see Retry-After", body = super::openai::ErrorResponse),
        (status = 500, description = "Internal error", body = super::openai::ErrorResponse),
        (status = 503, description = "Bedrock unavailable", body = super::openai::ErrorResponse),
        (status = 504, description = "Bedrock timed out", body = super::openai::ErrorResponse),
    ),
    security(("bearer" = []), ("x-api-key" = []))
)]
pub async fn embeddings(State(state): State<RestState>, request: Request) -> Response {
    let (caller, proto) = match body::read_call(request, state.max_request_bytes, self::request).await {
        Ok(call) => call,
        Err(error) => return error_response(&error),
    };
    match state.chat.embed(proto, &caller).await {
        Ok((answer, served)) => super::with_headers(Json(response(answer)).into_response(), served.headers()),
        Err(error) => error_response(&openai_field(error)),
    }
}

/// An error naming the core's field (`inputs[3].text`) as OpenAI's request names it (`input[3]`).
fn openai_field(mut error: Error) -> Error {
    if let Some(field) = error.field.take() {
        let renamed = match field.strip_prefix("inputs") {
            Some(rest) => format!("input{}", rest.strip_suffix(".text").unwrap_or(rest)),
            None => field,
        };
        error.message = error.message.replace("inputs[", "input[").replace("].text", "]");
        error.field = Some(renamed);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<api::CreateEmbeddingsRequest> {
        request(body::parse(json.to_string().as_bytes())?)
    }

    #[test]
    fn input_is_a_string_or_a_list_of_strings_and_never_token_ids() {
        let one = parse(serde_json::json!({"model": "m", "input": "hi"})).unwrap();
        assert_eq!(one.inputs.len(), 1);
        let many = parse(serde_json::json!({"model": "m", "input": ["a", "b"], "encoding_format": "base64"}))
            .unwrap();
        assert_eq!((many.inputs.len(), many.encoding_format.as_deref()), (2, Some("base64")));
        for tokens in [serde_json::json!([1, 2, 3]), serde_json::json!([[1, 2]])] {
            let error = parse(serde_json::json!({"model": "m", "input": tokens})).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("input"), "{}", error.message);
        }
        let error = parse(serde_json::json!({"model": "m", "input": ["a", {"x": 1}]})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("input[1]"));
    }

    #[test]
    fn the_cores_field_names_become_openais() {
        let error = openai_field(Error::invalid("inputs[3].text", "is longer than 2048 characters"));
        assert_eq!(error.field.as_deref(), Some("input[3]"));
        assert_eq!(error.message, "input[3]: is longer than 2048 characters");
        assert_eq!(openai_field(Error::invalid("inputs", "x")).field.as_deref(), Some("input"));
        assert_eq!(openai_field(Error::invalid("dimensions", "x")).field.as_deref(), Some("dimensions"));
    }
}
