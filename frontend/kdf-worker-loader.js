// Starts Coffer's password worker (frontend/src/bin/kdf-worker.rs). Trunk builds that binary
// with wasm-bindgen's no-modules target under fixed names: kdf-worker.js defines the global
// `wasm_bindgen`, whose init runs the worker's `main`. A file, not a blob, so the worker runs
// under `worker-src 'self'`.
importScripts('./kdf-worker.js');
wasm_bindgen({ module_or_path: './kdf-worker_bg.wasm' });
