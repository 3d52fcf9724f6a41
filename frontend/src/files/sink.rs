//! Where a decrypted file goes: to disk as it decrypts, through the download service worker
//! (`download-sw.js`), or into an in-memory `Blob` for small files, previews and browsers
//! without service workers.
//!
//! The worker lives at `/dl/download-sw.js` and is registered with scope `/dl/`, its own folder,
//! and downloads go through `/dl/<id>`: it controls no page of the app (a worker that did could
//! see and answer every request those pages make). [`forget_old_worker`] removes the
//! registration of older versions, whose scope was the whole site.

use futures::StreamExt;
use futures::channel::mpsc;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, MessageChannel, MessageEvent, MessagePort, ServiceWorker,
    ServiceWorkerRegistration,
};

/// Files up to this size are assembled in memory even when streaming is possible: one request
/// less to set up, and a Blob can be previewed.
pub const MEMORY_LIMIT: u64 = 32 << 20;
/// The download service worker's script (copied to `dist/dl/` by trunk).
const WORKER_URL: &str = "/dl/download-sw.js";
/// The worker's scope: its own folder, where only downloads are requested.
const WORKER_SCOPE: &str = "/dl/";

/// The sink could not be set up, or the browser stopped taking the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkError;

/// A destination for plaintext pieces, in order.
pub enum Sink {
    /// Collected in memory, then handed out as a Blob.
    Memory {
        /// The pieces so far (copies in JS memory).
        parts: Array,
        /// The MIME type of the Blob.
        mime_type: String,
    },
    /// Streamed to the browser's downloads through the service worker.
    Stream(StreamSink),
}

impl Sink {
    /// An in-memory sink.
    pub fn memory(mime_type: &str) -> Self {
        Sink::Memory { parts: Array::new(), mime_type: mime_type.to_owned() }
    }

    /// A streaming sink when the file is large and the browser can stream, else a memory one.
    pub async fn for_download(name: &str, size: u64, mime_type: &str) -> Self {
        if size > MEMORY_LIMIT
            && let Ok(stream) = StreamSink::open(name, size).await
        {
            return Sink::Stream(stream);
        }
        Sink::memory(mime_type)
    }

    /// Whether the file is being saved by the browser as it arrives.
    pub fn is_streaming(&self) -> bool {
        matches!(self, Sink::Stream(_))
    }

    /// Appends a piece, which the sink takes: a memory sink keeps it, a stream hands its buffer
    /// to the service worker (so it must be a buffer of its own, not a view into a larger one).
    pub async fn write(&mut self, piece: Uint8Array) -> Result<(), SinkError> {
        match self {
            Sink::Memory { parts, .. } => {
                parts.push(&piece);
                Ok(())
            }
            Sink::Stream(stream) => stream.write(piece).await,
        }
    }

    /// Ends the file: the Blob of a memory sink, `None` once a stream is complete.
    pub fn close(self) -> Result<Option<Blob>, SinkError> {
        match self {
            Sink::Memory { parts, mime_type } => {
                let options = BlobPropertyBag::new();
                options.set_type(&mime_type);
                // The Blob copies its parts as it is made: the pieces can be emptied at once.
                let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options);
                empty(&parts);
                blob.map(Some).map_err(|_| SinkError)
            }
            Sink::Stream(stream) => {
                stream.port.post_message(&JsValue::from_str("end")).map_err(|_| SinkError)?;
                Ok(None)
            }
        }
    }

    /// Abandons the file: a stream's download fails and the browser deletes the partial file;
    /// a memory sink's pieces are emptied.
    pub fn abort(self) {
        match self {
            Sink::Memory { parts, .. } => empty(&parts),
            Sink::Stream(stream) => {
                let _ = stream.port.post_message(&JsValue::from_str("abort"));
            }
        }
    }
}

/// A download the service worker streams to disk.
pub struct StreamSink {
    port: MessagePort,
    messages: mpsc::UnboundedReceiver<String>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl StreamSink {
    /// Registers the worker (once), hands it a channel and starts the browser's download.
    async fn open(name: &str, size: u64) -> Result<Self, SinkError> {
        let container = container().ok_or(SinkError)?;
        let options = web_sys::RegistrationOptions::new();
        options.set_scope(WORKER_SCOPE);
        let registration: ServiceWorkerRegistration =
            JsFuture::from(container.register_with_options(WORKER_URL, &options))
                .await
                .map_err(|_| SinkError)?
                .unchecked_into();
        let worker = active_worker(&registration).await?;

        let channel = MessageChannel::new().map_err(|_| SinkError)?;
        let (sender, mut messages) = mpsc::unbounded();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                let _ = sender.unbounded_send(text);
            }
        });
        channel.port1().set_onmessage(Some(on_message.as_ref().unchecked_ref()));

        let id = coffer_shared::b64::encode(coffer_shared::crypto::random_array::<16>());
        let request = Object::new();
        for (field, value) in
            [("id", JsValue::from_str(&id)), ("name", name.into()), ("size", (size as f64).into())]
        {
            Reflect::set(&request, &field.into(), &value).map_err(|_| SinkError)?;
        }
        worker
            .post_message_with_transferable(&request, &Array::of1(&channel.port2()))
            .map_err(|_| SinkError)?;
        if messages.next().await.as_deref() != Some("ready") {
            return Err(SinkError);
        }
        start_download(&format!("{WORKER_SCOPE}{id}"))?;
        Ok(Self { port: channel.port1(), messages, _on_message: on_message })
    }

    /// Sends one piece once the worker asks for it (back-pressure from the disk).
    /// A piece that cannot be sent is emptied: it stays with the page.
    async fn write(&mut self, piece: Uint8Array) -> Result<(), SinkError> {
        let asked = loop {
            match self.messages.next().await.as_deref() {
                Some("pull") => break true,
                Some("ready") => continue,
                _ => break false, // "cancel" (the user stopped the download) or gone
            }
        };
        if asked && self.port.post_message_with_transferable(&piece, &Array::of1(&piece.buffer())).is_ok() {
            return Ok(());
        }
        piece.fill(0, 0, piece.length());
        Err(SinkError)
    }
}

/// Overwrites the pieces of a memory sink with zeros.
fn empty(parts: &Array) {
    for part in parts.iter() {
        let part: Uint8Array = part.unchecked_into();
        part.fill(0, 0, part.length());
    }
}

/// The page's service worker container, if the browser has one (only in a secure context).
fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    Reflect::has(&navigator, &"serviceWorker".into()).ok()?.then(|| navigator.service_worker())
}

/// The registration's active worker, once it has one. `container.ready` cannot tell: it waits
/// for a worker whose scope holds this page, and no worker's does.
async fn active_worker(registration: &ServiceWorkerRegistration) -> Result<ServiceWorker, SinkError> {
    // installing -> installed -> activating -> activated: a few state changes at most.
    for _ in 0..8 {
        if let Some(active) = registration.active() {
            return Ok(active);
        }
        let pending = registration.installing().or_else(|| registration.waiting()).ok_or(SinkError)?;
        let changed = js_sys::Promise::new(&mut |resolve, _| pending.set_onstatechange(Some(&resolve)));
        let _ = JsFuture::from(changed).await;
        pending.set_onstatechange(None);
        if pending.state() == web_sys::ServiceWorkerState::Redundant {
            return Err(SinkError);
        }
    }
    Err(SinkError)
}

/// Unregisters the download worker of older versions, registered for the whole site (scope
/// `/`): it controlled every page of the app. Best effort, once at start.
pub async fn forget_old_worker() {
    let Some(container) = container() else { return };
    let Some(origin) = web_sys::window().and_then(|window| window.location().origin().ok()) else { return };
    let Ok(list) = JsFuture::from(container.get_registrations()).await else { return };
    for registration in Array::from(&list).iter() {
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        if registration.scope() == format!("{origin}/")
            && let Ok(done) = registration.unregister()
        {
            let _ = JsFuture::from(done).await;
        }
    }
}

/// Requests `url` in a hidden frame; the worker answers it as an attachment, so the browser
/// saves it without the page navigating away.
fn start_download(url: &str) -> Result<(), SinkError> {
    let document = web_sys::window().and_then(|window| window.document()).ok_or(SinkError)?;
    let frame = document.create_element("iframe").map_err(|_| SinkError)?;
    frame.set_attribute("hidden", "").map_err(|_| SinkError)?;
    frame.set_attribute("src", url).map_err(|_| SinkError)?;
    document.body().ok_or(SinkError)?.append_child(&frame).map_err(|_| SinkError)?;
    Ok(())
}

/// Hands a Blob to the browser as a download named `name`.
pub fn save_blob(blob: &Blob, name: &str) -> Result<(), SinkError> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| SinkError)?;
    let document = web_sys::window().and_then(|window| window.document()).ok_or(SinkError)?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| SinkError)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click has started the download; the URL can go once the browser has read it.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = web_sys::window()
        .ok_or(SinkError)?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}
