//! The endpoints of shares: create, status, claim, destroy, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ClaimRequest, ClaimResponse, CreateShareRequest, CreateShareResponse, ShareStatus, TokenRequest,
    WrongTokenBody,
};

use super::super::answers::{
    COMMON, CSRF, INVALID_ID_OR_BODY, INVALID_TOKEN_BODY, RATE_LIMITED, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
    error,
};
use super::super::model::{Answer, Content, Endpoint, Method, Param, Session, json};

/// 404 for a share that is gone, or a token that does not open this call.
const SHARE_NOT_FOUND: Answer = error(
    404,
    "`not_found`: the share does not exist, has expired, is used up or destroyed, or the token is not one that opens this call (for a claim: the status token is wrong, whatever the access token). Never counted. One status, code and message for every case, so none can be told apart.",
);

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Post,
        route: route::SHARES,
        prefixed: true,
        operation_id: "createShare",
        tag: "shares",
        summary: "Store a sealed share",
        description: "The browser chooses the id, seals the envelope with it (the id is in the additional data) and sends the three tokens. The server validates the envelope's header, hashes each token with SHA-256, keeps only the hashes and answers 201. The share lives until `expires_at`, until `max_views` claims have succeeded, until `max_wrong_claims` claims have failed, or until destroyed, whichever comes first.\n\nThe session cookie is optional. Without one, or with a dead session, the share is anonymous and `read_receipt` is ignored. With a live session the request MUST carry `X-Coffer-CSRF` (403 `csrf` otherwise, checked before anything else) and the share gets the account as its owner: it is listed by `GET /api/v1/my/shares` (also after it ends) and the owner may destroy it without the management token. With `read_receipt: true` the owner is mailed each time the share is opened.\n\nRate limit: the create bucket (`COFFER_RATE_LIMIT_CREATE`, default 30 a minute).",
        session: Session::Optional,
        params: &[Param::OptionalCsrf],
        request: Some(Content::Json(json::<CreateShareRequest>)),
        answers: &[
            Answer { status: 201, description: "Stored.", body: Content::Json(json::<CreateShareResponse>) },
            error(
                400,
                "`malformed_json`: the body is not JSON. `invalid_envelope`: `envelope` is not canonical base64url. `unreadable_body`: the body could not be read.",
            ),
            CSRF,
            error(
                409,
                "`id_taken`: a share with this id is stored (an expired share counts until the sweeper removes it). Nothing was stored. The client MUST make a new id and seal again.",
            ),
            error(
                413,
                "`too_large`: the body is over the request limit, or the decoded envelope is over `max_envelope_bytes`.",
            ),
            UNSUPPORTED_MEDIA_TYPE,
            error(
                422,
                "A well-formed request with a value that breaks a rule. Nothing was stored. Codes: `invalid_field` (missing, unknown or mistyped member, or an `id` that is not 22 characters of canonical base64url), `invalid_envelope` (the envelope does not parse as v1, or is not of kind `share-text`; the message names the parse error), `invalid_expiry`, `invalid_views`, `invalid_token` (the message names the token), `invalid_signature` (with a session: the envelope is not signed with the account's identity key or its signature does not verify over the envelope and the named files' metadata; without one: the envelope is signed).",
            ),
            RATE_LIMITED,
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Post,
        route: route::SHARE_STATUS,
        prefixed: true,
        operation_id: "getShareStatus",
        tag: "shares",
        summary: "Read a share's public status",
        description: "Accepts the status token or the management token. Returns the envelope's header (kind, Argon2id parameters and salt), the expiry and the counters, so that the page can ask for a password before claiming, and for a share created while signed in its `signer` (the owner's address and identity public key), against which the page checks the envelope's signature. Never consumes a view and never counts a wrong token: a wrong token gets the same 404 as a missing share.\n\nIt is a POST so that the token travels in the body, not in a URL that proxies might log.\n\nRate limit: the claim bucket (`COFFER_RATE_LIMIT_CLAIM`, default 60 a minute), shared with claim and destroy.",
        session: Session::None,
        params: &[Param::ShareId],
        request: Some(Content::Json(json::<TokenRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "The share is live and the token is its status or management token.",
                body: Content::Json(json::<ShareStatus>),
            },
            INVALID_ID_OR_BODY,
            SHARE_NOT_FOUND,
            TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE,
            INVALID_TOKEN_BODY,
            RATE_LIMITED,
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Post,
        route: route::SHARE_CLAIM,
        prefixed: true,
        operation_id: "claimShare",
        tag: "shares",
        summary: "Claim one view: receive the envelope",
        description: "Takes both the status token and the access token (`ClaimRequest`). The status token proves that the caller holds the link; the access token depends on the password when there is one (`docs/envelope.md`), so a wrong password is a wrong access token. The server checks the status token first.\n\n- Missing, expired, used-up or destroyed share, or a wrong status token (whatever the access token): 404 `not_found`. Nothing is counted, so someone who knows only the share's id cannot use up its wrong-claim budget.\n- Right status token, right access token: 200 with the envelope; one view is counted. When `views_left` is 0 the share was deleted in the same transaction.\n- Right status token, wrong access token (canonical base64url of 32 bytes that does not match; a wrong password): 403 `wrong_token`; one wrong claim is counted. When `wrong_claims_left` is 0 the share was deleted.\n\nClaims are atomic: with N views allowed, exactly N claims succeed however many arrive at once.\n\nRate limit: the claim bucket (`COFFER_RATE_LIMIT_CLAIM`, default 60 a minute), shared with status and destroy.",
        session: Session::None,
        params: &[Param::ShareId],
        request: Some(Content::Json(json::<ClaimRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "The envelope. One view was counted.",
                body: Content::Json(json::<ClaimResponse>),
            },
            INVALID_ID_OR_BODY,
            Answer {
                status: 403,
                description: "`wrong_token`: the status token matches but the access token does not (a wrong password, or a damaged link). The failure was counted; at 0 `wrong_claims_left` the share was destroyed. A wrong status token gets 404 `not_found` instead and is not counted.",
                body: Content::Json(json::<WrongTokenBody>),
            },
            SHARE_NOT_FOUND,
            TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE,
            error(
                422,
                r#"`invalid_field`: the body is not `{"status_token": string, "access_token": string}` (missing, unknown or mistyped member). `invalid_token`: a token is not canonical base64url of 32 bytes; the message names the field (the status token is checked first). Not counted as a wrong claim."#,
            ),
            RATE_LIMITED,
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Post,
        route: route::SHARE_DESTROY,
        prefixed: true,
        operation_id: "destroyShare",
        tag: "shares",
        summary: "Destroy a share early",
        description: "Accepts the management token only. Deletes the share and its envelope. A wrong token (including the status or access token) gets the same 404 as a missing share and is not counted.\n\nRate limit: the claim bucket (`COFFER_RATE_LIMIT_CLAIM`, default 60 a minute), shared with status and claim.",
        session: Session::None,
        params: &[Param::ShareId],
        request: Some(Content::Json(json::<TokenRequest>)),
        answers: &[
            Answer { status: 204, description: "Destroyed. No body.", body: Content::None },
            INVALID_ID_OR_BODY,
            SHARE_NOT_FOUND,
            TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE,
            INVALID_TOKEN_BODY,
            RATE_LIMITED,
        ],
        errors: COMMON,
    },
];
