//! User Timing marks for the benchmark script: `performance.measure` entries named
//! `coffer:<what>`, read later with `performance.getEntriesByName`. No visible effect, and a
//! browser without the API just skips them.

/// Fetching and decrypting the vault's records.
pub const VAULT_LOAD: &str = "coffer:vault-load";
/// Decrypting the vault's records only.
pub const VAULT_DECRYPT: &str = "coffer:vault-decrypt";
/// Argon2id and the key derivation of a sign-in.
pub const SIGNIN_KDF: &str = "coffer:signin-kdf";

/// A measurement in progress: marks `<name>:start` now and, on [`Span::end`], `<name>:end` and
/// a measure `<name>` between the two.
#[derive(Debug)]
pub struct Span {
    name: &'static str,
}

impl Span {
    /// Marks the start of `name`.
    pub fn start(name: &'static str) -> Self {
        if let Some(performance) = performance() {
            let _ = performance.mark(&format!("{name}:start"));
        }
        Self { name }
    }

    /// Marks the end and records the measure.
    pub fn end(self) {
        let Some(performance) = performance() else { return };
        let (start, end) = (format!("{}:start", self.name), format!("{}:end", self.name));
        let _ = performance.mark(&end);
        let _ = performance.measure_with_start_mark_and_end_mark(self.name, &start, &end);
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|window| window.performance())
}
