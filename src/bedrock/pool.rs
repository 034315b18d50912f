//! Bedrock Runtime clients by region: the home region's, built at start-up, and one per fallback
//! region, built on first use from the same SDK configuration and authentication, then reused.
//! With `--thread-per-core`, each worker has a pool of its own ([`BedrockPool::replica`]).

use super::{Bedrock, sdk};
use aws_config::SdkConfig;
use std::collections::HashMap;
use std::sync::Mutex;

/// The clients.
#[derive(Debug)]
pub struct BedrockPool {
    home: Bedrock,
    sdk_config: SdkConfig,
    auth: sdk::Auth,
    endpoint: Option<String>,
    others: Mutex<HashMap<String, Bedrock>>,
}

impl BedrockPool {
    /// A pool around the home client.
    pub fn new(home: Bedrock, sdk_config: SdkConfig, auth: sdk::Auth, endpoint: Option<String>) -> Self {
        Self { home, sdk_config, auth, endpoint, others: Mutex::default() }
    }

    /// A pool like this one with clients of its own, so its own connections to Bedrock (the SDK
    /// builds an HTTP client, and its connection pool, per client): one per `--thread-per-core`
    /// worker, whose calls then never go through another worker's connections.
    pub fn replica(&self) -> Result<Self, String> {
        let home = sdk::bedrock(&self.sdk_config, &self.auth, self.endpoint.as_deref())?;
        Ok(Self::new(home, self.sdk_config.clone(), self.auth.clone(), self.endpoint.clone()))
    }

    /// The home region's client.
    pub fn home(&self) -> &Bedrock {
        &self.home
    }

    /// The client for `region` (None or the home region: the home client).
    pub fn client(&self, region: Option<&str>) -> Result<Bedrock, String> {
        let Some(region) = region.filter(|r| *r != self.home.region()) else {
            return Ok(self.home.clone());
        };
        let mut others = self.others.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = others.get(region) {
            return Ok(client.clone());
        }
        let config = self.sdk_config.to_builder().region(aws_config::Region::new(region.to_owned())).build();
        let client = sdk::bedrock(&config, &self.auth, self.endpoint.as_deref())?;
        others.insert(region.to_owned(), client.clone());
        Ok(client)
    }
}
