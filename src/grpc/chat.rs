//! `amazon_chat.v1.ChatService` over [`Chat`].

use super::status::to_status;
use crate::chat::Chat;
use crate::error::Error;
use crate::proto::v1::chat_service_server::ChatService;
use crate::proto::v1::{ChatCompletionRequest, ChatCompletionResponse, StreamChatCompletionResponse};
use futures::{Stream, StreamExt};
use std::pin::Pin;
use tonic::{Request, Response, Status};

/// The gRPC face of the chat core.
#[derive(Clone)]
pub struct ChatApi {
    chat: Chat,
}

impl ChatApi {
    /// Serves `chat` over gRPC.
    pub fn new(chat: Chat) -> Self {
        Self { chat }
    }
}

/// Logs a failed call (never with request content) and converts it.
fn failed(error: Error) -> Status {
    tracing::warn!(kind = ?error.kind, upstream = error.upstream_code.as_deref(), "{}", error.message);
    to_status(&error)
}

#[tonic::async_trait]
impl ChatService for ChatApi {
    async fn chat_completion(
        &self,
        request: Request<ChatCompletionRequest>,
    ) -> Result<Response<ChatCompletionResponse>, Status> {
        self.chat.complete(request.into_inner()).await.map(Response::new).map_err(failed)
    }

    type StreamChatCompletionStream =
        Pin<Box<dyn Stream<Item = Result<StreamChatCompletionResponse, Status>> + Send + 'static>>;

    async fn stream_chat_completion(
        &self,
        request: Request<ChatCompletionRequest>,
    ) -> Result<Response<Self::StreamChatCompletionStream>, Status> {
        let chunks = self.chat.stream(request.into_inner()).await.map_err(failed)?;
        Ok(Response::new(Box::pin(chunks.map(|chunk| chunk.map_err(failed)))))
    }
}
