//! The emulator's identity side: the credentials it accepts (static ones, and temporary ones it
//! issues through STS, IMDS and the container endpoint, which then sign Bedrock calls) and who each
//! belongs to.

use super::sigv4::KnownCredential;
use crate::config::Secret;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How the emulator issues and checks credentials.
#[derive(Debug, Clone)]
pub struct IssuerSettings {
    /// The account the emulated principals live in.
    pub account_id: String,
    /// The external id AssumeRole must present (when set), as a role's trust policy would demand.
    pub required_external_id: Option<String>,
    /// Lifetime of issued credentials; default: the requested DurationSeconds, else one hour.
    pub credential_lifetime: Option<Duration>,
    /// The Authorization value the container-credentials endpoint demands (when set).
    pub container_token: Option<Secret>,
    /// Models every principal is denied (AccessDeniedException), as a narrow IAM policy would.
    pub denied_models: Vec<String>,
    /// Deny the control plane (ListFoundationModels, ListInferenceProfiles), as a policy without
    /// the guide's "Enhanced Permissions" would.
    pub deny_control_plane: bool,
}

impl Default for IssuerSettings {
    fn default() -> Self {
        Self {
            account_id: "123456789012".to_owned(),
            required_external_id: None,
            credential_lifetime: None,
            container_token: None,
            denied_models: Vec::new(),
            deny_control_plane: false,
        }
    }
}

/// Temporary credentials the emulator issued.
#[derive(Clone)]
pub struct Issued {
    /// `ASIA...`
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// When they expire.
    pub expiration: SystemTime,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Issued({}, ****)", self.access_key_id)
    }
}

/// The credential table.
#[derive(Debug, Default)]
pub struct Issuer {
    /// Settings.
    pub settings: IssuerSettings,
    table: Mutex<HashMap<String, KnownCredential>>,
}

impl Issuer {
    /// A table with these settings.
    pub fn new(settings: IssuerSettings) -> Self {
        Self { settings, table: Mutex::default() }
    }

    /// Accepts a credential of an IAM user; with a session token, as temporary credentials
    /// handed to the process (Lambda's execution role) would be.
    pub fn accept(
        &self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
        user: &str,
    ) {
        let principal_arn = format!("arn:aws:iam::{}:user/{user}", self.settings.account_id);
        let credential = KnownCredential {
            secret_access_key: secret_access_key.to_owned(),
            session_token: session_token.map(str::to_owned),
            expires: None,
            principal_arn,
        };
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(access_key_id.to_owned(), credential);
    }

    /// The credential of an access key id.
    pub fn lookup(&self, access_key_id: &str) -> Option<KnownCredential> {
        self.table.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(access_key_id).cloned()
    }

    /// Issues temporary credentials for `principal_arn`, valid for the configured lifetime (else
    /// `requested`, else an hour).
    pub fn issue(&self, principal_arn: String, requested: Option<Duration>) -> Issued {
        let lifetime = self.settings.credential_lifetime.or(requested).unwrap_or(Duration::from_secs(3600));
        let random = || uuid::Uuid::new_v4().simple().to_string().to_ascii_uppercase();
        let issued = Issued {
            access_key_id: format!("ASIA{}", &random()[..16]),
            secret_access_key: format!("{}{}", random(), &random()[..8]),
            session_token: format!("IQoJb3JpZ2luX2VtdWxhdG9y{}{}", random(), random()),
            expiration: SystemTime::now() + lifetime,
        };
        let credential = KnownCredential {
            secret_access_key: issued.secret_access_key.clone(),
            session_token: Some(issued.session_token.clone()),
            expires: Some(issued.expiration),
            principal_arn,
        };
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(issued.access_key_id.clone(), credential);
        issued
    }
}

/// An AWS timestamp: `2026-11-25T08:00:00Z`.
pub fn timestamp(time: SystemTime) -> String {
    aws_smithy_types::DateTime::from(time)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}
