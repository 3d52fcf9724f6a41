//! One module per route: create (`/`), reveal (`/s/:id`), manage (`/m/:id`), sign-up, sign-in,
//! unlock, the vault and its items, the account, my shares, ending a session by link, about, and
//! not found.

pub mod about;
pub mod account;
pub mod activity;
pub mod create;
pub mod created;
pub mod manage;
pub mod not_found;
pub mod record;
pub mod reveal;
pub mod reveal_claim;
pub mod session_end;
pub mod shares;
pub mod signin;
pub mod signup;
pub mod unlock;
pub mod vault;
