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
    #[arg(allow_hyphen_values = true)]
    pub name: String,
    /// Print only this field: password, username, url, notes, totp (the current code), name,
    /// or the name of a custom field (card and identity fields by their names too). Of a
    /// record marked sensitive, any field but its name asks for the account passphrase first.
    #[arg(long, short)]
    pub field: Option<String>,
    /// Read the account passphrase that a record marked sensitive asks for from the first line
    /// of stdin instead of the terminal (for scripts; stdin must not be a terminal).
    #[arg(long)]
    pub passphrase_stdin: bool,
}

/// The kinds of record `coffer vault add` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordType {
    /// A website or app login.
    Login,
    /// A secure note (its text is --notes or --notes-stdin).
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
    /// The authenticator secret: an otpauth://totp/ URI or a base32 secret (logins). Every
    /// user of this machine can read it in the process list: prefer --totp-stdin.
    #[arg(long, value_name = "SECRET")]
    pub totp: Option<String>,
    /// Read the authenticator secret from the next line of stdin (after the password's, with
    /// --password-stdin); an empty line removes it (logins).
    #[arg(long, conflicts_with = "totp")]
    pub totp_stdin: bool,
    /// Free text (a note's body). Every user of this machine can read it in the process list:
    /// prefer --notes-stdin for anything secret.
    #[arg(long)]
    pub notes: Option<String>,
    /// Read the notes from stdin, to its end (after the lines of --password-stdin and
    /// --totp-stdin); one final line ending is dropped.
    #[arg(long, conflicts_with = "notes")]
    pub notes_stdin: bool,
    /// The folder's name.
    #[arg(long)]
    pub folder: Option<String>,
}

/// `coffer vault edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The record: its whole name (in any case) or its id.
    #[arg(allow_hyphen_values = true)]
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
    #[arg(allow_hyphen_values = true)]
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

Secrets given as arguments (--notes, --totp) can be read by every user of this machine in the
process list and stay in the shell's history: use --password-prompt, --password-stdin,
--totp-stdin and --notes-stdin instead. stdin carries, in this order, the password's line, the
authenticator secret's line and the notes (to the end); it must not be a terminal.

A record marked sensitive (in the browser) shows only its name until the account passphrase is
typed again: `get NAME --field F` asks for it on the terminal, or reads it from stdin with
--passphrase-stdin.

Exit codes: 0 done, 2 the name matches several records (or a question needs a terminal),
3 no record has that name, 4 wrong passphrase, 7 the record changed meanwhile (nothing saved),
8 not signed in, 10 you answered no; see `coffer --help` for the rest.";

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
  coffer vault get Bank --json
  printf '%s\\n' \"$PASSPHRASE\" | coffer vault get Safe --field password --passphrase-stdin
                                            # a record marked sensitive, from a script";

const ADD_HELP: &str = "\
Examples:
  coffer vault add --name Bank --username alice --url https://bank.example --password-prompt
  coffer vault add --name Mail --username me@example.org --generate --length 32
  printf '%s\\n' \"$PW\" | coffer vault add --name Router --username admin --password-stdin
  coffer vault add --type note --name 'Wi-Fi' --notes 'SSID home, key in the drawer'
  coffer vault add --type note --name 'Recovery codes' --notes-stdin < codes.txt
  printf '%s\\n%s\\n' \"$PW\" \"$TOTP\" | coffer vault add --name Mail --password-stdin --totp-stdin";

const EDIT_HELP: &str = "\
Examples:
  coffer vault edit Bank --generate          # a new password; the old one goes to the history
  coffer vault edit Bank --username alice2 --url https://new.bank.example
  coffer vault edit Bank --name 'Bank (old)'
  pass show bank/totp | coffer vault edit Bank --totp-stdin";

const RM_HELP: &str = "\
Examples:
  coffer vault rm Bank
  coffer vault rm --yes 'Old login'";
