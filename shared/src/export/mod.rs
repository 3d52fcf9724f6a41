//! Exporters: vault records written in another password manager's format, in the browser.
//! The files they make are plaintext (docs/interchange.md, "Export").

pub mod bitwarden;
