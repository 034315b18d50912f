//! The model catalog: which models can be called here, read from Bedrock's control plane and cached,
//! with aliases, an allow-list, region-aware routing and per-family defaults from the models file.
//!
//! - [`control_plane`] fetches a region's catalog (ListFoundationModels + every page of
//!   ListInferenceProfiles); [`built_in`] is the fallback when that is not permitted.
//! - [`snapshot`] is one region's catalog; [`routing`] decides where a request goes.
//! - [`models_file`] reads the aliases, allow-list, fallback regions and defaults.
//!
//! The catalog is fetched at start-up (bounded by a short timeout) and refreshed in the background
//! every TTL; list and get calls read the cached snapshot and never wait on AWS.

pub mod anthropic_names;
pub mod built_in;
pub mod control_plane;
pub mod features;
pub mod models_file;
pub mod routing;
pub mod snapshot;

use crate::error::{Error, Result};
use crate::proto::v1 as api;
use control_plane::{ControlPlane, FetchError};
use models_file::ModelsFile;
use routing::{RegionSnapshots, Route, Routing};
use snapshot::{Snapshot, Source};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How long start-up waits for the first control-plane fetch before serving the built-in catalog.
const FIRST_FETCH_TIMEOUT: Duration = Duration::from_secs(3);
/// Retry delay after a failed refresh (other than access denied).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);
/// The longest one region's fetch may take before it counts as failed.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// The live catalog. Cheap to clone.
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

struct Inner {
    file: ModelsFile,
    home_region: String,
    home: RwLock<Arc<Snapshot>>,
    fallbacks: RwLock<Arc<RegionSnapshots>>,
    denied_logged: AtomicBool,
}

impl Catalog {
    /// A catalog of the built-in table only (no control plane).
    pub fn built_in(home_region: &str, file: ModelsFile) -> Catalog {
        let fallbacks =
            file.fallback_regions.iter().map(|r| (r.clone(), Arc::new(Snapshot::built_in(r)))).collect();
        Catalog {
            inner: Arc::new(Inner {
                home: RwLock::new(Arc::new(Snapshot::built_in(home_region))),
                fallbacks: RwLock::new(Arc::new(fallbacks)),
                home_region: home_region.to_owned(),
                file,
                denied_logged: AtomicBool::new(false),
            }),
        }
    }

    /// A catalog fed by the control plane: one fetch now (bounded), then a refresh every `ttl`.
    /// `control` holds a client for the home region first, then one per fallback region.
    pub async fn start(file: ModelsFile, control: Vec<ControlPlane>, ttl: Duration) -> Catalog {
        let home_region = control.first().map(|c| c.region().to_owned()).unwrap_or_default();
        let catalog = Catalog::built_in(&home_region, file);
        if tokio::time::timeout(FIRST_FETCH_TIMEOUT, catalog.refresh(&control)).await.is_err() {
            tracing::warn!("the model catalog is not fetched yet; serving the built-in catalog meanwhile");
        }
        let background = catalog.clone();
        tokio::spawn(async move {
            loop {
                let healthy = background.source() == Source::ControlPlane;
                tokio::time::sleep(if healthy { ttl } else { ttl.min(RETRY_AFTER_FAILURE) }).await;
                background.refresh(&control).await;
            }
        });
        catalog
    }

    /// Fetches every region's catalog; keeps the previous snapshot of a region that fails.
    async fn refresh(&self, control: &[ControlPlane]) {
        let mut fetched = Vec::with_capacity(control.len());
        for plane in control {
            let fetched_in_time = tokio::time::timeout(FETCH_TIMEOUT, plane.fetch()).await;
            let result = fetched_in_time
                .unwrap_or_else(|_| Err(FetchError::Other(format!("no answer within {FETCH_TIMEOUT:?}"))));
            let outcome = match &result {
                Ok(_) => "ok",
                Err(FetchError::AccessDenied(_)) => "access_denied",
                Err(_) => "failed",
            };
            metrics::counter!("amazon_chat_catalog_refreshes_total", "outcome" => outcome).increment(1);
            match result {
                Ok(snapshot) => fetched.push((plane.region().to_owned(), Some(Arc::new(snapshot)))),
                Err(FetchError::AccessDenied(detail)) => {
                    if !self.inner.denied_logged.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            region = plane.region(),
                            "cannot list models ({detail}); using the built-in catalog. Grant bedrock:ListFoundationModels \
                             and bedrock:ListInferenceProfiles for the live catalog"
                        );
                    }
                    fetched.push((plane.region().to_owned(), None));
                }
                Err(FetchError::Other(detail)) => {
                    tracing::warn!(
                        region = plane.region(),
                        "refreshing the model catalog failed: {detail}; keeping the last one"
                    );
                    fetched.push((plane.region().to_owned(), None));
                }
            }
        }
        let mut fetched = fetched.into_iter();
        if let Some((_, Some(home))) = fetched.next() {
            tracing::info!(models = home.models.len(), region = %self.inner.home_region, "model catalog refreshed from Bedrock");
            *self.inner.home.write().unwrap_or_else(std::sync::PoisonError::into_inner) = home;
        }
        let previous = self.inner.fallbacks.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let fallbacks = previous
            .iter()
            .zip(fetched)
            .map(|((region, old), (_, new))| (region.clone(), new.unwrap_or_else(|| old.clone())))
            .collect();
        *self.inner.fallbacks.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Arc::new(fallbacks);
    }

    /// Where the home snapshot came from.
    pub fn source(&self) -> Source {
        self.inner.home.read().unwrap_or_else(std::sync::PoisonError::into_inner).source
    }

    /// Routes a requested model.
    pub fn route(&self, requested: &str) -> Result<Route> {
        let home = self.inner.home.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let fallbacks =
            self.inner.fallbacks.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        Routing {
            file: &self.inner.file,
            home_region: &self.inner.home_region,
            home: &home,
            fallbacks: &fallbacks,
        }
        .route(requested)
    }

    /// The failover chain of a requested model (the models file); empty for most.
    pub fn failover(&self, requested: &str) -> &[models_file::FailoverTarget] {
        self.inner.file.failover(requested)
    }

    /// Routes a failover target of `requested`: its model (or `requested`) in its region (or
    /// wherever routing sends it), with that region's catalog (live for the home and fallback
    /// regions, the built-in one elsewhere).
    pub fn route_target(&self, requested: &str, target: &models_file::FailoverTarget) -> Result<Route> {
        let model = target.model.as_deref().unwrap_or(requested);
        let Some(region) = target.region.as_deref().filter(|r| *r != self.inner.home_region) else {
            return self.route(model);
        };
        let fallbacks =
            self.inner.fallbacks.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let snapshot = match fallbacks.iter().find(|(r, _)| r == region) {
            Some((_, snapshot)) => snapshot.clone(),
            None => Arc::new(Snapshot::built_in(region)),
        };
        let none = RegionSnapshots::new();
        let routing =
            Routing { file: &self.inner.file, home_region: region, home: &snapshot, fallbacks: &none };
        let route = routing.route(model)?;
        Ok(Route { region: Some(region.to_owned()), ..route })
    }

    /// The models callable here (and the aliases), filtered by the allow-list, sorted by id.
    pub fn list(&self) -> api::ListModelsResponse {
        let home = self.inner.home.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let file = &self.inner.file;
        let mut data: Vec<api::Model> =
            home.models.values().filter(|e| file.allows(&e.model.id)).map(|e| e.model.clone()).collect();
        for (alias, target) in &file.aliases {
            // Listed only when a chat with it would be served.
            let servable = file.allows(alias) && self.route(alias).is_ok();
            if let (true, Ok(model)) = (servable, self.describe(target, &home)) {
                data.push(api::Model {
                    id: alias.clone(),
                    name: format!("{} (alias of {target})", model.name),
                    ..model
                });
            }
        }
        data.sort_by(|a, b| a.id.cmp(&b.id));
        api::ListModelsResponse { object: "list".to_owned(), data }
    }

    /// One model, by id, alias, profile id or ARN.
    pub fn get(&self, requested: &str) -> Result<api::Model> {
        if requested.is_empty() {
            return Err(Error::invalid("id", "is required"));
        }
        let not_found = || {
            Error::model_not_found(
                "id",
                requested,
                format!(
                    "model {requested:?} is not known here; the model list (GET /v1/models, or ListModels) shows what is"
                ),
            )
        };
        // Described only when a chat with it would be served (allow-list, region, fallbacks).
        self.route(requested)?;
        let home = self.inner.home.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let model = self.describe(self.inner.file.resolve(requested), &home).map_err(|_| not_found())?;
        Ok(api::Model { id: requested.to_owned(), ..model })
    }

    /// The models `caller` may use (all of them for a key without a model list).
    pub fn list_for(&self, caller: &crate::auth::Caller) -> api::ListModelsResponse {
        let mut list = self.list();
        list.data.retain(|model| caller.may_use(&model.id, &model.id));
        list
    }

    /// One model, if `caller` may use it.
    pub fn get_for(&self, requested: &str, caller: &crate::auth::Caller) -> Result<api::Model> {
        let model = self.get(requested)?;
        if caller.may_use(requested, &model.id) {
            Ok(model)
        } else {
            Err(Error::new(
                crate::error::ErrorKind::ModelNotAllowed,
                format!(
                    "key {:?} may not use model {requested:?} (its models are set in the keys file)",
                    caller.name
                ),
            ))
        }
    }

    fn describe(&self, id: &str, home: &Snapshot) -> Result<api::Model, ()> {
        // A model id, or a profile id the control plane lists for its model (`jp.`, `au.` and any
        // prefix Bedrock adds later, not only those the built-in table knows).
        let listed_profile = || {
            home.get(features::base_id(id))
                .filter(|entry| entry.model.inference_profile_ids.iter().any(|p| p == id))
        };
        if let Some(entry) = home.get(id).or_else(listed_profile) {
            return Ok(entry.model.clone());
        }
        match built_in::resolve(id) {
            Some(built_in::ModelRef::Foundation(info) | built_in::ModelRef::Profile(info)) => {
                Ok(info.to_proto())
            }
            Some(built_in::ModelRef::Arn) => Ok(api::Model {
                id: id.to_owned(),
                object: "model".to_owned(),
                owned_by: "bedrock".to_owned(),
                name: "Inference profile".to_owned(),
                capabilities: Some(api::ModelCapabilities { streaming: true, ..Default::default() }),
                ..Default::default()
            }),
            None => Err(()),
        }
    }
}
