//! `amazon_chat.v1.ChatService` over [`Chat`].

use super::status::to_status;
use crate::chat::Chat;
use crate::error::{Error, ErrorKind};
use crate::proto::v1::chat_service_server::ChatService;
use crate::proto::v1::{
    ChatCompletionRequest, ChatCompletionResponse, CountTokensResponse, StreamChatCompletionResponse,
};
use futures::{Stream, StreamExt};
use std::pin::Pin;
use tonic::{Request, Response, Status};

/// The gRPC face of the chat core.
#[derive(Clone)]
pub struct ChatApi {
    chat: Chat,
    max_request_bytes: usize,
}

impl ChatApi {
    /// Serves `chat` over gRPC, refusing requests over `max_request_bytes`.
    pub fn new(chat: Chat, max_request_bytes: usize) -> Self {
        Self { chat, max_request_bytes }
    }

    /// The core it serves.
    pub(super) fn chat(&self) -> &Chat {
        &self.chat
    }

    /// The request, or PayloadTooLarge (the same row of the error table as REST's 413). tonic's own
    /// decode limit sits above this one, as a memory guard, and answers OUT_OF_RANGE.
    pub(super) fn accept<M: prost::Message>(&self, request: Request<M>) -> Result<M, Status> {
        let size = prost::Message::encoded_len(request.get_ref());
        if size > self.max_request_bytes {
            let message =
                format!("the request is {size} bytes, over the limit of {} bytes", self.max_request_bytes);
            return Err(failed(Error::new(ErrorKind::PayloadTooLarge, message)));
        }
        Ok(request.into_inner())
    }
}

/// Logs a failed call (never with request content) and converts it.
pub(super) fn failed(error: Error) -> Status {
    error.log();
    to_status(&error)
}

#[tonic::async_trait]
impl ChatService for ChatApi {
    async fn chat_completion(
        &self,
        request: Request<ChatCompletionRequest>,
    ) -> Result<Response<ChatCompletionResponse>, Status> {
        let caller = super::caller(&request);
        let (answer, served) = self.chat.complete(self.accept(request)?, &caller).await.map_err(failed)?;
        let mut response = Response::new(answer);
        super::status::add_metadata(response.metadata_mut(), served.headers());
        Ok(response)
    }

    type StreamChatCompletionStream =
        Pin<Box<dyn Stream<Item = Result<StreamChatCompletionResponse, Status>> + Send + 'static>>;

    async fn stream_chat_completion(
        &self,
        request: Request<ChatCompletionRequest>,
    ) -> Result<Response<Self::StreamChatCompletionStream>, Status> {
        let caller = super::caller(&request);
        let (chunks, served) = self.chat.stream(self.accept(request)?, &caller).await.map_err(failed)?;
        let mut response = Response::new(
            Box::pin(chunks.map(|chunk| chunk.map_err(failed))) as Self::StreamChatCompletionStream
        );
        super::status::add_metadata(response.metadata_mut(), served.headers());
        Ok(response)
    }

    async fn count_tokens(
        &self,
        request: Request<ChatCompletionRequest>,
    ) -> Result<Response<CountTokensResponse>, Status> {
        let caller = super::caller(&request);
        let (counted, served) =
            self.chat.count_tokens(self.accept(request)?, &caller).await.map_err(failed)?;
        let mut response = Response::new(counted);
        super::status::add_metadata(response.metadata_mut(), served.headers());
        Ok(response)
    }
}
