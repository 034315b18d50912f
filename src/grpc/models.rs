//! `amazon_chat.v1.ModelService` over the model catalog.

use super::status::to_status;
use crate::catalog::Catalog;
use crate::proto::v1::model_service_server::ModelService;
use crate::proto::v1::{GetModelRequest, GetModelResponse, ListModelsRequest, ListModelsResponse};
use tonic::{Request, Response, Status};

/// The gRPC face of the model catalog.
#[derive(Clone)]
pub struct ModelApi {
    catalog: Catalog,
}

impl ModelApi {
    /// Serves `catalog` over gRPC.
    pub fn new(catalog: Catalog) -> Self {
        Self { catalog }
    }
}

#[tonic::async_trait]
impl ModelService for ModelApi {
    async fn list_models(
        &self,
        request: Request<ListModelsRequest>,
    ) -> Result<Response<ListModelsResponse>, Status> {
        Ok(Response::new(self.catalog.list_for(&super::caller(&request))))
    }

    async fn get_model(
        &self,
        request: Request<GetModelRequest>,
    ) -> Result<Response<GetModelResponse>, Status> {
        let caller = super::caller(&request);
        let model = self.catalog.get_for(&request.into_inner().id, &caller).map_err(|e| to_status(&e))?;
        Ok(Response::new(GetModelResponse { model: Some(model) }))
    }
}
