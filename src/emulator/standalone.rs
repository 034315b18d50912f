//! `amazon-chat emulator`: the emulator on its own port, for other projects' CI, until a signal.

use super::issuer::IssuerSettings;
use super::{DEMO_ACCESS_KEY_ID, Emulator};
use crate::config::EmulatorConfig;
use crate::error::{Error, ErrorKind};
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;

/// Serves until `shutdown` resolves. Prints `amazon-chat emulator listening on http://ADDR` on
/// stdout once bound (scripts and tests read it, which matters with `--port 0`).
pub async fn run(config: EmulatorConfig, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
    let refused = |message: String| Error::startup(ErrorKind::Configuration, message);
    let addr = config.listen_addr().map_err(refused)?;
    let EmulatorConfig {
        host: _, // in `addr`
        port: _, // in `addr`
        account_id,
        external_id,
        credential_lifetime,
        container_token,
        credentials,
        denied_models,
        deny_control_plane,
    } = config;
    let emulator = Emulator::with_settings(IssuerSettings {
        account_id,
        required_external_id: external_id,
        credential_lifetime,
        container_token,
        denied_models,
        deny_control_plane,
    });
    for (index, credential) in credentials.iter().enumerate() {
        let mut parts = credential.expose().splitn(3, ':');
        let (Some(id), Some(secret)) = (parts.next(), parts.next()) else {
            return Err(refused(format!(
                "--credential #{}: expected ACCESS_KEY_ID:SECRET[:SESSION_TOKEN]",
                index + 1
            )));
        };
        emulator.accept(id, secret, parts.next(), &format!("emulator-user-{}", index + 1));
    }
    let (bound, task) = Arc::new(emulator)
        .spawn(addr)
        .await
        .map_err(|e| Error::startup(ErrorKind::Startup, format!("cannot listen on {addr}: {e}")))?;
    println!("amazon-chat emulator listening on http://{bound}");
    let _ = std::io::stdout().flush();
    tracing::info!(
        access_key_id = DEMO_ACCESS_KEY_ID,
        "Bedrock emulator ready; it accepts the demo credentials (see the README)"
    );
    shutdown.await;
    task.abort();
    Ok(())
}
