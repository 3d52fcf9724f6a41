//! [`Event`]: one variant per security event type (`docs/audit.md`, "Event types"), each with
//! only typed members: ids, counts, fixed words. No variant takes free text, so no call site can
//! put a token, a code, an address or an error message into the log.

use coffer_shared::api::EventType;
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::id::{RecordId, SessionId, ShareId};

use super::record::{Detail, Value};
use crate::auth::attempts::{CodeCheck, LOCKOUT};

/// What a code was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Proving an address at sign-up.
    Signup,
    /// The second factor of a sign-in.
    Signin,
}

/// Which kind of code was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// An e-mailed code.
    Email,
    /// An authenticator's 6 digits.
    Authenticator,
    /// A recovery code.
    Recovery,
}

/// Why the passphrase step of a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigninFailure {
    /// No account has the address.
    UnknownAddress,
    /// The proof is wrong; `tries_left` before the 15-minute throttle (0: it started).
    WrongPassphrase {
        /// Wrong passphrases left.
        tries_left: u32,
    },
    /// The account is throttled after too many wrong passphrases.
    Throttled,
}

/// How a session came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The first session of a new account.
    Signup,
    /// A finished sign-in.
    Signin,
}

/// Which timeout ended a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Too long without a request.
    Idle,
    /// Too long since sign-in.
    MaxAge,
}

/// Who ended a session (other than by signing out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    /// The account, from its sessions page.
    Account,
    /// The link of a "new sign-in" e-mail.
    EmailLink,
    /// A passphrase change, which ends every other session.
    PassphraseChange,
}

/// Who destroyed a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestroyedBy {
    /// A holder of the management link.
    ManageLink,
    /// The signed-in owner, from My shares.
    Owner,
    /// Its last allowed wrong claim.
    WrongTokens,
}

/// A security event, with the members its type carries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is its `EventType`, documented in docs/audit.md
pub enum Event {
    SignedUp,
    CodeSent { purpose: Purpose },
    CodeAccepted { purpose: Purpose, factor: Factor },
    CodeWrong { purpose: Purpose, factor: Factor, tries_left: u32 },
    CodeExpired { purpose: Purpose, factor: Factor },
    CodeLocked { purpose: Purpose, factor: Factor, locked_for: u64 },
    SigninSucceeded { factor: Factor },
    SigninFailed(SigninFailure),
    SignedOut,
    SessionCreated { via: Via },
    SessionExpired { reason: Expiry },
    SessionEnded { ended: SessionId, by: EndedBy },
    AccessDenied { status: u16, code: &'static str },
    InputRejected { status: u16, code: &'static str, field: Option<&'static str> },
    RateLimited { limit: &'static str, retry_after: u64 },
    RecordCreated { record: RecordId, revision: u64 },
    RecordChanged { record: RecordId, revision: u64 },
    RecordDeleted { record: RecordId },
    ShareCreated { share: ShareId, expires_at: u64, max_views: u32, files: usize, read_receipt: bool },
    ShareOpened { share: ShareId, views_left: u32 },
    ShareClaimed { share: ShareId, views_left: u32, files: usize },
    ShareWrongToken { share: ShareId, wrong_claims_left: u32 },
    ShareUsedUp { share: ShareId },
    ShareExpired { share: ShareId },
    ShareDestroyed { share: ShareId, by: DestroyedBy },
    FileUploaded { file: FileId, size: u64, chunks: u64, vault: bool },
    FileDownloaded { file: FileId, share: Option<ShareId>, from: u64, preview: bool },
    FileDeleted { file: FileId },
    PassphraseChanged { sessions_ended: u32, kdf_upgraded: bool },
    TotpEnrolled { replaced: bool },
    TotpRemoved,
    RecoveryCodesRenewed,
    NotificationsChanged { signout_report: bool, weekly_digest: bool },
    AccountDeleted,
}

impl Purpose {
    fn word(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::Signin => "signin",
        }
    }
}

impl Factor {
    fn word(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Authenticator => "authenticator",
            Self::Recovery => "recovery",
        }
    }
}

/// Builds a [`Detail`] from `(name, value)` pairs.
fn detail<const N: usize>(members: [(&str, Value); N]) -> Detail {
    members.into_iter().map(|(name, value)| (name.to_owned(), value)).collect()
}

fn word(text: &'static str) -> Value {
    Value::Text(text.to_owned())
}

fn id(text: &str) -> Value {
    Value::Text(text.to_owned())
}

fn number(value: impl Into<u64>) -> Value {
    Value::Number(value.into())
}

fn count(value: usize) -> Value {
    Value::Number(u64::try_from(value).unwrap_or(u64::MAX))
}

fn code(purpose: Purpose, factor: Factor) -> [(&'static str, Value); 2] {
    [("purpose", word(purpose.word())), ("factor", word(factor.word()))]
}

impl Event {
    /// The event for the outcome of a code check.
    pub fn code_check(purpose: Purpose, factor: Factor, check: CodeCheck) -> Self {
        match check {
            CodeCheck::Accepted => Self::CodeAccepted { purpose, factor },
            CodeCheck::Wrong { tries_left: 0 } => Self::CodeLocked { purpose, factor, locked_for: LOCKOUT },
            CodeCheck::Wrong { tries_left } => Self::CodeWrong { purpose, factor, tries_left },
            // An authenticator code already used is, like a used e-mail code, no live code.
            CodeCheck::Expired | CodeCheck::Used => Self::CodeExpired { purpose, factor },
        }
    }

    /// The event's type.
    pub fn kind(&self) -> EventType {
        use EventType as T;
        match self {
            Self::SignedUp => T::SignedUp,
            Self::CodeSent { .. } => T::CodeSent,
            Self::CodeAccepted { .. } => T::CodeAccepted,
            Self::CodeWrong { .. } => T::CodeWrong,
            Self::CodeExpired { .. } => T::CodeExpired,
            Self::CodeLocked { .. } => T::CodeLocked,
            Self::SigninSucceeded { .. } => T::SigninSucceeded,
            Self::SigninFailed(_) => T::SigninFailed,
            Self::SignedOut => T::SignedOut,
            Self::SessionCreated { .. } => T::SessionCreated,
            Self::SessionExpired { .. } => T::SessionExpired,
            Self::SessionEnded { .. } => T::SessionEnded,
            Self::AccessDenied { .. } => T::AccessDenied,
            Self::InputRejected { .. } => T::InputRejected,
            Self::RateLimited { .. } => T::RateLimited,
            Self::RecordCreated { .. } => T::RecordCreated,
            Self::RecordChanged { .. } => T::RecordChanged,
            Self::RecordDeleted { .. } => T::RecordDeleted,
            Self::ShareCreated { .. } => T::ShareCreated,
            Self::ShareOpened { .. } => T::ShareOpened,
            Self::ShareClaimed { .. } => T::ShareClaimed,
            Self::ShareWrongToken { .. } => T::ShareWrongToken,
            Self::ShareUsedUp { .. } => T::ShareUsedUp,
            Self::ShareExpired { .. } => T::ShareExpired,
            Self::ShareDestroyed { .. } => T::ShareDestroyed,
            Self::FileUploaded { .. } => T::FileUploaded,
            Self::FileDownloaded { .. } => T::FileDownloaded,
            Self::FileDeleted { .. } => T::FileDeleted,
            Self::PassphraseChanged { .. } => T::PassphraseChanged,
            Self::TotpEnrolled { .. } => T::TotpEnrolled,
            Self::TotpRemoved => T::TotpRemoved,
            Self::RecoveryCodesRenewed => T::RecoveryCodesRenewed,
            Self::NotificationsChanged { .. } => T::NotificationsChanged,
            Self::AccountDeleted => T::AccountDeleted,
        }
    }

    /// The type's members, as `docs/audit.md` lists them.
    pub fn detail(&self) -> Detail {
        match self {
            Self::SignedUp
            | Self::SignedOut
            | Self::TotpRemoved
            | Self::RecoveryCodesRenewed
            | Self::AccountDeleted => Detail::new(),
            Self::TotpEnrolled { replaced } => detail([("replaced", Value::Flag(*replaced))]),
            Self::CodeSent { purpose } => detail([("purpose", word(purpose.word()))]),
            Self::CodeAccepted { purpose, factor } | Self::CodeExpired { purpose, factor } => {
                detail(code(*purpose, *factor))
            }
            Self::CodeWrong { purpose, factor, tries_left } => {
                let [a, b] = code(*purpose, *factor);
                detail([a, b, ("tries_left", number(*tries_left))])
            }
            Self::CodeLocked { purpose, factor, locked_for } => {
                let [a, b] = code(*purpose, *factor);
                detail([a, b, ("locked_for", number(*locked_for))])
            }
            Self::SigninSucceeded { factor } => detail([("factor", word(factor.word()))]),
            Self::SigninFailed(SigninFailure::UnknownAddress) => {
                detail([("reason", word("unknown_address"))])
            }
            Self::SigninFailed(SigninFailure::WrongPassphrase { tries_left }) => {
                detail([("reason", word("wrong_passphrase")), ("tries_left", number(*tries_left))])
            }
            Self::SigninFailed(SigninFailure::Throttled) => detail([("reason", word("throttled"))]),
            Self::SessionCreated { via } => detail([("via", word(via_word(*via)))]),
            Self::SessionExpired { reason } => detail([("reason", word(expiry_word(*reason)))]),
            Self::SessionEnded { ended, by } => {
                detail([("ended", id(ended.as_str())), ("by", word(ended_by_word(*by)))])
            }
            Self::AccessDenied { status, code } => {
                detail([("status", number(*status)), ("code", word(code))])
            }
            Self::InputRejected { status, code, field } => {
                let mut members = detail([("status", number(*status)), ("code", word(code))]);
                if let Some(field) = field {
                    members.insert("field".to_owned(), word(field));
                }
                members
            }
            Self::RateLimited { limit, retry_after } => {
                detail([("limit", word(limit)), ("retry_after", number(*retry_after))])
            }
            Self::RecordCreated { record, revision } | Self::RecordChanged { record, revision } => {
                detail([("record", id(record.as_str())), ("revision", number(*revision))])
            }
            Self::RecordDeleted { record } => detail([("record", id(record.as_str()))]),
            Self::ShareCreated { share, expires_at, max_views, files, read_receipt } => detail([
                ("share", id(share.as_str())),
                ("expires_at", number(*expires_at)),
                ("max_views", number(*max_views)),
                ("files", count(*files)),
                ("read_receipt", Value::Flag(*read_receipt)),
            ]),
            Self::ShareOpened { share, views_left } => {
                detail([("share", id(share.as_str())), ("views_left", number(*views_left))])
            }
            Self::ShareClaimed { share, views_left, files } => detail([
                ("share", id(share.as_str())),
                ("views_left", number(*views_left)),
                ("files", count(*files)),
            ]),
            Self::ShareWrongToken { share, wrong_claims_left } => {
                detail([("share", id(share.as_str())), ("wrong_claims_left", number(*wrong_claims_left))])
            }
            Self::ShareUsedUp { share } | Self::ShareExpired { share } => {
                detail([("share", id(share.as_str()))])
            }
            Self::NotificationsChanged { signout_report, weekly_digest } => detail([
                ("signout_report", Value::Flag(*signout_report)),
                ("weekly_digest", Value::Flag(*weekly_digest)),
            ]),
            Self::ShareDestroyed { share, by } => {
                detail([("share", id(share.as_str())), ("by", word(destroyed_by_word(*by)))])
            }
            Self::FileUploaded { file, size, chunks, vault } => detail([
                ("file", id(file.as_str())),
                ("size", number(*size)),
                ("chunks", number(*chunks)),
                ("vault", Value::Flag(*vault)),
            ]),
            Self::FileDownloaded { file, share, from, preview } => {
                let mut members = detail([("file", id(file.as_str())), ("from", number(*from))]);
                if let Some(share) = share {
                    members.insert("share".to_owned(), id(share.as_str()));
                }
                if *preview {
                    members.insert("preview".to_owned(), Value::Flag(true));
                }
                members
            }
            Self::FileDeleted { file } => detail([("file", id(file.as_str()))]),
            Self::PassphraseChanged { sessions_ended, kdf_upgraded: false } => {
                detail([("sessions_ended", number(*sessions_ended))])
            }
            Self::PassphraseChanged { sessions_ended, kdf_upgraded: true } => {
                detail([("sessions_ended", number(*sessions_ended)), ("kdf_upgraded", Value::Flag(true))])
            }
        }
    }
}

fn via_word(via: Via) -> &'static str {
    match via {
        Via::Signup => "signup",
        Via::Signin => "signin",
    }
}

fn expiry_word(expiry: Expiry) -> &'static str {
    match expiry {
        Expiry::Idle => "idle",
        Expiry::MaxAge => "max_age",
    }
}

fn ended_by_word(by: EndedBy) -> &'static str {
    match by {
        EndedBy::Account => "account",
        EndedBy::EmailLink => "email_link",
        EndedBy::PassphraseChange => "passphrase_change",
    }
}

fn destroyed_by_word(by: DestroyedBy) -> &'static str {
    match by {
        DestroyedBy::ManageLink => "manage_link",
        DestroyedBy::Owner => "owner",
        DestroyedBy::WrongTokens => "wrong_tokens",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_the_documented_ones() {
        let wrong = Event::CodeWrong { purpose: Purpose::Signin, factor: Factor::Recovery, tries_left: 3 };
        assert_eq!(wrong.kind(), EventType::CodeWrong);
        assert_eq!(
            serde_json::to_string(&wrong.detail()).unwrap_or_default(),
            r#"{"factor":"recovery","purpose":"signin","tries_left":3}"#
        );
        let rejected = Event::InputRejected { status: 422, code: "invalid_token", field: None };
        assert_eq!(
            serde_json::to_string(&rejected.detail()).unwrap_or_default(),
            r#"{"code":"invalid_token","status":422}"#
        );
    }
}
