//! The `coffer` binary against the real server, started in-process on 127.0.0.1:0.
//!
//! Provisional: the shared harness (`harness.rs`) replaces `users.rs`'s `Server` and `coffer`
//! when it lands on main.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod account;
mod users;
mod vault;
