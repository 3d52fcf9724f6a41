//! The SHA-256 of a file's plaintext as its chunks are sealed or opened (`FileDigest`, the
//! `sha256` of the file's metadata), computed in the file-hash worker (`src/bin/hash-worker.rs`,
//! started by `/hash-worker-loader.js`) so that the page's thread is free for everything else a
//! chunk needs. Small files, and browsers where the worker does not start, hash on the page.
//!
//! The worker answers every piece; at most [`UNANSWERED`] pieces wait for it, so a slow worker
//! slows the transfer instead of piling plaintext up in memory.

use std::collections::VecDeque;

use coffer_shared::crypto::file_meta::FileDigest;
use futures::StreamExt;
use futures::channel::mpsc;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{Event, MessageEvent, Worker};
use zeroize::Zeroizing;

/// `frontend/hash-worker-loader.js`, which starts the `hash-worker` binary.
const WORKER_URL: &str = "/hash-worker-loader.js";
/// Files up to this size hash on the page: starting the worker costs more than it saves.
const WORKER_FROM: u64 = 8 << 20;
/// Pieces the worker may hold before [`PlainDigest::update`] waits for it.
const UNANSWERED: usize = 4;
/// How long the worker may take to load before the page hashes by itself.
const READY_TIMEOUT_MS: u32 = 10_000;

/// The worker stopped or answered nonsense: the digest is lost (should not happen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestError;

/// A file's plaintext digest in progress.
pub struct PlainDigest {
    size: u64,
    place: Place,
}

enum Place {
    Here(FileDigest),
    Worker(HashWorker),
}

impl PlainDigest {
    /// Starts a digest for a file of `size` bytes: in a worker when the file is large and one
    /// starts, else on the page.
    pub async fn start(size: u64) -> Self {
        let place = match size > WORKER_FROM {
            true => HashWorker::start().await.map_or_else(|| Place::Here(FileDigest::new()), Place::Worker),
            false => Place::Here(FileDigest::new()),
        };
        Self { size: 0, place }
    }

    /// Adds the next plaintext bytes; waits while the worker is [`UNANSWERED`] pieces behind.
    pub async fn update(&mut self, plaintext: &[u8]) -> Result<(), DigestError> {
        self.size += plaintext.len() as u64;
        match &mut self.place {
            Place::Here(digest) => {
                digest.update(plaintext);
                Ok(())
            }
            Place::Worker(worker) => worker.update(plaintext).await,
        }
    }

    /// [`PlainDigest::update`] for plaintext in JavaScript memory (an opened chunk): it goes to
    /// the worker from there, without passing through WASM memory. The caller keeps `plaintext`.
    pub async fn update_js(&mut self, plaintext: &Uint8Array) -> Result<(), DigestError> {
        self.size += u64::from(plaintext.length());
        match &mut self.place {
            Place::Here(digest) => {
                digest.update(&Zeroizing::new(plaintext.to_vec()));
                Ok(())
            }
            Place::Worker(worker) => {
                let len = plaintext.length() as usize;
                worker.post(len, |spare| spare.set(plaintext, 0), || Uint8Array::new(plaintext)).await
            }
        }
    }

    /// The byte count and the lower-case hex SHA-256 of everything added.
    pub async fn finish(self) -> Result<(u64, String), DigestError> {
        let hex = match self.place {
            Place::Here(digest) => digest.finish_hex(),
            Place::Worker(mut worker) => worker.finish().await?,
        };
        Ok((self.size, hex))
    }
}

/// A running file-hash worker and its answers, in order. Terminated when dropped.
struct HashWorker {
    worker: Worker,
    answers: mpsc::UnboundedReceiver<Option<JsValue>>,
    /// The byte total the worker must answer each posted piece with, oldest first: a piece lost
    /// or hashed twice shows as a wrong total.
    unanswered: VecDeque<u64>,
    /// Bytes posted so far.
    posted: u64,
    /// Buffers the worker gave back, zeroed, to be filled again.
    spare: Vec<Uint8Array>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Drop for HashWorker {
    fn drop(&mut self) {
        // The handlers' closures are freed with this struct: nothing may call them after.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
    }
}

impl HashWorker {
    /// Starts the worker and waits for its `"ready"`; `None` if it does not come in time.
    async fn start() -> Option<Self> {
        let worker = Worker::new(WORKER_URL).ok()?;
        let (send, answers) = mpsc::unbounded();
        let on_error_send = send.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let _ = send.unbounded_send(Some(event.data()));
        });
        // A worker error or an answer that could not be read ends the digest.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            let _ = on_error_send.unbounded_send(None);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let mut started = Self {
            worker,
            answers,
            unanswered: VecDeque::new(),
            posted: 0,
            spare: Vec::new(),
            _on_message: on_message,
            _on_error: on_error,
        };
        let ready = std::pin::pin!(started.answers.next());
        let timeout = std::pin::pin!(super::sleep_ms(READY_TIMEOUT_MS));
        match futures::future::select(ready, timeout).await {
            futures::future::Either::Left((Some(Some(answer)), _))
                if answer.as_string().as_deref() == Some("ready") =>
            {
                Some(started)
            }
            _ => None,
        }
    }

    async fn update(&mut self, plaintext: &[u8]) -> Result<(), DigestError> {
        self.post(plaintext.len(), |spare| spare.copy_from(plaintext), || Uint8Array::from(plaintext)).await
    }

    /// Posts a JS copy of a piece of `len` bytes, whose buffer the transfer hands to the worker
    /// (none stays on the page): a spare buffer of that length filled by `fill`, or else `copy`.
    async fn post(
        &mut self,
        len: usize,
        fill: impl FnOnce(&Uint8Array),
        copy: impl FnOnce() -> Uint8Array,
    ) -> Result<(), DigestError> {
        while self.unanswered.len() >= UNANSWERED {
            self.count_answer().await?;
        }
        let piece = match self.spare.pop() {
            Some(spare) if spare.length() as usize == len => {
                fill(&spare);
                spare
            }
            _ => copy(),
        };
        if self.worker.post_message_with_transfer(&piece, &Array::of1(&piece.buffer())).is_err() {
            piece.fill(0, 0, piece.length());
            return Err(DigestError);
        }
        self.posted += len as u64;
        self.unanswered.push_back(self.posted);
        Ok(())
    }

    async fn finish(&mut self) -> Result<String, DigestError> {
        while !self.unanswered.is_empty() {
            self.count_answer().await?;
        }
        self.worker.post_message(&JsValue::from_str("finish")).map_err(|_| DigestError)?;
        let hex =
            self.answers.next().await.flatten().and_then(|answer| answer.as_string()).ok_or(DigestError)?;
        let valid =
            hex.len() == 64 && hex.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        if valid { Ok(hex) } else { Err(DigestError) }
    }

    /// Takes the answer to the oldest piece: the worker's count of bytes hashed so far, which
    /// must be the total posted up to that piece, and the piece's buffer back.
    async fn count_answer(&mut self) -> Result<(), DigestError> {
        let answer = self.answers.next().await.flatten().ok_or(DigestError)?;
        let expected = self.unanswered.pop_front().ok_or(DigestError)?;
        let answer: &Array = answer.dyn_ref().ok_or(DigestError)?;
        if answer.get(0).as_f64() != Some(expected as f64) {
            return Err(DigestError);
        }
        if let Ok(buffer) = answer.get(1).dyn_into::<Uint8Array>() {
            self.spare.push(buffer);
        }
        Ok(())
    }
}
