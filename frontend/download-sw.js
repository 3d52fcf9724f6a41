// Coffer's download service worker. It lets a decrypted file stream to disk instead of being
// assembled in memory: the page sends plaintext pieces over a MessagePort, and this worker
// answers the page's request for /dl/<id> with a stream of them, which the browser saves like
// any download. It does no cryptography and never sees a key; the page decrypts and checks the
// file, and sends 'abort' (the download then fails and the browser deletes the partial file) if
// the check fails.
//
// It is served from /dl/ and registered with scope /dl/ (frontend/src/files/sink.rs): it
// controls no page of the app, and sees no request but those for its own downloads.
'use strict';

// A download's URL: /dl/ and the 22-character id the page made.
const DOWNLOAD = /^\/dl\/([A-Za-z0-9_-]{22})$/;
// id -> { stream, name, size, type }, waiting for the page's request.
const pending = new Map();

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
    const { id, name, size, type } = event.data || {};
    const port = event.ports[0];
    if (typeof id !== 'string' || !port) {
        return;
    }
    let controller;
    let delivered = null;
    const stream = new ReadableStream({
        start(c) {
            controller = c;
        },
        // Ask the page for the next piece and wait for it: back-pressure from the disk.
        pull() {
            return new Promise((resolve) => {
                delivered = resolve;
                port.postMessage('pull');
            });
        },
        cancel() {
            port.postMessage('cancel');
        },
    }, new CountQueuingStrategy({ highWaterMark: 4 }));
    port.onmessage = (message) => {
        const data = message.data;
        if (data === 'end') {
            controller.close();
        } else if (data === 'abort') {
            controller.error(new Error('the file failed its check'));
        } else {
            // The page transfers each piece's buffer: enqueue it as it came, without a copy.
            controller.enqueue(data instanceof Uint8Array ? data : new Uint8Array(data));
        }
        if (delivered) {
            delivered();
            delivered = null;
        }
    };
    pending.set(id, { stream, name, size, type });
    port.postMessage('ready');
});

self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    const match = url.origin === self.location.origin && DOWNLOAD.exec(url.pathname);
    if (!match) {
        return;
    }
    const id = match[1];
    const entry = pending.get(id);
    pending.delete(id);
    if (!entry) {
        event.respondWith(new Response('This download is no longer available.', { status: 404 }));
        return;
    }
    const headers = {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': "attachment; filename*=UTF-8''" + encodeURIComponent(entry.name),
        'Content-Length': String(entry.size),
        'X-Content-Type-Options': 'nosniff',
    };
    event.respondWith(new Response(entry.stream, { headers }));
});
