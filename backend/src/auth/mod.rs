//! Accounts' authentication: one-time codes, passphrase tries and their throttles, device
//! cookies, the session cookie, and the extractor that turns a request's cookie into a
//! [`session::SignedIn`] account.

pub mod attempts;
pub mod codes;
pub mod cookie;
pub mod device;
pub mod email;
pub mod guard;
pub mod issue;
pub mod keys;
pub mod passphrase;
pub mod second_factor;
pub mod session;
pub mod throttle;
pub mod trusted_device;
