//! `amazon_chat.v1.ModelService` over the model catalog.

use super::status::to_status;
use crate::models;
use crate::proto::v1::model_service_server::ModelService;
use crate::proto::v1::{GetModelRequest, GetModelResponse, ListModelsRequest, ListModelsResponse};
use tonic::{Request, Response, Status};

/// The gRPC face of the model catalog.
#[derive(Debug, Clone, Default)]
pub struct ModelApi;

#[tonic::async_trait]
impl ModelService for ModelApi {
    async fn list_models(
        &self,
        _: Request<ListModelsRequest>,
    ) -> Result<Response<ListModelsResponse>, Status> {
        Ok(Response::new(models::list()))
    }

    async fn get_model(
        &self,
        request: Request<GetModelRequest>,
    ) -> Result<Response<GetModelResponse>, Status> {
        let model = models::get(&request.into_inner().id).map_err(|e| to_status(&e))?;
        Ok(Response::new(GetModelResponse { model: Some(model) }))
    }
}
