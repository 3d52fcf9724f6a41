//! Recording from requests: the [`capture`] middleware around `/api/v1`, which gives each
//! request a [`RequestScope`] (its client, and the account once known) and records refusals in
//! one place; and the [`Audit`] extractor, through which handlers record their events.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{FromRef, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use coffer_shared::id::AccountId;
use tracing::Instrument;

use super::event::Event;
use super::record::{NewEvent, Origin};
use super::refusal::Refusal;
use super::writer::{AuditLog, Sink};
use crate::auth::device;
use crate::clock::Clock;
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::places::Places;
use crate::state::AppState;

/// What the log knows of one request: its client, the account and session acting (once the
/// session cookie or a sign-in step has told), and whether a handler recorded an event.
#[derive(Clone, Default)]
pub struct RequestScope(Arc<Mutex<Scope>>);

#[derive(Default)]
struct Scope {
    origin: Origin,
    account: Option<AccountId>,
    session: Option<String>,
    recorded: bool,
}

impl RequestScope {
    /// A scope for a request from `origin`.
    pub fn new(origin: Origin) -> Self {
        Self(Arc::new(Mutex::new(Scope { origin, ..Scope::default() })))
    }

    /// The scope the middleware gave this request, if it went through it.
    pub fn of(parts: &Parts) -> Option<Self> {
        parts.extensions.get::<Self>().cloned()
    }

    fn lock(&self) -> MutexGuard<'_, Scope> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The request is made by `session` of `account`.
    pub fn signed_in(&self, account: &AccountId, session: &str) {
        let mut scope = self.lock();
        scope.account = Some(account.clone());
        scope.session = Some(session.to_owned());
    }

    /// The request concerns `account` (a sign-in step, a dead session's cookie).
    pub fn identify(&self, account: &AccountId) {
        self.lock().account = Some(account.clone());
    }

    /// Where the request came from.
    pub fn origin(&self) -> Origin {
        self.lock().origin.clone()
    }

    fn actor(&self) -> (Option<AccountId>, Option<String>) {
        let scope = self.lock();
        (scope.account.clone(), scope.session.clone())
    }

    fn mark_recorded(&self) {
        self.lock().recorded = true;
    }

    fn recorded(&self) -> bool {
        self.lock().recorded
    }
}

/// The origin of a request from `ip` with `headers`: the IP, the cleaned `User-Agent` and the
/// IP's place.
pub fn origin(ip: IpAddr, headers: &HeaderMap, places: &dyn Places) -> Origin {
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(device::clean)
        .filter(|agent| !agent.is_empty());
    Origin { ip: Some(ip.to_string()), user_agent, place: places.place(ip) }
}

/// Middleware for `/api/v1`: puts a [`RequestScope`] in the request, and after the handler
/// records the refusal its error stands for, unless the handler recorded something itself.
/// Refusals are capped per client network (`docs/audit.md`, "Refusals, in one place").
pub async fn capture(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> Response {
    // A task of its own: a client that hangs up drops this future, and must not stop a handler
    // between its change's commit and its event's (nor a refusal before its event).
    let task = tokio::spawn(handle(state, ip, request, next).instrument(tracing::Span::current()));
    task.await.unwrap_or_else(|error| ApiError::Internal(format!("request task: {error}")).into_response())
}

async fn handle(state: AppState, ip: IpAddr, mut request: Request, next: Next) -> Response {
    let scope = RequestScope::new(origin(ip, request.headers(), state.places.as_ref()));
    request.extensions_mut().insert(scope.clone());
    let response = next.run(request).await;
    let event = response.extensions().get::<Refusal>().and_then(Refusal::event);
    let Some(event) = event.filter(|_| !scope.recorded()) else { return response };
    if state.audit_refusals.check(ip).await.is_err() {
        tracing::debug!(event = "audit_refusals_suppressed");
        return response;
    }
    let (account, session) = scope.actor();
    let new = NewEvent::new(state.clock.now(), &event, account, session, scope.origin());
    if let Err(error) = state.audit.append(vec![new]).await {
        // The refusal changed nothing; it is answered as it was.
        tracing::error!(event = "audit_write_failed", %error);
    }
    response
}

/// A handler's way to record events (`docs/audit.md`, "Whose event"). Each call waits until its
/// events are committed; a failure is a 500.
pub struct Audit {
    log: Arc<AuditLog>,
    clock: Arc<dyn Clock>,
    scope: RequestScope,
}

impl<S> FromRequestParts<S> for Audit
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let scope = RequestScope::of(parts).unwrap_or_default();
        Ok(Self { log: Arc::clone(&state.audit), clock: Arc::clone(&state.clock), scope })
    }
}

impl Audit {
    /// From now on the request acts for `account` (the passphrase step resolved the address).
    pub fn identify(&self, account: &AccountId) {
        self.scope.identify(account);
    }

    /// From now on the request acts as `session` of `account` (it just started it).
    pub fn signed_in(&self, account: &AccountId, session: &str) {
        self.scope.signed_in(account, session);
    }

    /// Records `event` for the request's account and session.
    pub async fn record(&self, event: Event) -> Result<(), ApiError> {
        self.record_all([event]).await
    }

    /// Records `events` together (one commit), for the request's account and session.
    pub async fn record_all(&self, events: impl IntoIterator<Item = Event>) -> Result<(), ApiError> {
        let (account, session) = self.scope.actor();
        self.write(account, session, events).await
    }

    /// Records `events` for `account` (a share's owner, a session's account), not for the
    /// request's session: someone else's request concerns that account.
    pub async fn record_for(
        &self,
        account: Option<AccountId>,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<(), ApiError> {
        self.write(account, None, events).await
    }

    /// For a change that records its events in its own transaction
    /// ([`crate::store::Store::write_recorded`]): the maker of this request's events and where
    /// they go. The aggregates of repeat windows closed by now are written first, as
    /// [`AuditLog::append`] writes them before an event.
    pub async fn in_transaction(&self) -> Result<(Recorder, Sink), ApiError> {
        let now = self.clock.now();
        self.log.close_windows(now).await?;
        Ok((Recorder { now, scope: self.scope.clone() }, self.log.sink()?))
    }

    async fn write(
        &self,
        account: Option<AccountId>,
        session: Option<String>,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<(), ApiError> {
        self.scope.mark_recorded();
        let now = self.clock.now();
        let origin = self.scope.origin();
        let events = events
            .into_iter()
            .map(|event| NewEvent::new(now, &event, account.clone(), session.clone(), origin.clone()))
            .collect();
        self.log.append(events).await?;
        Ok(())
    }
}

/// Makes a request's events inside the transaction of the change they record.
pub struct Recorder {
    now: u64,
    scope: RequestScope,
}

impl Recorder {
    /// `events` for the request's account and session, as [`Audit::record_all`] records them.
    pub fn own(&self, events: impl IntoIterator<Item = Event>) -> Vec<NewEvent> {
        let (account, session) = self.scope.actor();
        self.make(account, session, events)
    }

    /// `events` for `account`, as [`Audit::record_for`] records them.
    pub fn of(&self, account: Option<AccountId>, events: impl IntoIterator<Item = Event>) -> Vec<NewEvent> {
        self.make(account, None, events)
    }

    fn make(
        &self,
        account: Option<AccountId>,
        session: Option<String>,
        events: impl IntoIterator<Item = Event>,
    ) -> Vec<NewEvent> {
        let origin = self.scope.origin();
        let events: Vec<NewEvent> = events
            .into_iter()
            .map(|event| NewEvent::new(self.now, &event, account.clone(), session.clone(), origin.clone()))
            .collect();
        if !events.is_empty() {
            self.scope.mark_recorded();
        }
        events
    }
}
