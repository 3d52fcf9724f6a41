//! Coffer's shared crate: the wire types the browser and the server exchange, all of Coffer's
//! cryptography, the words both use for log facts (`words`), the importers and exporters of
//! other password managers' files, and calendar arithmetic. It builds for the server (native)
//! and the browser (wasm32) alike, so both sides parse envelopes with the same code.
//!
//! The byte formats are specified in `docs/envelope.md`; the `crypto` module implements them.

pub mod api;
pub mod b64;
pub mod calendar;
pub mod crypto;
pub mod export;
pub mod generator;
pub mod id;
pub mod import;
#[cfg(feature = "openapi")]
mod openapi;
pub mod passphrase;
pub mod token;
pub mod upload_draft;
pub mod words;
