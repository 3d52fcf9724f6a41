//! The command line of `coffer vault`, with its `--help` examples.

use clap::{Args, Subcommand, ValueEnum};

/// `coffer vault`.
#[derive(Debug, Args)]
pub struct VaultArgs {
    /// What to do with the vault.
    #[command(subcommand)]
    pub command: VaultCommand,
}

/// The vault's commands.
#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// List the records: name, type, user name or first line, folder, id. No secrets.
    #[command(after_help = LIST_HELP)]
    List,
    /// Show a record, or print one of its fields alone (for scripts).
    #[command(after_help = GET_HELP)]
    Get(GetArgs),
    /// Add a record (a login unless --type says otherwise).
    #[command(after_help = ADD_HELP)]
    Add(RecordArgs),
    /// Change a record: only what the flags name changes.
    #[command(after_help = EDIT_HELP)]
    Edit(EditArgs),
    /// Remove a record.
    #[command(after_help = RM_HELP)]
    Rm(RmArgs),
}

/// `coffer vault get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The record: its name (exact, else in any case; at a terminal also a unique part of it)
    /// or its id.
    pub name: String,
    /// Print only this field: password, username, url, notes, totp (the current code), name,
    /// or the name of a custom field (card and identity fields by their names too).
    #[arg(long, short)]
    pub field: Option<String>,
}

/// The kinds of record `coffer vault add` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordType {
    /// A website or app login.
    Login,
    /// A secure note (its text is --notes).
    Note,
}

/// What a record is made of, for `add` and `edit`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The record's name, shown in the list.
    #[arg(long, short)]
    pub name: Option<String>,
    /// The kind of record (add only).
    #[arg(long = "type", value_enum, default_value_t = RecordType::Login)]
    pub record_type: RecordType,
    /// The user name or e-mail address (logins).
    #[arg(long, short)]
    pub username: Option<String>,
    /// The website (logins; replaces the first address).
    #[arg(long)]
    pub url: Option<String>,
    /// Ask for the password on the terminal, without echo (logins).
    #[arg(long, conflicts_with_all = ["password_stdin", "generate"])]
    pub password_prompt: bool,
    /// Read the password from the first line of stdin (logins).
    #[arg(long, conflicts_with = "generate")]
    pub password_stdin: bool,
    /// Generate a random password with the generator the browser uses (logins).
    #[arg(long, short)]
    pub generate: bool,
    /// The generated password's length.
    #[arg(long, default_value_t = 20, value_name = "N", requires = "generate")]
    pub length: usize,
    /// The authenticator secret: an otpauth://totp/ URI or a base32 secret (logins).
    #[arg(long, value_name = "SECRET")]
    pub totp: Option<String>,
    /// Free text (a note's body).
    #[arg(long)]
    pub notes: Option<String>,
    /// The folder's name.
    #[arg(long)]
    pub folder: Option<String>,
}

/// `coffer vault edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The record: its whole name (in any case) or its id.
    pub record: String,
    /// What changes.
    #[command(flatten)]
    pub changes: RecordArgs,
}

/// `coffer vault rm`.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// The record: its whole name (in any case) or its id; with a confirmation at a terminal,
    /// also a unique part of its name.
    pub name: String,
    /// Remove it without asking first.
    #[arg(long, short)]
    pub yes: bool,
}

/// `coffer vault --help` examples.
pub const HELP: &str = "\
Examples:
  coffer vault list
  coffer vault get Bank --field password | wl-copy
  coffer vault add --name Bank --username alice --url https://bank.example --generate
  coffer vault edit Bank --password-prompt
  coffer vault rm Bank

Records are sealed and opened on this machine with the vault key, as the browser does: a record
added here shows in the browser and the other way round.

Exit codes: 0 done, 2 the name matches several records, 3 no record has that name,
7 the record changed meanwhile (nothing saved), 8 not signed in, 10 you answered no;
see `coffer --help` for the rest.";

const LIST_HELP: &str = "\
Examples:
  coffer vault list
  coffer vault list --json | jq -r '.records[].name'";

const GET_HELP: &str = "\
Examples:
  coffer vault get Bank
  coffer vault get bank --field password
  coffer vault get Bank --field totp        # the current 6-digit code
  coffer vault get Bank --field PIN         # a custom field
  coffer vault get Bank --json";

const ADD_HELP: &str = "\
Examples:
  coffer vault add --name Bank --username alice --url https://bank.example --password-prompt
  coffer vault add --name Mail --username me@example.org --generate --length 32
  printf '%s\\n' \"$PW\" | coffer vault add --name Router --username admin --password-stdin
  coffer vault add --type note --name 'Wi-Fi' --notes 'SSID home, key in the drawer'";

const EDIT_HELP: &str = "\
Examples:
  coffer vault edit Bank --generate          # a new password; the old one goes to the history
  coffer vault edit Bank --username alice2 --url https://new.bank.example
  coffer vault edit Bank --name 'Bank (old)'";

const RM_HELP: &str = "\
Examples:
  coffer vault rm Bank
  coffer vault rm --yes 'Old login'";
