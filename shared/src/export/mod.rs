//! Exporters: vault records written in another password manager's format, in the browser:
//! Bitwarden JSON in plaintext ([`bitwarden`]) or sealed with a file password
//! ([`bitwarden_protected`]) (docs/interchange.md, "Export").

pub mod bitwarden;
pub mod bitwarden_protected;
