//! Wires the AWS pieces together once at start-up: the SDK configuration, the credential method
//! chosen by configuration, and the shared Bedrock client. `serve` and `doctor` both start here.

use crate::bedrock::pool::BedrockPool;
use crate::bedrock::sdk::{self, Auth};
use crate::catalog::Catalog;
use crate::catalog::control_plane::ControlPlane;
use crate::catalog::models_file::ModelsFile;
use crate::config::{Config, CredentialMethod};
use crate::credentials::{self, Selection};
use crate::emulator::{self, Emulator};
use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use std::sync::Arc;

/// Everything AWS, built once.
pub struct Aws {
    /// The shared SDK configuration (region, retries, endpoints from the environment).
    pub sdk_config: SdkConfig,
    /// The credential method and why it was chosen.
    pub selection: Selection,
    /// The credentials provider (the SDK caches and refreshes what it provides); with a Bedrock
    /// API key, one that says there are none.
    pub credentials: SharedCredentialsProvider,
    /// How Bedrock calls authenticate: these credentials, or the API key.
    pub auth: Auth,
    /// The Bedrock Runtime clients, by region.
    pub pool: Arc<BedrockPool>,
    /// Where STS calls go when not AWS (the demo's emulator).
    pub sts_endpoint: Option<String>,
    /// Where Bedrock control-plane calls go when not AWS.
    pub control_endpoint: Option<String>,
    /// The embedded emulator of `--demo`, kept alive with the client.
    _demo: Option<tokio::task::JoinHandle<()>>,
}

impl Aws {
    /// Loads the configuration and builds the client. With `--demo`, starts the emulator first and
    /// points everything at it with its demo credentials.
    pub async fn connect(config: &Config) -> Result<Aws, String> {
        if config.demo {
            return Self::connect_demo(config).await;
        }
        let sdk_config = sdk::load(config.region.clone(), config.sdk_settings()).await?;
        let selection = credentials::select(&config.aws)?;
        let provider = credentials::provider(&selection, &config.aws, &sdk_config).await?;
        let auth = match (&selection.method, &config.aws.bearer_token) {
            (CredentialMethod::BedrockApiKey, Some(key)) => Auth::ApiKey(key.clone()),
            _ => Auth::SigV4(provider.clone()),
        };
        let bedrock = sdk::bedrock(&sdk_config, &auth, config.bedrock_endpoint.as_deref())?;
        let pool = Arc::new(BedrockPool::new(
            bedrock,
            sdk_config.clone(),
            auth.clone(),
            config.bedrock_endpoint.clone(),
        ));
        // An emulator serves both planes: with only --bedrock-endpoint, the control plane goes there too.
        let control_endpoint =
            config.bedrock_control_endpoint.clone().or_else(|| config.bedrock_endpoint.clone());
        Ok(Aws {
            sdk_config,
            selection,
            credentials: provider,
            auth,
            pool,
            sts_endpoint: None,
            control_endpoint,
            _demo: None,
        })
    }

    async fn connect_demo(config: &Config) -> Result<Aws, String> {
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let (address, task) = Arc::new(Emulator::embedded())
            .spawn(loopback)
            .await
            .map_err(|e| format!("starting the emulator: {e}"))?;
        let url = format!("http://{address}");
        tracing::warn!(emulator = %url, "DEMO MODE: answers come from the built-in Bedrock emulator at {url}, not from AWS");
        let region = config.region.clone().unwrap_or_else(|| "us-east-1".to_owned());
        let sdk_config = sdk::load(Some(region), config.sdk_settings()).await?;
        let provider = SharedCredentialsProvider::new(emulator::demo_credentials());
        let auth = Auth::SigV4(provider.clone());
        let bedrock = sdk::bedrock(&sdk_config, &auth, Some(&url))?;
        let pool = Arc::new(BedrockPool::new(bedrock, sdk_config.clone(), auth.clone(), Some(url.clone())));
        let selection = Selection {
            method: CredentialMethod::Static,
            base: None,
            reason: "demo mode: the emulator's demo credentials".to_owned(),
        };
        Ok(Aws {
            sdk_config,
            selection,
            credentials: provider,
            auth,
            pool,
            sts_endpoint: Some(url.clone()),
            control_endpoint: Some(url),
            _demo: Some(task),
        })
    }

    /// An STS client signing with the same credentials (for GetCallerIdentity).
    pub fn sts(&self) -> aws_sdk_sts::Client {
        let mut builder = aws_sdk_sts::config::Builder::from(&self.sdk_config)
            .credentials_provider(self.credentials.clone());
        if let Some(endpoint) = &self.sts_endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        aws_sdk_sts::Client::from_conf(builder.build())
    }

    /// The region.
    pub fn region(&self) -> &str {
        self.pool.home().region()
    }

    /// The model catalog: the models file, and the control plane of the home and fallback regions.
    pub async fn catalog(&self, config: &Config) -> Result<Catalog, String> {
        let mut file = match &config.models_file {
            Some(path) => ModelsFile::load(path)?,
            None => ModelsFile::default(),
        };
        for region in &config.fallback_regions {
            if !file.fallback_regions.contains(region) {
                file.fallback_regions.push(region.clone());
            }
        }
        let regions = std::iter::once(self.region().to_owned()).chain(file.fallback_regions.iter().cloned());
        let planes = regions
            .map(|region| {
                ControlPlane::new(&self.sdk_config, &self.auth, self.control_endpoint.as_deref(), &region)
            })
            .collect();
        Ok(Catalog::start(file, planes, config.catalog_ttl).await)
    }
}
