//! Serving status, kept in one place for both faces of health: the gRPC `grpc.health.v1.Health`
//! service (load balancers, Kubernetes gRPC probes) and the REST readiness endpoint.

use crate::proto::v1::chat_service_server::ChatServiceServer;
use crate::proto::v1::embedding_service_server::EmbeddingServiceServer;
use crate::proto::v1::model_service_server::ModelServiceServer;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tonic::server::NamedService;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

/// The services whose status is reported: the whole server (`""`) and each API service.
fn service_names() -> [&'static str; 4] {
    [
        "",
        <ChatServiceServer<crate::grpc::ChatApi> as NamedService>::NAME,
        <ModelServiceServer<crate::grpc::ModelApi> as NamedService>::NAME,
        <EmbeddingServiceServer<crate::grpc::ChatApi> as NamedService>::NAME,
    ]
}

/// The server's serving status.
#[derive(Clone)]
pub struct Health {
    reporter: HealthReporter,
    serving: Arc<AtomicBool>,
}

impl Health {
    /// Wraps the gRPC health reporter; starts NOT_SERVING until [`Health::set_serving`] says so.
    pub async fn new(reporter: HealthReporter) -> Self {
        let health = Self { reporter, serving: Arc::new(AtomicBool::new(false)) };
        health.set_serving(false).await;
        health
    }

    /// Reports every service as serving, or not.
    pub async fn set_serving(&self, serving: bool) {
        self.serving.store(serving, Ordering::Relaxed);
        let status = if serving { ServingStatus::Serving } else { ServingStatus::NotServing };
        for name in service_names() {
            self.reporter.set_service_status(name, status).await;
        }
    }

    /// Whether the server is serving.
    pub fn is_serving(&self) -> bool {
        self.serving.load(Ordering::Relaxed)
    }
}
