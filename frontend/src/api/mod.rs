//! The typed client of the server's JSON API under `/api/v1` (wire types in
//! `coffer_shared::api`): shares here, accounts in [`account`], the vault in [`vault`].
//!
//! Every call is a same-origin `fetch` with no cache and no referrer; the session cookie goes
//! along (same origin only). Bodies carry only ids, envelopes, tokens, proofs and wrapped keys:
//! keys, passphrases and plaintext never reach this module. State-changing calls of a session
//! carry its CSRF token in [`CSRF_HEADER`]. A non-2xx answer becomes an [`ApiError`] holding the
//! server's `code` and `message`.

pub mod account;
pub mod activity;
pub mod files;
pub mod vault;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use coffer_shared::api::paths;
use coffer_shared::api::{
    CSRF_HEADER, ClaimRequest, ClaimResponse, ConflictBody, CreateShareRequest, CreateShareResponse,
    ErrorBody, ErrorCode, ServerConfig, ShareStatus, StoredRecord, TokenRequest, WrongTokenBody,
};
use coffer_shared::id::ShareId;
use coffer_shared::token::ShareToken;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, ReferrerPolicy, Request, RequestCache, RequestCredentials, RequestInit, Response};

thread_local! {
    /// Called on every 401 `unauthenticated` answer (see [`on_unauthenticated`]).
    static ON_UNAUTHENTICATED: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

/// Registers what to do when any call answers 401 `unauthenticated`: the session ended
/// elsewhere (signed out, ended from another browser, timed out). The session's owner decides
/// whether that matters; this module only reports it.
pub fn on_unauthenticated(handler: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|slot| *slot.borrow_mut() = Some(Rc::new(handler)));
}

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request never got an answer: offline, server down, or blocked.
    Network,
    /// The server answered with a status outside 2xx.
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's stable code, e.g. [`ErrorCode::NotFound`]; [`ErrorCode::Unknown`] if the
        /// body was not a JSON error or the code is newer than this app.
        code: ErrorCode,
        /// The server's sentence for people.
        message: String,
        /// Seconds from the `Retry-After` header (rate limiting).
        retry_after: Option<u64>,
        /// Wrong claims left, on a `wrong_token` answer.
        wrong_claims_left: Option<u32>,
        /// The stored record, on a 409 `conflict` answer to a record edit.
        current: Option<Box<StoredRecord>>,
    },
    /// A 2xx answer whose body was not what the API promises.
    BadResponse,
    /// The request body could not be encoded as JSON (a bug in this page, not the server).
    Encode,
}

impl ApiError {
    /// The server's stable code (`not_found`, `wrong_token`, …); [`ErrorCode::Unknown`] unless
    /// it answered with a JSON error body of a code this app knows.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Server { code, .. } => *code,
            _ => ErrorCode::Unknown,
        }
    }

    /// The share is missing, expired, used up or destroyed, or the token is wrong (`not_found`).
    /// Another 404, such as `no_such_endpoint`, is not.
    pub fn is_not_found(&self) -> bool {
        self.code() == ErrorCode::NotFound
    }

    /// A share with this id is already stored: make a new id and seal again.
    pub fn is_id_taken(&self) -> bool {
        matches!(self, ApiError::Server { status: 409, code, .. } if *code == ErrorCode::IdTaken)
    }

    /// No session, or it ended (401 `unauthenticated`): the user must sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, code, .. } if *code == ErrorCode::Unauthenticated)
    }

    /// The record stored now, when an edit was refused as based on an old revision.
    pub fn conflict(&self) -> Option<&StoredRecord> {
        match self {
            ApiError::Server { status: 409, current: Some(current), .. } => Some(current),
            _ => None,
        }
    }

    /// Wrong claims left, when the body of a `wrong_token` answer carried them.
    pub fn wrong_claims_left(&self) -> Option<u32> {
        match self {
            ApiError::Server { wrong_claims_left, .. } => *wrong_claims_left,
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network => {
                f.write_str("Could not reach the server. Check your connection and try again.")
            }
            ApiError::BadResponse => f.write_str("The server sent an answer this page does not understand."),
            ApiError::Encode => {
                f.write_str("This page could not prepare its request. Reload it and try again.")
            }
            ApiError::Server { status: 413, .. } => {
                f.write_str("The secret is too large for this server. Shorten it and try again.")
            }
            ApiError::Server { status: 429, retry_after, .. } => match retry_after {
                Some(seconds) => {
                    write!(f, "Too many requests. Try again in {}.", crate::format::duration(*seconds))
                }
                None => f.write_str("Too many requests. Try again in a moment."),
            },
            ApiError::Server { status, .. } if *status >= 500 => {
                f.write_str("The server had a problem. Try again in a moment.")
            }
            // The server's messages are written for people ("That code is not right. 4 tries
            // left."); the app comes from the same server, so quoting it adds no trust.
            ApiError::Server { message, .. } if !message.is_empty() => f.write_str(message),
            ApiError::Server { status, .. } => write!(f, "The server refused (HTTP {status})."),
        }
    }
}

/// `GET /api/v1/config`.
pub async fn config() -> Result<ServerConfig, ApiError> {
    let response = send("GET", paths::CONFIG, None, None).await?;
    json(response).await
}

/// `POST /api/v1/shares`. `csrf` is the session's token for a share of the signed-in account
/// (signed with its key); `None` makes an anonymous (unsigned) share, sent without the session
/// cookie so that the server does not make it the account's.
pub async fn create_share(
    request: &CreateShareRequest,
    csrf: Option<&str>,
) -> Result<CreateShareResponse, ApiError> {
    let credentials = if csrf.is_some() { RequestCredentials::SameOrigin } else { RequestCredentials::Omit };
    let body = Some((JsValue::from_str(&body(request)?), "application/json"));
    let response = send_request("POST", paths::SHARES, body, &[], csrf, credentials).await?;
    json(response).await
}

/// `POST /api/v1/shares/{id}/status` with the status or the management token. Never consumes
/// a view.
pub async fn share_status(id: &ShareId, token: String) -> Result<ShareStatus, ApiError> {
    let response = post_token(&paths::share_status(id), token).await?;
    json(response).await
}

/// `POST /api/v1/shares/{id}/claim` with the status and access tokens: consumes one view.
pub async fn claim_share(id: &ShareId, request: &ClaimRequest) -> Result<ClaimResponse, ApiError> {
    let url = paths::share_claim(id);
    let response = send("POST", &url, Some(body(request)?), None).await?;
    json(response).await
}

/// `POST /api/v1/shares/{id}/destroy` with the management token.
pub async fn destroy_share(id: &ShareId, token: String) -> Result<(), ApiError> {
    post_token(&paths::share_destroy(id), token).await.map(drop)
}

async fn post_token(url: &str, token: String) -> Result<Response, ApiError> {
    send("POST", url, Some(body(&TokenRequest { token: ShareToken::from_text(token) })?), None).await
}

pub(crate) fn body(value: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::Encode)
}

/// Sends one request, with the session's CSRF token when given; resolves to the response if its
/// status is 2xx.
pub(crate) async fn send(
    method: &str,
    url: &str,
    body: Option<String>,
    csrf: Option<&str>,
) -> Result<Response, ApiError> {
    let body = body.map(|json| (JsValue::from_str(&json), "application/json"));
    send_raw(method, url, body, &[], csrf).await
}

/// [`send`] with any body (its value and content type) and extra headers, for binary uploads
/// and downloads.
pub(crate) async fn send_raw(
    method: &str,
    url: &str,
    body: Option<(JsValue, &str)>,
    extra_headers: &[(&str, &str)],
    csrf: Option<&str>,
) -> Result<Response, ApiError> {
    send_request(method, url, body, extra_headers, csrf, RequestCredentials::SameOrigin).await
}

/// [`send_raw`] with the cookie policy given.
async fn send_request(
    method: &str,
    url: &str,
    body: Option<(JsValue, &str)>,
    extra_headers: &[(&str, &str)],
    csrf: Option<&str>,
    credentials: RequestCredentials,
) -> Result<Response, ApiError> {
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(credentials);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    headers.set("accept", "application/json").map_err(|_| ApiError::Network)?;
    if let Some(token) = csrf {
        headers.set(CSRF_HEADER, token).map_err(|_| ApiError::Network)?;
    }
    for (name, value) in extra_headers {
        headers.set(name, value).map_err(|_| ApiError::Network)?;
    }
    if let Some((body, content_type)) = body {
        headers.set("content-type", content_type).map_err(|_| ApiError::Network)?;
        init.set_body(&body);
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| ApiError::Network)?;
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .and_then(|value| value.dyn_into())
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(response);
    }
    let error = error_from(response).await;
    if error.is_unauthenticated() {
        // Cloned out first: the handler may update signals that lead to further requests.
        if let Some(handler) = ON_UNAUTHENTICATED.with(|slot| slot.borrow().clone()) {
            handler();
        }
    }
    Err(error)
}

async fn text(response: &Response) -> Option<String> {
    let promise = response.text().ok()?;
    JsFuture::from(promise).await.ok()?.as_string()
}

pub(crate) async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let text = text(&response).await.ok_or(ApiError::BadResponse)?;
    serde_json::from_str(&text).map_err(|_| ApiError::BadResponse)
}

async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    let retry_after =
        response.headers().get("retry-after").ok().flatten().and_then(|value| value.trim().parse().ok());
    let text = text(&response).await.unwrap_or_default();
    // Parsed once; both views of the body are read from the same JSON value.
    let body = serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default();
    let wrong_claims_left = WrongTokenBody::deserialize(&body).ok().map(|body| body.wrong_claims_left);
    let current = ConflictBody::deserialize(&body).ok().map(|body| Box::new(body.current));
    let (code, message) = ErrorBody::deserialize(body)
        .map(|b| (b.code, b.message))
        .unwrap_or((ErrorCode::Unknown, String::new()));
    ApiError::Server { status, code, message, retry_after, wrong_claims_left, current }
}
