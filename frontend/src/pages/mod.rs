//! One module per route: create (`/`), reveal (`/s/:id`), manage (`/m/:id`), and not found.

pub mod create;
pub mod created;
pub mod manage;
pub mod not_found;
pub mod reveal;
pub mod reveal_claim;
