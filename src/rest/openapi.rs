//! The OpenAPI 3.1 document of the shim, derived from the handlers' serde types by utoipa and
//! served at `/openapi.json`.

use super::handlers;
use super::openai as oa;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "amazon-chat OpenAI-compatible API",
        description = "OpenAI Chat Completions over Amazon Bedrock. Errors use OpenAI's envelope."
    ),
    paths(handlers::chat_completions, handlers::list_models, handlers::get_model, handlers::health, handlers::ready),
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
    }
}

/// The document as JSON, with the event-stream response described per event (what Server-Sent
/// Events validators such as schemathesis check): `data` is a chunk, an error envelope, or `[DONE]`.
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
    serde_json::to_string(&document).unwrap_or_else(|_| "{}".to_owned())
}
