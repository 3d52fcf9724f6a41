//! The API's integration tests: one binary, each test starting the real application on
//! 127.0.0.1 port 0 with its own temporary data folder and a manual clock.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod account;
mod account_credentials;
mod accounts;
mod activity;
mod audit_accounts;
mod audit_chain;
mod audit_data;
mod audit_durability;
mod audit_helpers;
mod audit_places;
mod audit_refusals;
mod audit_repeats;
mod audit_verify;
mod authorization;
mod bad_input;
mod claims;
mod cluster;
mod crash;
mod crash_load;
mod disk_full;
mod file_helpers;
mod file_shares;
mod helpers;
mod http;
mod kdf_versions;
mod limits;
mod logs;
mod mail;
mod metrics;
mod migrate_data;
mod mmdb;
mod my_shares;
mod notice_helpers;
mod notices_alerts;
mod notices_credentials;
mod notices_reports;
mod outage;
mod places;
mod sessions;
mod share_notes;
mod shares;
mod signatures;
mod signin;
mod signup;
mod throttles;
mod tls;
mod upload_limits;
mod uploads;
mod users;
mod vault;
mod vault_files;
mod vault_limits;
mod vault_pages;
