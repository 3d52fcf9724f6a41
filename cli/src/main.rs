//! The `coffer` binary: parses the command line, runs the command on a tokio runtime and exits
//! with the failure's documented code (docs/cli.md, "Exit codes").

use std::process::ExitCode;

use clap::Parser;
use coffer_cli::args::Cli;
use coffer_cli::exit::{Failure, Kind};
use coffer_cli::ui::Ui;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::new(cli.json, cli.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            ui.fail(&Failure::new(Kind::Other, format!("Could not start: {error}")));
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(coffer_cli::run(cli, ui));
    // A sealing or opening thread still running stops at its next chunk; none is waited for.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            ui.fail(&failure);
            failure.exit_code()
        }
    }
}
