//! Passphrase strength and generated passwords, as the pages need them: thin adapters over
//! `coffer_shared::passphrase` and `coffer_shared::generator`.

use coffer_shared::generator;
pub use coffer_shared::generator::PasswordOptions;
use coffer_shared::passphrase;

/// How strong a passphrase looks, with what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assessment {
    /// 0 (very weak) to 4 (very strong).
    pub score: u8,
    /// Why it is weak, if it is.
    pub warning: String,
    /// How to make it stronger.
    pub suggestions: Vec<String>,
    /// Strong and long enough for an account ([`passphrase::acceptable`]).
    pub acceptable: bool,
}

impl Assessment {
    /// Strong enough for an account.
    pub fn acceptable(&self) -> bool {
        self.acceptable
    }
}

/// Estimates a passphrase's strength; `context` is what an attacker knows (the e-mail address).
pub fn assess(typed: &str, context: &[&str]) -> Assessment {
    let strength = passphrase::estimate(typed, context);
    Assessment {
        score: strength.score,
        warning: strength.warning.unwrap_or_default().to_owned(),
        suggestions: strength.suggestions.into_iter().map(str::to_owned).collect(),
        acceptable: passphrase::acceptable(typed, context),
    }
}

/// A random password for `options`, or for the defaults if no class is chosen.
pub fn password(options: &PasswordOptions) -> String {
    generator::password(options)
        .or_else(|_| generator::password(&PasswordOptions::default()))
        .unwrap_or_default()
}

/// Bits of entropy of a password made with `options` (0 if none can be made).
pub fn entropy_bits(options: &PasswordOptions) -> f64 {
    generator::password_entropy_bits(options).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passphrases_are_refused_and_long_random_ones_accepted() {
        assert!(!assess("password", &[]).acceptable());
        assert!(!assess("alice@example.com1", &["alice@example.com"]).acceptable());
        assert!(assess("correct horse battery staple", &[]).acceptable());
    }
}
