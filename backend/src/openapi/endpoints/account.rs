//! The endpoints of the signed-in account and its activity, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ActivityPage, ChangePassphraseRequest, Notifications, ProofRequest, RecoveryCodes, TotpConfirmRequest,
    TotpSetup,
};

use super::super::answers::{CSRF, SIGNED_IN, SIGNED_IN_CHANGE, SIGNED_IN_JSON_BODY, error};
use super::super::model::{Answer, Content, Endpoint, Method, Param, Session, json};

/// 403 for a missing CSRF token or a wrong passphrase proof.
const WRONG_PASSPHRASE: Answer = error(
    403,
    "`csrf`: the request lacks this session's `X-Coffer-CSRF` token. `wrong_passphrase`: `auth_proof` does not match the account's passphrase; nothing changed.",
);

/// 422 for a body that is not a passphrase proof alone.
const INVALID_PROOF: Answer = error(
    422,
    r#"`invalid_field`: the body is not `{"auth_proof": string}`. `invalid_token`: `auth_proof` is not base64url of 32 bytes."#,
);

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Post,
        route: route::TOTP_SETUP,
        prefixed: true,
        operation_id: "setupTotp",
        tag: "account",
        summary: "Start enrolling an authenticator",
        description: "Makes a new 20-byte authenticator secret, pending until confirmed (it replaces an unconfirmed one; an enrolled authenticator stays in use until then). It changes no credential: confirming it needs the passphrase proof. No body. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: None,
        answers: &[Answer {
            status: 200,
            description: "The pending secret, to show as a QR code and as text.",
            body: Content::Json(json::<TotpSetup>),
        }],
        errors: SIGNED_IN_CHANGE,
    },
    Endpoint {
        method: Method::Post,
        route: route::TOTP_CONFIRM,
        prefixed: true,
        operation_id: "confirmTotp",
        tag: "account",
        summary: "Confirm (or replace) the authenticator and get recovery codes",
        description: "Proves the passphrase again (`auth_proof`); then a right 6-digit code from the pending secret enables it, in place of the enrolled authenticator if there is one (its secret and recovery codes stop working), and returns 10 single-use recovery codes, shown once; the server keeps keyed hashes of them. From then on sign-in asks for `totp`. Records `totp_enrolled` (`replaced`) and mails the account an always-on security alert. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<TotpConfirmRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "Enabled. Show the codes once.",
                body: Content::Json(json::<RecoveryCodes>),
            },
            WRONG_PASSPHRASE,
            error(
                422,
                r#"`invalid_field`: the body is not `{"code": string, "auth_proof": string}`. `invalid_token`: `auth_proof` is not base64url of 32 bytes. `wrong_code`: there is no pending secret, or the code does not match it (not counted, since the passphrase was proven; check the authenticator's clock). The pending secret stays."#,
            ),
        ],
        errors: SIGNED_IN_JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::TOTP_DISABLE,
        prefixed: true,
        operation_id: "disableTotp",
        tag: "account",
        summary: "Remove the authenticator",
        description: "Proves the passphrase again and turns the authenticator off, with its recovery codes and any pending secret; sign-in goes back to e-mailed codes. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<ProofRequest>)),
        answers: &[
            Answer { status: 204, description: "Removed. No body.", body: Content::None },
            WRONG_PASSPHRASE,
            INVALID_PROOF,
        ],
        errors: SIGNED_IN_JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::TOTP_RECOVERY_CODES,
        prefixed: true,
        operation_id: "renewRecoveryCodes",
        tag: "account",
        summary: "Make new recovery codes",
        description: "Proves the passphrase again and replaces the enrolled authenticator's recovery codes with 10 new ones, shown once; the old ones stop working in the same transaction. The authenticator itself is kept. Records `recovery_codes_renewed` and mails the account an always-on security alert. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<ProofRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "The new codes. Show them once.",
                body: Content::Json(json::<RecoveryCodes>),
            },
            WRONG_PASSPHRASE,
            error(
                422,
                r#"`invalid_field`: the body is not `{"auth_proof": string}`. `invalid_token`: `auth_proof` is not base64url of 32 bytes. `no_authenticator`: the account has no authenticator, so no recovery codes."#,
            ),
        ],
        errors: SIGNED_IN_JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::PASSPHRASE,
        prefixed: true,
        operation_id: "changePassphrase",
        tag: "account",
        summary: "Change the passphrase",
        description: r#"Proves the current passphrase (`auth_proof`) and stores, in one transaction, the new KDF inputs, the new proof's keyed hash and the keys re-wrapped under the new passphrase. Every other session of the account ends; this one stays. The new keys are checked like at sign-up (version 2 only), before the proof. Browsers also use it, with the same passphrase, to move an account made before KDF version 2 to version 2 right after its sign-in (`docs/accounts.md`, "Migration from version 1"). Needs the session cookie and `X-Coffer-CSRF`."#,
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<ChangePassphraseRequest>)),
        answers: &[
            Answer { status: 204, description: "Changed. No body.", body: Content::None },
            WRONG_PASSPHRASE,
            error(
                422,
                "Nothing changed. `invalid_field`: a member is missing, unknown or mistyped. `invalid_kdf`: the new KDF `version` is not 2, the new Argon2id parameters are below the floor or above the ceiling, or `kdf_salt` is not 16 bytes. `invalid_token`: `keys.auth_proof` or `auth_proof` is not base64url of 32 bytes. `invalid_envelope`: a wrapped key is not a v1 envelope of its kind without flags holding 32 bytes.",
            ),
        ],
        errors: SIGNED_IN_JSON_BODY,
    },
    Endpoint {
        method: Method::Put,
        route: route::NOTIFICATIONS,
        prefixed: true,
        operation_id: "setNotifications",
        tag: "account",
        summary: "Set the mail preferences",
        description: "Stores the account's mail preferences (docs/mail.md): the report mailed when a session signs out and the weekly digest. Both members are required; both are on for a new account. Security alerts cannot be switched off. Not a security event. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<Notifications>)),
        answers: &[
            Answer {
                status: 200,
                description: "Stored; the preferences as stored.",
                body: Content::Json(json::<Notifications>),
            },
            CSRF,
            error(422, "`invalid_field`: a member is missing, not a boolean, or unknown. Nothing is stored."),
        ],
        errors: SIGNED_IN_JSON_BODY,
    },
    Endpoint {
        method: Method::Post,
        route: route::ACCOUNT_DELETE,
        prefixed: true,
        operation_id: "deleteAccount",
        tag: "account",
        summary: "Delete the account",
        description: "Proves the passphrase again, then deletes the account, its vault records, its shares and its sessions, and clears the cookie. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<ProofRequest>)),
        answers: &[
            Answer { status: 204, description: "Deleted. No body.", body: Content::None },
            WRONG_PASSPHRASE,
            INVALID_PROOF,
        ],
        errors: SIGNED_IN_JSON_BODY,
    },
    Endpoint {
        method: Method::Get,
        route: route::ACTIVITY,
        prefixed: true,
        operation_id: "listActivity",
        tag: "activity",
        summary: "List the account's security events",
        description: "The signed-in account's security events (`docs/audit.md`), newest first: sign-ins and their failures, codes, sessions, refusals, vault and share changes, file transfers, credential changes. `ip`, `user_agent` and `place` are null for `share_*` events other than `share_created` (their client is usually the share's reader), and `q` does not search them there. A page examines at most 10,000 events, so a narrow filter MAY give fewer than `limit` events (even none) with a `next`: read on until `next` is null. Reading the activity records nothing. Needs the session cookie.",
        session: Session::Required,
        params: &[
            Param::Query {
                name: "type",
                description: "Only these event types, comma-separated.",
                schema: r#"{"type": "string", "examples": ["signin_failed,code_wrong"]}"#,
            },
            Param::Query {
                name: "severity",
                description: "Only events of this severity.",
                schema: r##"{"$ref": "#/components/schemas/Severity"}"##,
            },
            Param::Query {
                name: "q",
                description: "Only events whose type, IP, user agent, place or a `detail` value contains this text, ignoring case.",
                schema: r#"{"type": "string", "minLength": 1, "maxLength": 100}"#,
            },
            Param::Query {
                name: "country",
                description: "ISO 3166-1 alpha-2 codes, comma-separated, at most 300: events whose place is in one of these countries match the search too (with `q`, an event matches either). The app sends the codes of the countries whose name contains `q`.",
                schema: r#"{"type": "string", "pattern": "^[A-Z]{2}(,[A-Z]{2})*$"}"#,
            },
            Param::Query {
                name: "before",
                description: "The `next` of the previous page. Opaque.",
                schema: r#"{"type": "string"}"#,
            },
            Param::Query {
                name: "limit",
                description: "Events per page.",
                schema: r#"{"type": "integer", "minimum": 1, "maximum": 100, "default": 50}"#,
            },
        ],
        request: None,
        answers: &[
            Answer {
                status: 200,
                description: "A page of events.",
                body: Content::Json(json::<ActivityPage>),
            },
            error(
                422,
                "`invalid_field`: an unknown or repeated parameter, an unknown type, a severity other than `info` and `warning`, a `q` that is empty or over 100 characters, a `limit` outside 1 to 100, a `country` that is not a list of codes, or a `before` that is not a `next`.",
            ),
        ],
        errors: SIGNED_IN,
    },
];
