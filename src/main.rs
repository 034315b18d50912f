//! The `amazon-chat` binary: loads `.env`, parses the command line, and runs a command. Exit
//! statuses come from the error table: 0 ok, 1 a runtime failure, 2 a usage error.

use amazon_chat::config::{Cli, Command, ConfigCommand, KeysCommand, LogFormat, env_file};
use amazon_chat::error::{Error, ErrorKind};
use amazon_chat::{emulator, server, telemetry};
use clap::Parser;
use std::process::ExitCode;

/// With `--features jemalloc`, jemalloc for every Rust allocation: 8–22% less CPU per call than
/// glibc's malloc once calls overlap, for 0.4 MB more idle heap (start-up's garbage purged,
/// `server::memory`) and 1.3 MB more of the binary's code resident (docs/benchmarks.md,
/// "Allocator, again").
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Err(message) = env_file::load(&args) {
        return fail(&Error::startup(ErrorKind::Configuration, message));
    }
    let cli = Cli::parse_from(args);
    let runtime = match runtime_for(&cli.command).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            let message = format!("cannot start the async runtime: {error}");
            return fail(&Error::startup(ErrorKind::Startup, message));
        }
    };
    let result = match cli.command {
        Command::Serve(config) => runtime.block_on(async {
            // Inside the runtime: the OTLP exporter, when configured, runs on it.
            let telemetry = telemetry::init(config.log_format);
            let result = server::run(config, shutdown_signal()).await;
            telemetry.shutdown();
            result
        }),
        Command::Emulator(config) => runtime.block_on(async {
            let telemetry = telemetry::init(LogFormat::Text);
            let result = emulator::standalone::run(config, shutdown_signal()).await;
            telemetry.shutdown();
            result
        }),
        Command::Doctor(args) => {
            let _telemetry = runtime.block_on(async { telemetry::init(args.config.log_format) });
            let mut report = String::new();
            let ok = runtime.block_on(amazon_chat::doctor::run(&args.config, &args.model, &mut report));
            print!("{report}");
            return if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        }
        Command::Health(args) => {
            return match runtime.block_on(amazon_chat::probe::check(&args)) {
                Ok(said) => {
                    println!("{said}");
                    ExitCode::SUCCESS
                }
                Err(why) => {
                    eprintln!("not serving: {why}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Models(args) => {
            return match runtime.block_on(amazon_chat::models_command::run(&args)) {
                Ok(listing) => {
                    println!("{listing}");
                    ExitCode::SUCCESS
                }
                Err(why) => {
                    eprintln!("amazon-chat models: {why}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Chat(args) => runtime.block_on(amazon_chat::chat_command::run(&args)),
        Command::DevCerts(args) => match amazon_chat::dev_certs::write(&args.out, &args.name) {
            Ok(files) => {
                for file in files {
                    println!("{}", file.display());
                }
                Ok(())
            }
            Err(message) => Err(Error::startup(ErrorKind::Configuration, message)),
        },
        Command::Config(ConfigCommand::Show(config)) => {
            println!("{}", config.show());
            Ok(())
        }
        Command::Config(ConfigCommand::Reference) => {
            print!("{}", amazon_chat::config::reference::markdown());
            Ok(())
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "amazon-chat", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command)
                .render(&mut std::io::stdout())
                .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot write the man page: {e}")))
        }
        Command::Keys(KeysCommand::New { name }) => {
            let (key, entry) = amazon_chat::auth::keys_file::new_key(&name);
            // The entry is checked as the server would check it, so a bad name fails here.
            match amazon_chat::auth::keys_file::KeysFile::parse(&entry) {
                Ok(_) => {
                    println!(
                        "# The key (give it to the caller; it is not stored anywhere):\n# {key}\n{entry}"
                    );
                    Ok(())
                }
                Err(error) => Err(Error::startup(ErrorKind::Configuration, format!("--name: {error}"))),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// The async runtime: `serve --worker-threads 1` is single-threaded (no hand-offs between
/// threads), N > 1 that many workers; otherwise tokio's default, a worker per CPU the process may
/// use (`TOKIO_WORKER_THREADS` also sets it).
fn runtime_for(command: &Command) -> tokio::runtime::Builder {
    match command {
        // With --thread-per-core, this runtime is worker 0 (server::workers starts the others).
        Command::Serve(config) if config.worker_threads == 1 || config.thread_per_core => {
            tokio::runtime::Builder::new_current_thread()
        }
        Command::Serve(config) if config.worker_threads > 1 => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(config.worker_threads);
            builder
        }
        _ => tokio::runtime::Builder::new_multi_thread(),
    }
}

/// Reports a failure that ends the process, with the exit status its row of the table gives.
fn fail(error: &Error) -> ExitCode {
    tracing::error!("{}", error.message);
    eprintln!("error: {}", error.message);
    ExitCode::from(error.class().exit_code)
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
