// Coffer's WASM loader, served as a file so the page runs under a CSP without
// 'unsafe-inline'. It starts one of the two apps (frontend/src/lib.rs):
// - the visitor's app (create and reveal) on / and /s/<id> when this browser has no session
//   hint (frontend/src/session.rs): a small first load for people who are not signed in;
// - the whole app everywhere else. The visitor's app reloads the page to reach any other
//   address, and this file then starts the whole app.
// Trunk.toml's pattern_script puts the visitor's app's hashed file names in
// <meta name="coffer-app" data-js=... data-wasm=...>; the whole app has fixed names.
const meta = document.querySelector('meta[name="coffer-app"]');
if (!meta) {
    throw new Error('coffer: loader metadata missing');
}
const visitorPage = location.pathname === '/' || /^\/s\/[^/]+$/.test(location.pathname);
let signedIn = false;
try {
    signedIn = localStorage.getItem('coffer-session-hint') !== null;
} catch {
    // Storage refused (a privacy setting): no hint can be kept, so no session is remembered.
}
const [js, wasm] = visitorPage && !signedIn
    ? [meta.dataset.js, meta.dataset.wasm]
    : ['/coffer-frontend.js', '/coffer-frontend_bg.wasm'];
const { default: init } = await import(js);
await init({ module_or_path: wasm });
