//! `amazon_chat.v1.EmbeddingService` over the core's embeddings, on the chat adapter (the same
//! size limit and error logging).

use super::chat::{ChatApi, failed};
use crate::proto::v1::embedding_service_server::EmbeddingService;
use crate::proto::v1::{CreateEmbeddingsRequest, CreateEmbeddingsResponse};
use tonic::{Request, Response, Status};

#[tonic::async_trait]
impl EmbeddingService for ChatApi {
    async fn create_embeddings(
        &self,
        request: Request<CreateEmbeddingsRequest>,
    ) -> Result<Response<CreateEmbeddingsResponse>, Status> {
        let caller = super::caller(&request);
        let (answer, served) = self.chat().embed(self.accept(request)?, &caller).await.map_err(failed)?;
        let mut response = Response::new(answer);
        super::status::add_metadata(response.metadata_mut(), served.headers());
        Ok(response)
    }
}
