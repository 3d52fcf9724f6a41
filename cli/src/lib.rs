//! `coffer`: Coffer's command-line client. It seals and opens everything on this machine with
//! `coffer-shared`, the same code the browser runs, and sends the server only ciphertext and
//! tokens (docs/cli.md). The binary (`src/main.rs`) parses the command line and calls [`run`].

pub mod account;
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
pub mod shares;
pub mod signer;
pub mod size;
pub mod status;
pub mod text;
pub mod time;
pub mod ui;
pub mod vault;

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
            let mut client = http::Client::new(&server)?;
            let session = if args.anonymous { None } else { account::current::find(cli.server.as_deref())? };
            let signer = session.map(|(session, _)| {
                client = client.clone().with_session(session.auth.clone());
                signer::Signer::new(session.identity, session.vault_key)
            });
            send::run(args, client, signer, ui).await
        }
        Command::Get(args) => get::run(args, ui).await,
        Command::Status(args) => status::run(args, ui).await,
        Command::Destroy(args) => destroy::run(args, ui).await,
        Command::Login(args) => account::login::run(args, cli.server.as_deref(), ui).await,
        Command::Logout => account::logout::run(cli.server.as_deref(), ui).await,
        Command::Shares(args) => shares::run(args, cli.server.as_deref(), ui).await,
        Command::Vault(args) => vault::run(args, cli.server.as_deref(), ui).await,
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "coffer", &mut std::io::stdout());
            Ok(())
        }
    }
}
