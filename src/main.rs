//! The `amazon-chat` binary: loads `.env`, parses the command line, and runs a command.

use amazon_chat::config::{Cli, Command, ConfigCommand};
use amazon_chat::emulator::Emulator;
use amazon_chat::emulator::issuer::IssuerSettings;
use amazon_chat::{server, telemetry};
use clap::Parser;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    if let Err(message) = load_env_file() {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Serve(config) => {
            telemetry::init(config.log_format);
            runtime.block_on(server::run(config, shutdown_signal()))
        }
        Command::Emulator(config) => {
            telemetry::init(amazon_chat::config::LogFormat::Text);
            runtime.block_on(run_emulator(config))
        }
        Command::Doctor(args) => {
            telemetry::init(args.config.log_format);
            let mut report = String::new();
            let ok = runtime.block_on(amazon_chat::doctor::run(&args.config, &args.model, &mut report));
            print!("{report}");
            return if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        }
        Command::Config(ConfigCommand::Show(config)) => {
            println!("{}", config.show());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run_emulator(config: amazon_chat::config::EmulatorConfig) -> Result<(), String> {
    let addr = format!("{}:{}", config.host, config.port)
        .parse()
        .map_err(|_| format!("--host: {:?} is not an IP address", config.host))?;
    let emulator = Emulator::with_settings(IssuerSettings {
        account_id: config.account_id.clone(),
        required_external_id: config.external_id.clone(),
        credential_lifetime: config.credential_lifetime,
        container_token: config.container_token.clone(),
        denied_models: config.denied_models.clone(),
        deny_control_plane: config.deny_control_plane,
    });
    for (index, credential) in config.credentials.iter().enumerate() {
        let mut parts = credential.expose().splitn(3, ':');
        let (Some(id), Some(secret)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "--credential #{}: expected ACCESS_KEY_ID:SECRET[:SESSION_TOKEN]",
                index + 1
            ));
        };
        emulator.accept(id, secret, parts.next(), &format!("emulator-user-{}", index + 1));
    }
    let (bound, task) =
        Arc::new(emulator).spawn(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("amazon-chat emulator listening on http://{bound}");
    let _ = std::io::stdout().flush();
    tracing::info!(
        access_key_id = amazon_chat::emulator::DEMO_ACCESS_KEY_ID,
        "Bedrock emulator ready; it accepts the demo credentials (see the README)"
    );
    shutdown_signal().await;
    task.abort();
    Ok(())
}

/// `--env-file PATH` (or AMAZON_CHAT_ENV_FILE), else `./.env` if present. Variables already set win.
/// Read before clap parses, so values from the file fill flags that read the environment.
fn load_env_file() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let named = args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix("--env-file") {
            Some("") => args.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        })
        .or_else(|| std::env::var("AMAZON_CHAT_ENV_FILE").ok());
    match named {
        Some(path) => dotenvy::from_path(PathBuf::from(&path)).map_err(|e| format!("--env-file {path}: {e}")),
        None => match dotenvy::dotenv() {
            Ok(_) => Ok(()),
            Err(error) if error.not_found() => Ok(()),
            Err(error) => Err(format!(".env: {error}")),
        },
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return interrupt.await.unwrap_or_default(),
        };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
