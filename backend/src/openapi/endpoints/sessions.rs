//! The endpoints of the signed-in session and the account's sessions, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{EndByLinkRequest, SessionInfo, SessionList, SessionsEnded};

use super::super::answers::{
    INVALID_ID_AFTER_CSRF, JSON_BODY, RATE_LIMITED, SIGNED_IN, SIGNED_IN_CHANGE, error,
};
use super::super::model::{Answer, Content, Endpoint, Method, Param, Session, json};

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Get,
        route: route::SESSION,
        prefixed: true,
        operation_id: "getSession",
        tag: "sessions",
        summary: "The signed-in session",
        description: "Who is signed in, with what a reloaded page needs to unlock with the passphrase alone: the KDF inputs, the wrapped keys, the public key, and the `csrf_token` to send as `X-Coffer-CSRF`. Needs the session cookie. Each authenticated request keeps the session alive for another `idle_timeout` seconds, up to `expires_at`.",
        session: Session::Required,
        params: &[],
        request: None,
        answers: &[Answer {
            status: 200,
            description: "The session.",
            body: Content::Json(json::<SessionInfo>),
        }],
        errors: SIGNED_IN,
    },
    Endpoint {
        method: Method::Post,
        route: route::SESSION_SIGNOUT,
        prefixed: true,
        operation_id: "signout",
        tag: "sessions",
        summary: "Sign out",
        description: "Ends this session and clears the cookie. No body. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: None,
        answers: &[Answer { status: 204, description: "Signed out. No body.", body: Content::None }],
        errors: SIGNED_IN_CHANGE,
    },
    Endpoint {
        method: Method::Get,
        route: route::SESSIONS,
        prefixed: true,
        operation_id: "listSessions",
        tag: "sessions",
        summary: "List the account's sessions",
        description: "Every live session of the account, newest first, with where and from what it signed in. Needs the session cookie.",
        session: Session::Required,
        params: &[],
        request: None,
        answers: &[Answer {
            status: 200,
            description: "The sessions.",
            body: Content::Json(json::<SessionList>),
        }],
        errors: SIGNED_IN,
    },
    Endpoint {
        method: Method::Delete,
        route: route::SESSION_BY_ID,
        prefixed: true,
        operation_id: "endSession",
        tag: "sessions",
        summary: "End one session",
        description: "Ends one of the account's sessions, this one included (the cookie is then dead but not cleared). Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::SessionId, Param::Csrf],
        request: None,
        answers: &[
            Answer { status: 204, description: "Ended. No body.", body: Content::None },
            INVALID_ID_AFTER_CSRF,
            error(
                404,
                "`not_found`: the account has no live session with this id (another account's session counts as none).",
            ),
        ],
        errors: SIGNED_IN_CHANGE,
    },
    Endpoint {
        method: Method::Post,
        route: route::SESSIONS_END_OTHERS,
        prefixed: true,
        operation_id: "endOtherSessions",
        tag: "sessions",
        summary: "End every other session",
        description: "Ends every session of the account except this one. No body. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::Csrf],
        request: None,
        answers: &[Answer {
            status: 200,
            description: "How many sessions were ended.",
            body: Content::Json(json::<SessionsEnded>),
        }],
        errors: SIGNED_IN_CHANGE,
    },
    Endpoint {
        method: Method::Post,
        route: route::SESSIONS_END_BY_LINK,
        prefixed: true,
        operation_id: "endSessionByLink",
        tag: "sessions",
        summary: r#"End a session from the link of a "New sign-in" e-mail"#,
        description: r#"The e-mail's link `/session/end#<token>` carries a 32-byte token in its fragment; the page posts it here only when its "End this session" button is clicked (loading the page sends nothing, so a mail scanner that runs the page's script ends nothing). It ends exactly the session that signed in, once. Needs no session and no CSRF token.

Rate limit: the auth bucket (`COFFER_RATE_LIMIT_AUTH`, default 20 a minute)."#,
        session: Session::None,
        params: &[],
        request: Some(Content::Json(json::<EndByLinkRequest>)),
        answers: &[
            Answer { status: 204, description: "The session is ended. No body.", body: Content::None },
            error(
                404,
                "`not_found`: no live session has this token (it ended already, or the link was used).",
            ),
            error(
                422,
                r#"`invalid_field`: the body is not `{"token": string}`. `invalid_token`: the token is not base64url of 32 bytes."#,
            ),
            RATE_LIMITED,
        ],
        errors: JSON_BODY,
    },
];
