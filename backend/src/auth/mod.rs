//! Accounts' authentication: one-time codes and their throttle, the session cookie, and the
//! extractor that turns a request's cookie into a [`session::SignedIn`] account.

pub mod attempts;
pub mod codes;
pub mod cookie;
pub mod device;
pub mod email;
pub mod issue;
pub mod keys;
pub mod second_factor;
pub mod session;
pub mod throttle;
