//! The command line, as clap's derive API reads it. Every command's `--help` has examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::account::LoginArgs;
use crate::exit;
use crate::shares::SharesArgs;
use crate::vault::VaultArgs;

/// Send, receive and keep secrets on a Coffer server. Everything is encrypted and decrypted on
/// this machine: the server stores only ciphertext.
#[derive(Debug, Parser)]
#[command(name = "coffer", version, after_help = exit::TABLE)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// The Coffer server, e.g. https://coffer.example (else COFFER_SERVER, else `server` in the
    /// config file). Commands given a link use the link's server.
    #[arg(long, global = true, env = "COFFER_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Print the result as one JSON object, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    /// No notes and no progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Share a secret text or files through a link.
    #[command(after_help = SEND_EXAMPLES)]
    Send(SendArgs),
    /// Open a share link: print its text, save its files.
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
    /// What a share link holds and how long it lasts, without using a view.
    #[command(
        after_help = "Examples:\n  coffer status          # asks for the link\n  coffer status --json - < link.txt"
    )]
    Status(LinkArgs),
    /// Destroy a share with its management link.
    #[command(
        after_help = "Examples:\n  coffer destroy         # asks for the management link\n  coffer destroy --yes - < manage-link.txt"
    )]
    Destroy(DestroyArgs),
    /// Sign in to your account: shares get signed and kept in "My shares", and the vault opens.
    #[command(after_help = crate::account::LOGIN_HELP)]
    Login(LoginArgs),
    /// End the session on the server and forget it on this machine.
    #[command(after_help = crate::account::LOGOUT_HELP)]
    Logout,
    /// The shares you created while signed in ("My shares").
    #[command(after_help = crate::shares::HELP)]
    Shares(SharesArgs),
    /// Your vault: list, read, add, edit and remove records (signed in).
    #[command(after_help = crate::vault::HELP)]
    Vault(VaultArgs),
    /// Print a completion script for bash, zsh, fish, elvish or PowerShell.
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `coffer send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Files to share (read in chunks, never whole in memory).
    pub files: Vec<PathBuf>,
    /// The secret text (else read from stdin when no file is given). Careful: a command line
    /// shows in the process list and the shell's history; stdin does not.
    #[arg(long, short)]
    pub text: Option<String>,
    /// Ask for a password the reader needs besides the link (prompted, never on the command line).
    #[arg(long, short)]
    pub password: bool,
    /// Read the password from the first line of stdin.
    #[arg(long, conflicts_with = "password")]
    pub password_stdin: bool,
    /// How many times the share may be opened.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub views: u32,
    /// How long the share lives: 5m, 1h, 1d, 7d or 30d (as the server offers).
    #[arg(long, default_value = "1d", value_name = "TIME")]
    pub expires: String,
    /// Your name for the share in "My shares" (signed in only; sealed, the server cannot read it).
    #[arg(long)]
    pub label: Option<String>,
    /// Draw the link as a QR code too.
    #[arg(long)]
    pub qr: bool,
    /// Continue the unfinished upload of these files instead of starting over.
    #[arg(long)]
    pub resume: bool,
    /// Send unsigned and keep it out of "My shares", even when signed in.
    #[arg(long)]
    pub anonymous: bool,
}

/// `coffer get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The share link, https://…/s/<id>#<key>; `-` reads it from stdin; left out, it is asked
    /// for (an argument is visible to other users in the process list).
    pub link: Option<String>,
    /// The folder the share's files are saved in (default: the current one).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Open it without asking first (opening uses one of its views).
    #[arg(long, short)]
    pub yes: bool,
    /// Overwrite files that exist.
    #[arg(long, short)]
    pub force: bool,
    /// Read the password from stdin (its first line; the second with a link read from stdin).
    #[arg(long)]
    pub password_stdin: bool,
}

/// A command that takes a share link.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The share link, https://…/s/<id>#<key>, or its management link; `-` reads it from stdin;
    /// left out, it is asked for (an argument is visible to other users in the process list).
    pub link: Option<String>,
}

/// `coffer destroy`.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The management link, https://…/m/<id>#<key>; `-` reads it from stdin; left out, it is
    /// asked for (an argument is visible to other users in the process list).
    pub link: Option<String>,
    /// Destroy without asking first.
    #[arg(long, short)]
    pub yes: bool,
}

const SEND_EXAMPLES: &str = "\
Examples:
  echo 'the password is hunter2' | coffer send
  coffer send --views 3 --expires 7d report.pdf data.csv
  coffer send --password --qr --text 'door code 4711'
  coffer send --resume big.iso          # continue after a broken upload
  coffer send --json < secret.txt | jq -r .link";

const GET_EXAMPLES: &str = "\
Examples:
  coffer get                          # asks for the link, then whether to open it
  coffer get -o ~/Downloads --yes -   # the link from stdin (e.g. a paste)
  printf '%s\\n%s\\n' \"$LINK\" \"$PASSWORD\" | coffer get --password-stdin --yes - > secret.txt
  coffer get 'https://coffer.example/s/…#…'   # simplest, but other users of this machine can
                                              # see an argument in the process list";

const COMPLETION_EXAMPLES: &str = "\
Examples:
  coffer completions bash > ~/.local/share/bash-completion/completions/coffer
  coffer completions zsh > \"${fpath[1]}/_coffer\"
  coffer completions fish > ~/.config/fish/completions/coffer.fish";
