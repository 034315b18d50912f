//! The OpenAPI 3.1 document of the shim, derived from the handlers' serde types by utoipa and
//! served at `/openapi.json`.

use super::handlers;
use super::openai as oa;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "amazon-chat REST API",
        description = "OpenAI Chat Completions, Anthropic Messages and Bedrock's own Converse over Amazon Bedrock. Errors use each API's own envelope: OpenAI's on /v1/chat/completions, /v1/embeddings and /v1/models, Anthropic's on /v1/messages, Bedrock's (x-amzn-ErrorType and {\"message\"}) on /model/{modelId}/converse and /converse-stream."
    ),
    paths(
        handlers::chat_completions,
        crate::anthropic::handlers::messages,
        crate::anthropic::handlers::count_tokens,
        crate::converse_api::handlers::converse,
        crate::converse_api::handlers::converse_stream,
        super::embeddings::embeddings,
        handlers::list_models,
        handlers::get_model,
        handlers::health,
        handlers::ready
    ),
    components(schemas(oa::ChatCompletionChunk)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        // Anthropic's SDKs send the key in a header of its own; every route takes either.
        components.add_security_scheme(
            "x-api-key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-api-key"))),
        );
    }
}

/// The document as JSON, with the event-stream response described per event (what Server-Sent
/// Events validators such as schemathesis check): for chat completions `data` is a chunk, an error
/// envelope, or `[DONE]`; for messages each event has Anthropic's name and JSON data.
pub fn document() -> String {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let sse = &mut document["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]["text/event-stream"];
    if sse.is_object() {
        sse["schema"] = serde_json::json!({
            "type": "object",
            "required": ["data"],
            "properties": {
                "data": {
                    "anyOf": [
                        {"const": "[DONE]"},
                        {
                            "type": "string",
                            "contentMediaType": "application/json",
                            "contentSchema": {"anyOf": [
                                {"$ref": "#/components/schemas/ChatCompletionChunk"},
                                {"$ref": "#/components/schemas/ErrorResponse"}
                            ]}
                        }
                    ]
                }
            }
        });
    }
    let sse =
        &mut document["paths"]["/v1/messages"]["post"]["responses"]["200"]["content"]["text/event-stream"];
    if sse.is_object() {
        sse["schema"] = serde_json::json!({
            "type": "object",
            "required": ["event", "data"],
            "properties": {
                "event": {"enum": [
                    "message_start", "ping", "content_block_start", "content_block_delta",
                    "content_block_stop", "message_delta", "message_stop", "error"
                ]},
                "data": {"type": "string", "contentMediaType": "application/json"}
            }
        });
    }
    serde_json::to_string(&document).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use crate::chat::validate::{self, tools};
    use serde_json::Value;

    fn schema(name: &str) -> Value {
        let document: Value = serde_json::from_str(&super::document()).unwrap();
        document["components"]["schemas"][name].clone()
    }

    /// The agent features have runnable examples in the document.
    #[test]
    fn the_chat_endpoint_shows_each_feature_with_an_example() {
        let document: Value = serde_json::from_str(&super::document()).unwrap();
        let examples = &document["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]["application/json"]
            ["examples"];
        for name in ["chat", "reasoning", "prompt_caching", "structured_output"] {
            assert!(examples[name]["value"]["model"].is_string(), "{name}: {examples}");
        }
    }

    /// The document states the rules that `chat::validate` enforces; this keeps the two copies equal.
    #[test]
    fn the_documented_bounds_are_the_enforced_ones() {
        let request = &schema("ChatCompletionRequest")["properties"];
        let range = |field: &str| (request[field]["minimum"].as_f64(), request[field]["maximum"].as_f64());
        let expect = |r: std::ops::RangeInclusive<f64>| (Some(*r.start()), Some(*r.end()));
        assert_eq!(range("temperature"), expect(validate::TEMPERATURE));
        assert_eq!(range("top_p"), expect(validate::TOP_P));
        assert_eq!(request["model"]["maxLength"].as_u64(), Some(validate::MAX_MODEL_ID_CHARS as u64));
        assert_eq!(request["user"]["maxLength"].as_u64(), Some(validate::MAX_USER_CHARS as u64));
        let tiers = request["service_tier"]["pattern"].as_str().unwrap();
        assert_eq!(tiers, format!("^({})$", validate::SERVICE_TIERS.join("|")));
        let name = &schema("FunctionDefinition")["properties"]["name"];
        assert_eq!(name["maxLength"].as_u64(), Some(tools::MAX_TOOL_NAME_CHARS as u64));
        assert_eq!(
            name["pattern"].as_str(),
            Some(format!("^[A-Za-z0-9_-]{{1,{}}}$", tools::MAX_TOOL_NAME_CHARS).as_str())
        );
        let roles = schema("ChatMessage")["properties"]["role"]["pattern"].as_str().unwrap().to_owned();
        assert_eq!(roles, format!("^({})$", validate::messages::ROLES.join("|")));
    }
}
