//! Why a request was refused, in the account holder's words, from the error `code` the security
//! log keeps (`docs/audit.md`, `access_denied` and `input_rejected`). Never the raw code.

/// What a refused request's error code means, as the end of "Refused: …".
pub fn reason(code: &str) -> &'static str {
    match code {
        "wrong_code" | "invalid_code" => "a wrong code",
        "code_used" => "a code that was already used",
        "code_expired" | "signin_expired" | "signup_expired" => "an expired code or link",
        "wrong_passphrase" | "invalid_credentials" | "auth_proof" => "a wrong passphrase",
        "wrong_token" | "invalid_token" | "access_token" | "manage_token" | "status_token"
        | "upload_token" | "signin_token" | "signup_token" => "a link or token that does not match",
        "unauthenticated" | "session_expired" | "not_signed_in" => "not signed in",
        "forbidden" | "csrf" => "not allowed from this page",
        "not_found" | "no_such_endpoint" => "something that does not exist",
        "too_large"
        | "file_too_large"
        | "vault_full"
        | "quota_reached"
        | "storage_full"
        | "disk_full"
        | "upload_reserve_reached"
        | "anonymous_room_reached"
        | "too_many_uploads" => "over a size or storage limit",
        "invalid_envelope" | "invalid_signature" | "invalid_file" | "invalid_chunk" | "checksum_mismatch"
        | "unreadable_body" | "invalid_range" => "damaged or malformed data",
        "invalid_email" | "email_taken" => "an e-mail address that cannot be used",
        "id_taken" | "chunk_conflict" => "a conflict with something that already exists",
        _ => "an invalid request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words_and_unknown_ones_generically() {
        assert_eq!(reason("wrong_code"), "a wrong code");
        assert_eq!(reason("invalid_envelope"), "damaged or malformed data");
        assert_eq!(reason("something_new"), "an invalid request");
        assert!(!reason("wrong_code").contains('_'));
    }
}
