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
