//! The `User-Agent` a session or event keeps, and its short description ("Chrome on Linux",
//! [`describe`], shared with the browser app so both say the same).

/// Longest `User-Agent` kept, in characters.
pub const MAX_USER_AGENT: usize = 256;

/// `user_agent` cut to [`MAX_USER_AGENT`] characters, control characters dropped.
pub fn clean(user_agent: &str) -> String {
    user_agent.chars().filter(|c| !c.is_control()).take(MAX_USER_AGENT).collect()
}

pub use coffer_shared::words::device::describe;
