//! Every endpoint of the JSON API, in one list the server's routers and every client share.
//!
//! [`route`] holds the axum route patterns, relative to [`PREFIX`] (the server nests them under
//! it); the constants and functions at the top level are the full paths a client requests, with
//! the ids of parameterised routes filled in.

use crate::crypto::file_meta::FileId;
use crate::id::{RecordId, ShareId};

/// Where the JSON API lives on a Coffer origin.
pub const PREFIX: &str = "/api/v1";

/// The route patterns under [`PREFIX`], as axum writes them (`{id}` for a path parameter).
pub mod route {
    /// `GET`: the server's limits.
    pub const CONFIG: &str = "/config";
    /// `GET`: this API's OpenAPI description.
    pub const OPENAPI: &str = "/openapi.json";
    /// `POST`: store a sealed share.
    pub const SHARES: &str = "/shares";
    /// `POST`: a share's public status.
    pub const SHARE_STATUS: &str = "/shares/{id}/status";
    /// `POST`: claim one view of a share.
    pub const SHARE_CLAIM: &str = "/shares/{id}/claim";
    /// `POST`: destroy a share with its management token.
    pub const SHARE_DESTROY: &str = "/shares/{id}/destroy";
    /// `POST`: start an upload.
    pub const UPLOADS: &str = "/uploads";
    /// `PUT`: one chunk of an upload.
    pub const UPLOAD_CHUNK: &str = "/uploads/{id}/chunks/{index}";
    /// `POST`: an upload's progress.
    pub const UPLOAD_STATUS: &str = "/uploads/{id}/status";
    /// `POST`: finish an upload.
    pub const UPLOAD_FINISH: &str = "/uploads/{id}/finish";
    /// `POST`: cancel an upload.
    pub const UPLOAD_CANCEL: &str = "/uploads/{id}/cancel";
    /// `GET`: download a share's file.
    pub const FILE: &str = "/files/{id}";
    /// `POST`: the KDF inputs of an address.
    pub const PRELOGIN: &str = "/accounts/prelogin";
    /// `POST`: mail a sign-up code.
    pub const SIGNUP_CODE: &str = "/signup/code";
    /// `POST`: prove the address with the mailed code.
    pub const SIGNUP_VERIFY: &str = "/signup/verify";
    /// `POST`: create the account.
    pub const SIGNUP: &str = "/signup";
    /// `POST`: the first sign-in factor.
    pub const SIGNIN: &str = "/signin";
    /// `POST`: the second sign-in factor.
    pub const SIGNIN_VERIFY: &str = "/signin/verify";
    /// `POST`: mail a new sign-in code.
    pub const SIGNIN_RESEND: &str = "/signin/resend";
    /// `GET`: the signed-in session.
    pub const SESSION: &str = "/session";
    /// `POST`: sign out.
    pub const SESSION_SIGNOUT: &str = "/session/signout";
    /// `GET`: the account's sessions.
    pub const SESSIONS: &str = "/sessions";
    /// `DELETE`: end one session.
    pub const SESSION_BY_ID: &str = "/sessions/{id}";
    /// `POST`: end every other session.
    pub const SESSIONS_END_OTHERS: &str = "/sessions/end-others";
    /// `POST`: end a session from a mailed link.
    pub const SESSIONS_END_BY_LINK: &str = "/sessions/end-by-link";
    /// `POST`: start enrolling an authenticator.
    pub const TOTP_SETUP: &str = "/account/totp/setup";
    /// `POST`: confirm the authenticator.
    pub const TOTP_CONFIRM: &str = "/account/totp/confirm";
    /// `POST`: remove the authenticator.
    pub const TOTP_DISABLE: &str = "/account/totp/disable";
    /// `POST`: new recovery codes.
    pub const TOTP_RECOVERY_CODES: &str = "/account/totp/recovery-codes";
    /// `POST`: change the passphrase.
    pub const PASSPHRASE: &str = "/account/passphrase";
    /// `POST`: delete the account.
    pub const ACCOUNT_DELETE: &str = "/account/delete";
    /// `PUT`: the mail preferences.
    pub const NOTIFICATIONS: &str = "/account/notifications";
    /// `GET` a page of the vault's records, `POST` a new one.
    pub const VAULT_RECORDS: &str = "/vault/records";
    /// `PUT` (replace) or `DELETE` one vault record.
    pub const VAULT_RECORD: &str = "/vault/records/{id}";
    /// `GET`: the vault's attachments.
    pub const VAULT_FILES: &str = "/vault/files";
    /// `GET` (download) or `DELETE` one attachment.
    pub const VAULT_FILE: &str = "/vault/files/{id}";
    /// `GET`: the shares this account created.
    pub const MY_SHARES: &str = "/my/shares";
    /// `POST`: destroy one of this account's shares.
    pub const MY_SHARE_DESTROY: &str = "/my/shares/{id}/destroy";
    /// `GET`: the account's security events.
    pub const ACTIVITY: &str = "/activity";
}

/// `/api/v1/config`.
pub const CONFIG: &str = "/api/v1/config";
/// `/api/v1/openapi.json`.
pub const OPENAPI: &str = "/api/v1/openapi.json";
/// `/api/v1/shares`.
pub const SHARES: &str = "/api/v1/shares";
/// `/api/v1/uploads`.
pub const UPLOADS: &str = "/api/v1/uploads";
/// `/api/v1/accounts/prelogin`.
pub const PRELOGIN: &str = "/api/v1/accounts/prelogin";
/// `/api/v1/signup/code`.
pub const SIGNUP_CODE: &str = "/api/v1/signup/code";
/// `/api/v1/signup/verify`.
pub const SIGNUP_VERIFY: &str = "/api/v1/signup/verify";
/// `/api/v1/signup`.
pub const SIGNUP: &str = "/api/v1/signup";
/// `/api/v1/signin`.
pub const SIGNIN: &str = "/api/v1/signin";
/// `/api/v1/signin/verify`.
pub const SIGNIN_VERIFY: &str = "/api/v1/signin/verify";
/// `/api/v1/signin/resend`.
pub const SIGNIN_RESEND: &str = "/api/v1/signin/resend";
/// `/api/v1/session`.
pub const SESSION: &str = "/api/v1/session";
/// `/api/v1/session/signout`.
pub const SESSION_SIGNOUT: &str = "/api/v1/session/signout";
/// `/api/v1/sessions`.
pub const SESSIONS: &str = "/api/v1/sessions";
/// `/api/v1/sessions/end-others`.
pub const SESSIONS_END_OTHERS: &str = "/api/v1/sessions/end-others";
/// `/api/v1/sessions/end-by-link`.
pub const SESSIONS_END_BY_LINK: &str = "/api/v1/sessions/end-by-link";
/// `/api/v1/account/totp/setup`.
pub const TOTP_SETUP: &str = "/api/v1/account/totp/setup";
/// `/api/v1/account/totp/confirm`.
pub const TOTP_CONFIRM: &str = "/api/v1/account/totp/confirm";
/// `/api/v1/account/totp/disable`.
pub const TOTP_DISABLE: &str = "/api/v1/account/totp/disable";
/// `/api/v1/account/totp/recovery-codes`.
pub const TOTP_RECOVERY_CODES: &str = "/api/v1/account/totp/recovery-codes";
/// `/api/v1/account/passphrase`.
pub const PASSPHRASE: &str = "/api/v1/account/passphrase";
/// `/api/v1/account/delete`.
pub const ACCOUNT_DELETE: &str = "/api/v1/account/delete";
/// `/api/v1/account/notifications`.
pub const NOTIFICATIONS: &str = "/api/v1/account/notifications";
/// `/api/v1/vault/records`.
pub const VAULT_RECORDS: &str = "/api/v1/vault/records";
/// `/api/v1/vault/files`.
pub const VAULT_FILES: &str = "/api/v1/vault/files";
/// `/api/v1/my/shares`.
pub const MY_SHARES: &str = "/api/v1/my/shares";
/// `/api/v1/activity`.
pub const ACTIVITY: &str = "/api/v1/activity";

/// The full path of `pattern` (one of [`route`]) with each `{name}` replaced by its value.
fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut path = format!("{PREFIX}{pattern}");
    for (name, value) in values {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    path
}

/// `/api/v1/shares/{id}/status`.
pub fn share_status(id: &ShareId) -> String {
    fill(route::SHARE_STATUS, &[("id", id.as_str())])
}

/// `/api/v1/shares/{id}/claim`.
pub fn share_claim(id: &ShareId) -> String {
    fill(route::SHARE_CLAIM, &[("id", id.as_str())])
}

/// `/api/v1/shares/{id}/destroy`.
pub fn share_destroy(id: &ShareId) -> String {
    fill(route::SHARE_DESTROY, &[("id", id.as_str())])
}

/// `/api/v1/uploads/{id}/chunks/{index}`.
pub fn upload_chunk(id: &FileId, index: u64) -> String {
    fill(route::UPLOAD_CHUNK, &[("id", id.as_str()), ("index", &index.to_string())])
}

/// `/api/v1/uploads/{id}/status`.
pub fn upload_status(id: &FileId) -> String {
    fill(route::UPLOAD_STATUS, &[("id", id.as_str())])
}

/// `/api/v1/uploads/{id}/finish`.
pub fn upload_finish(id: &FileId) -> String {
    fill(route::UPLOAD_FINISH, &[("id", id.as_str())])
}

/// `/api/v1/uploads/{id}/cancel`.
pub fn upload_cancel(id: &FileId) -> String {
    fill(route::UPLOAD_CANCEL, &[("id", id.as_str())])
}

/// `/api/v1/files/{id}`.
pub fn file(id: &FileId) -> String {
    fill(route::FILE, &[("id", id.as_str())])
}

/// `/api/v1/sessions/{id}`; `id` must already be safe in a path (the server's ids are
/// base64url).
pub fn session(id: &str) -> String {
    fill(route::SESSION_BY_ID, &[("id", id)])
}

/// `/api/v1/vault/records/{id}`.
pub fn vault_record(id: &RecordId) -> String {
    fill(route::VAULT_RECORD, &[("id", id.as_str())])
}

/// `/api/v1/vault/files/{id}`.
pub fn vault_file(id: &FileId) -> String {
    fill(route::VAULT_FILE, &[("id", id.as_str())])
}

/// `/api/v1/my/shares/{id}/destroy`.
pub fn my_share_destroy(id: &ShareId) -> String {
    fill(route::MY_SHARE_DESTROY, &[("id", id.as_str())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_paths_are_the_prefix_and_their_route() {
        let pairs = [
            (CONFIG, route::CONFIG),
            (OPENAPI, route::OPENAPI),
            (SHARES, route::SHARES),
            (UPLOADS, route::UPLOADS),
            (PRELOGIN, route::PRELOGIN),
            (SIGNUP_CODE, route::SIGNUP_CODE),
            (SIGNUP_VERIFY, route::SIGNUP_VERIFY),
            (SIGNUP, route::SIGNUP),
            (SIGNIN, route::SIGNIN),
            (SIGNIN_VERIFY, route::SIGNIN_VERIFY),
            (SIGNIN_RESEND, route::SIGNIN_RESEND),
            (SESSION, route::SESSION),
            (SESSION_SIGNOUT, route::SESSION_SIGNOUT),
            (SESSIONS, route::SESSIONS),
            (SESSIONS_END_OTHERS, route::SESSIONS_END_OTHERS),
            (SESSIONS_END_BY_LINK, route::SESSIONS_END_BY_LINK),
            (TOTP_SETUP, route::TOTP_SETUP),
            (TOTP_CONFIRM, route::TOTP_CONFIRM),
            (TOTP_DISABLE, route::TOTP_DISABLE),
            (TOTP_RECOVERY_CODES, route::TOTP_RECOVERY_CODES),
            (PASSPHRASE, route::PASSPHRASE),
            (ACCOUNT_DELETE, route::ACCOUNT_DELETE),
            (NOTIFICATIONS, route::NOTIFICATIONS),
            (VAULT_RECORDS, route::VAULT_RECORDS),
            (VAULT_FILES, route::VAULT_FILES),
            (MY_SHARES, route::MY_SHARES),
            (ACTIVITY, route::ACTIVITY),
        ];
        for (full, route) in pairs {
            assert_eq!(full, format!("{PREFIX}{route}"));
        }
    }

    #[test]
    fn builders_fill_in_the_ids() {
        let share = ShareId::from_bytes([1; 16]);
        assert_eq!(share_claim(&share), "/api/v1/shares/AQEBAQEBAQEBAQEBAQEBAQ/claim");
        let file = FileId::from_bytes([2; 16]);
        assert_eq!(upload_chunk(&file, 7), "/api/v1/uploads/AgICAgICAgICAgICAgICAg/chunks/7");
        assert_eq!(session("abc"), "/api/v1/sessions/abc");
    }
}
