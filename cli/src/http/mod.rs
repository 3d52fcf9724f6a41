//! [`Client`]: the JSON API under `/api/v1` of one Coffer server, over reqwest. Every error
//! answer is read as the server's `{code, message}` body ([`HttpError`]).
//!
//! Only what `docs/api.md` lets a client send ever leaves through here: ids, envelopes,
//! ciphertext and tokens. Keys and plaintext never reach this module.

pub mod error;

use coffer_shared::api::ErrorCode;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

pub use error::HttpError;

/// The `User-Agent` of this client: the security log names it "coffer CLI" (product/version).
pub const USER_AGENT: &str = concat!("coffer-cli/", env!("CARGO_PKG_VERSION"));
/// How long to wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a request may go without a byte moving before it is given up.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a JSON call may take in all (a chunk or a download is bounded by its pace instead):
/// a server dripping a byte a minute cannot hold a script forever.
const JSON_TIMEOUT: Duration = Duration::from_secs(120);

/// A signed-in session: the cookie's token and the CSRF token every state-changing request
/// carries.
#[derive(Clone)]
pub struct SessionAuth {
    /// The session cookie's value.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

impl std::fmt::Debug for SessionAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionAuth([redacted])")
    }
}

/// A client of one server.
#[derive(Clone, Debug)]
pub struct Client {
    origin: Url,
    http: reqwest::Client,
    session: Option<SessionAuth>,
}

impl Client {
    /// A client of the server at `origin` (scheme, host and port; any path is ignored).
    pub fn new(origin: &Url) -> Result<Self, HttpError> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            // A redirect could carry a request (and its tokens) to another host: refuse them.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| HttpError::Network(error.to_string()))?;
        let mut origin = origin.clone();
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);
        Ok(Self { origin, http, session: None })
    }

    /// The same client, sending `session` with every request.
    pub fn with_session(mut self, session: SessionAuth) -> Self {
        self.session = Some(session);
        self
    }

    /// The session this client sends, if any.
    pub fn session(&self) -> Option<&SessionAuth> {
        self.session.as_ref()
    }

    /// The server's origin, e.g. `https://coffer.example`, without a trailing `/`.
    pub fn origin(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_owned()
    }

    /// A request to `path` (one of `coffer_shared::api::paths`) with the session's cookie and
    /// CSRF token when signed in.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = format!("{}{path}", self.origin());
        let mut builder = self.http.request(method, url);
        if let Some(session) = &self.session {
            builder = builder
                .header(reqwest::header::COOKIE, format!("{}={}", SESSION_COOKIE, session.cookie))
                .header(coffer_shared::api::CSRF_HEADER, &session.csrf);
        }
        builder
    }

    /// `GET` a JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, HttpError> {
        json(send(self.request(Method::GET, path).timeout(JSON_TIMEOUT)).await?).await
    }

    /// `POST` a JSON body; a JSON answer.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, HttpError> {
        json(send(self.request(Method::POST, path).timeout(JSON_TIMEOUT).json(body)).await?).await
    }

    /// `POST` a JSON body; the answer's body is not read.
    pub async fn post_only<B: Serialize + ?Sized>(&self, path: &str, body: &B) -> Result<(), HttpError> {
        send(self.request(Method::POST, path).timeout(JSON_TIMEOUT).json(body)).await.map(drop)
    }

    /// `POST` without a body; the answer's body is not read.
    pub async fn post_empty(&self, path: &str) -> Result<(), HttpError> {
        send(self.request(Method::POST, path).timeout(JSON_TIMEOUT)).await.map(drop)
    }

    /// `PUT` a JSON body; a JSON answer.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, HttpError> {
        json(send(self.request(Method::PUT, path).timeout(JSON_TIMEOUT).json(body)).await?).await
    }

    /// `DELETE`; the answer's body is not read.
    pub async fn delete(&self, path: &str) -> Result<(), HttpError> {
        send(self.request(Method::DELETE, path).timeout(JSON_TIMEOUT)).await.map(drop)
    }
}

/// The session cookie's name (the server's `auth::cookie::NAME`).
pub const SESSION_COOKIE: &str = "__Host-coffer_session";

/// Sends the request; any status but 2xx becomes an [`HttpError`] read from its body.
pub async fn send(builder: RequestBuilder) -> Result<Response, HttpError> {
    let response = builder.send().await.map_err(network)?;
    if response.status().is_success() {
        return Ok(response);
    }
    Err(error_of(response).await)
}

/// The error an answer with a 4xx or 5xx status stands for.
async fn error_of(response: Response) -> HttpError {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    let body: Option<serde_json::Value> = if is_json { json(response).await.ok() } else { None };
    let field = |name: &str| body.as_ref().and_then(|body| body.get(name));
    match field("code").and_then(|code| serde_json::from_value::<ErrorCode>(code.clone()).ok()) {
        Some(code) => HttpError::Server {
            status,
            code,
            field: field("field").and_then(|name| name.as_str()).map(|name| crate::text::one_line(name, 64)),
            message: crate::text::one_line(
                field("message").and_then(|m| m.as_str()).unwrap_or("The server refused."),
                500,
            ),
            retry_after,
            wrong_claims_left: field("wrong_claims_left")
                .and_then(serde_json::Value::as_u64)
                .and_then(|left| u32::try_from(left).ok()),
        },
        None => HttpError::BadResponse(format!("HTTP {status} without an error body")),
    }
}

fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER).and_then(|value: &HeaderValue| value.to_str().ok()?.parse().ok())
}

/// The largest JSON answer read: a server's largest envelope (64 MiB) in base64url, and room
/// around it. A server cannot make this client read more into memory.
pub const MAX_JSON_BYTES: usize = 96 << 20;

/// Reads a JSON answer of at most [`MAX_JSON_BYTES`].
pub async fn json<T: DeserializeOwned>(mut response: Response) -> Result<T, HttpError> {
    let too_large = || HttpError::BadResponse(format!("an answer over {MAX_JSON_BYTES} bytes"));
    if response.content_length().is_some_and(|length| length > MAX_JSON_BYTES as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(piece) = response.chunk().await.map_err(network)? {
        if bytes.len() + piece.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&piece);
    }
    serde_json::from_slice(&bytes).map_err(|error| HttpError::BadResponse(error.to_string()))
}

/// A transport failure, said without the URL (which may name a file id, never a key, but is
/// noise for people).
pub fn network(error: reqwest::Error) -> HttpError {
    let error = error.without_url();
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        detail = format!("{detail}: {cause}");
        source = cause.source();
    }
    HttpError::Network(detail)
}
