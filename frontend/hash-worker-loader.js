// Starts Coffer's file-hash worker (frontend/src/bin/hash-worker.rs). Trunk builds that binary
// with wasm-bindgen's no-modules target under fixed names: hash-worker.js defines the global
// `wasm_bindgen`, whose init runs the worker's `main`. A file, not a blob, so the worker runs
// under `worker-src 'self'`.
importScripts('./hash-worker.js');
wasm_bindgen({ module_or_path: './hash-worker_bg.wasm' });
