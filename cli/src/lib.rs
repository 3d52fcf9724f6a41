//! `coffer`: Coffer's command-line client. It seals and opens everything on this machine with
//! `coffer-shared`, the same code the browser runs, and sends the server only ciphertext and
//! tokens (docs/cli.md). The binary (`src/main.rs`) parses the command line and calls [`run`].

pub mod args;
pub mod config;
pub mod destroy;
pub mod exit;
pub mod get;
pub mod http;
pub mod link;
pub mod prompt;
pub mod qr;
pub mod send;
pub mod signer;
pub mod status;
pub mod text;
pub mod time;
pub mod ui;

use clap::CommandFactory;

use args::{Cli, Command};
use exit::Outcome;
use ui::Ui;

/// Runs the command the command line names, until it ends or Ctrl-C stops it. Stopping drops
/// what the command holds: a file being received is deleted, an upload's draft stays.
pub async fn run(cli: Cli, ui: Ui) -> Outcome {
    let interrupted = match &cli.command {
        Command::Send(args) if !args.files.is_empty() => {
            "Interrupted. The upload continues with coffer send --resume and the same files."
        }
        _ => "Interrupted.",
    };
    tokio::select! {
        outcome = command(cli, ui) => outcome,
        _ = tokio::signal::ctrl_c() => Err(exit::Failure::new(exit::Kind::Interrupted, interrupted)),
    }
}

async fn command(cli: Cli, ui: Ui) -> Outcome {
    match cli.command {
        Command::Send(args) => {
            let server = config::server(cli.server.as_deref())?;
            let client = http::Client::new(&server)?;
            send::run(args, client, None, ui).await
        }
        Command::Get(args) => get::run(args, ui).await,
        Command::Status(args) => status::run(args, ui).await,
        Command::Destroy(args) => destroy::run(args, ui).await,
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "coffer", &mut std::io::stdout());
            Ok(())
        }
    }
}
