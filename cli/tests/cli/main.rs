//! The `coffer` binary's integration tests: each starts the real server on 127.0.0.1 port 0
//! and runs the CLI against it as a user would.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod account;
mod files;
mod harness;
mod resume;
mod shares;
mod users;
mod vault;
