//! The endpoints of sign-up, pre-login and sign-in, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{
    CodeSent, EmailRequest, PreloginRequest, PreloginResponse, SessionInfo, SigninChallenge, SigninRequest,
    SigninResendRequest, SigninVerifyRequest, SignupRequest, SignupVerified, SignupVerifyRequest,
};

use super::super::answers::{JSON_BODY, RATE_LIMITED, error};
use super::super::model::{Answer, Content, Endpoint, Method, Session, json};

/// 429 for a client over the auth bucket, or an address or account throttled.
const THROTTLED: Answer = error(
    429,
    "`rate_limited`, for one of two reasons, both with `Retry-After`: this client (IPv4 address or IPv6 /64) has used up the auth bucket; or the address or account is throttled: 15 minutes after the 5th wrong code or passphrase, or a code was asked for again within 30 seconds while the last one is live, or 10 times within an hour.",
);

/// 503 when the e-mail could not be sent.
const MAIL_FAILED: Answer = error(
    503,
    "`mail_failed`: the server could not send the e-mail (the detail goes to the server log). Nothing was sent; try again later.",
);

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Post,
        route: route::PRELOGIN,
        prefixed: true,
        operation_id: "prelogin",
        tag: "accounts",
        summary: "Get the KDF inputs of an address before sign-in",
        description: r#"The server trims the address and lower-cases it (`normalize(email)` in `docs/accounts.md`). For an address with an account it returns the account's KDF version, Argon2id parameters and `kdf_salt`. For an address without one it returns version 2, the default parameters (65536, 3, 4) and `HMAC-SHA256(server_secret, "coffer/v1/prelogin" || normalize(email))[0..16]`: the same shape, the same answer every time, so the answer does not tell whether an account exists (unless the account's parameters differ from the defaults, or it is still on version 1). The browser MUST check the parameters against the floor and the ceiling and against those it remembers for the address before deriving.

Rate limit: the claim bucket (`COFFER_RATE_LIMIT_CLAIM`, default 60 a minute)."#,
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<PreloginRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "The KDF inputs (real or stand-in).",
                body: Content::Json(json::<PreloginResponse>),
            },
            error(
                422,
                "`invalid_field`: `email` is missing, not a string, or another member is present. `invalid_email`: after trimming, the address is not 3 to 254 bytes with exactly one `@` and something on each side, or holds white space or control characters.",
            ),
            RATE_LIMITED,
        ],
        errors: JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::SIGNUP_CODE,
        prefixed: true,
        operation_id: "requestSignupCode",
        tag: "accounts",
        summary: "Mail a sign-up code to an address",
        description: r#"The first step of sign-up. The server trims and lower-cases the address. An address without an account gets an 8-digit code by mail, valid 10 minutes; an address with an account gets a "you already have an account" message instead. The answer is the same 202 for both, so it does not tell whether an account exists.

A new code replaces the address's old one but keeps its count of wrong tries. Codes are sent at most once every 30 seconds while the previous one is live and 10 times an hour per address; beyond that, and for 15 minutes after the 5th wrong try, the answer is 429.

Rate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute)."#,
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<EmailRequest>)),
        answers: &[
            Answer {
                status: 202,
                description: "A message is on its way.",
                body: Content::Json(json::<CodeSent>),
            },
            error(
                422,
                "`invalid_field`: `email` is missing, not a string, or another member is present. `invalid_email`: after trimming, the address is not 3 to 254 bytes with exactly one `@` and something on each side, holds white space or control characters, or is not an address mail can be sent to.",
            ),
            THROTTLED,
            MAIL_FAILED,
        ],
        errors: JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::SIGNUP_VERIFY,
        prefixed: true,
        operation_id: "verifySignupCode",
        tag: "accounts",
        summary: "Prove the address with the mailed code",
        description: "A right code is used up and answered with a `signup_token`: 32 random bytes, valid 30 minutes and single use, that lets the browser create the account. The server keeps only its SHA-256. Spaces and dashes in `code` are ignored.\n\nRate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute).",
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<SignupVerifyRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "The address is proven.",
                body: Content::Json(json::<SignupVerified>),
            },
            error(
                401,
                "`wrong_code`: the code is wrong; counted against the address, and the 5th wrong try kills the code and starts a 15-minute throttle (429). `code_expired`: there is no live code (none was asked for, it was used, or it is past its 10 minutes); not counted.",
            ),
            error(
                422,
                "`invalid_field`: a member is missing, unknown or mistyped. `invalid_email`: the address is not shaped like one. `invalid_code`: `code` is not 8 digits; not counted.",
            ),
            THROTTLED,
        ],
        errors: JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::SIGNUP,
        prefixed: true,
        operation_id: "signup",
        tag: "accounts",
        summary: "Create the account and sign in",
        description: r#"Takes the `signup_token`, the account id chosen by the browser and the keys the browser derived from the new passphrase (`docs/accounts.md`, "Keys of an account"). The server checks, in order: `signup_token` is 32 bytes of base64url, the KDF inputs are within the floor and the ceiling, `keys.auth_proof` is 32 bytes, both wrapped keys are v1 envelopes of their kind without flags holding 32 bytes, `public_key` is an Ed25519 public key; then that the token is live, and that the address and the account id are free. It stores a keyed hash of `auth_proof`, never the proof itself, uses up the token and starts the first session: the answer sets the session cookie.

Rate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute)."#,
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<SignupRequest>)),
        answers: &[
            Answer {
                status: 201,
                description: "The account exists and is signed in.",
                body: Content::Json(json::<SessionInfo>),
            },
            error(
                401,
                "`signup_expired`: the `signup_token` is unknown, used or past its 30 minutes. Start again with a new code.",
            ),
            error(
                409,
                "Nothing was stored and the token stays usable. `email_taken`: the address got an account since the code was sent. `id_taken`: an account with this `account_id` exists; make a new id and wrap the keys again (the id is bound into them).",
            ),
            error(
                422,
                "`invalid_field`: a member is missing, unknown or mistyped, or `account_id` is not 22 characters of canonical base64url. `invalid_token`: `signup_token` or `keys.auth_proof` is not base64url of 32 bytes (the message names it). `invalid_kdf`: a KDF `version` other than 2, Argon2id parameters below the floor or above the ceiling, or a `kdf_salt` that is not 16 bytes. `invalid_envelope`: a wrapped key is not a v1 envelope of its kind without flags holding 32 bytes. `invalid_public_key`: `public_key` is not an Ed25519 public key.",
            ),
            RATE_LIMITED,
        ],
        errors: JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::SIGNIN,
        prefixed: true,
        operation_id: "signin",
        tag: "accounts",
        summary: "Prove the passphrase: the first factor",
        description: "The browser derives `auth_proof` from the passphrase and the pre-login answer (`/api/v1/accounts/prelogin`). A wrong proof and an unknown address get the same 401 `invalid_credentials` after the same work, and are counted the same way: against the address (known or not) for untrusted clients, or against the browser's device cookie for the address when it sends a valid one. The 5th wrong try starts a 15-minute throttle (429) of that counter; a stranger's tries never throttle the owner's browser. Check, comparison and count happen in one transaction.\n\nA right proof opens a sign-in attempt named by `signin_token` (valid 10 minutes) and says which second factor comes next: for `email` an 8-digit code is mailed now (a code mailed moments ago that is still live is kept instead); for `totp` the authenticator's code or a recovery code is asked for.\n\nRate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute).",
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<SigninRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "The passphrase is right; the second factor is next.",
                body: Content::Json(json::<SigninChallenge>),
            },
            error(
                401,
                "`invalid_credentials`: the address has no account or the proof is wrong; one answer for both.",
            ),
            error(
                422,
                "`invalid_field`: a member is missing, unknown or mistyped. `invalid_email`: the address is not shaped like one. `invalid_token`: `auth_proof` is not base64url of 32 bytes.",
            ),
            THROTTLED,
            MAIL_FAILED,
        ],
        errors: JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::SIGNIN_VERIFY,
        prefixed: true,
        operation_id: "verifySignin",
        tag: "accounts",
        summary: "Prove the second factor and start a session",
        description: r#"`code` is the mailed 8-digit code (`second_factor: email`), or for `totp` the authenticator's 6 digits (RFC 6238; a time step once used is never accepted again) or one of the account's unused recovery codes. Spaces and dashes are ignored. Wrong codes of either kind count against the account. A right code ends the sign-in attempt, starts a session (the answer sets the session cookie) and mails the account a "New sign-in" message with a link that ends this session (`/api/v1/sessions/end-by-link`).

Rate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute)."#,
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<SigninVerifyRequest>)),
        answers: &[
            Answer { status: 200, description: "Signed in.", body: Content::Json(json::<SessionInfo>) },
            error(
                401,
                "`signin_expired`: the `signin_token` is unknown, used or past its 10 minutes, or the account's passphrase changed since it was issued; start again. `wrong_code`: the code is wrong; counted against the browser's device cookie or the account's untrusted clients, and the 5th wrong try starts a 15-minute throttle (429). `code_expired`: there is no live mailed code (none was asked for, it was used, or it is past its 10 minutes); not counted. `code_used`: the authenticator code matches a time step already used; not counted.",
            ),
            error(
                422,
                "`invalid_field`: a member is missing, unknown or mistyped. `invalid_token`: `signin_token` is not base64url of 32 bytes. `invalid_code`: for the e-mail factor, `code` is not 8 digits; not counted.",
            ),
            THROTTLED,
        ],
        errors: JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::SIGNIN_RESEND,
        prefixed: true,
        operation_id: "resendSigninCode",
        tag: "accounts",
        summary: "Mail a new sign-in code",
        description: "For an open sign-in attempt whose second factor is `email`. The new code replaces the old one; the wrong tries of the old one still count. The same sending limits as for sign-up codes apply (429).\n\nRate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute).",
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<SigninResendRequest>)),
        answers: &[
            Answer {
                status: 202,
                description: "A new code is on its way.",
                body: Content::Json(json::<CodeSent>),
            },
            error(401, "`signin_expired`: the `signin_token` is unknown, used or past its 10 minutes."),
            error(
                422,
                "`invalid_field`: a member is missing, unknown or mistyped. `invalid_token`: `signin_token` is not base64url of 32 bytes. `no_email_code`: the account signs in with an authenticator, so there is no code to mail.",
            ),
            THROTTLED,
            MAIL_FAILED,
        ],
        errors: JSON_BODY,
    },
];
