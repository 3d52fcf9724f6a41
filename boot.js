// Coffer's WASM loader, served as a file so the page runs under a CSP without
// 'unsafe-inline'. It starts one of the two apps (frontend/src/lib.rs):
// - the visitor's app (create and reveal) on / and /s/<id> when this browser has no session
//   hint (frontend/src/session.rs): a small first load for people who are not signed in;
// - the whole app everywhere else. The visitor's app reloads the page to reach any other
//   address, and this file then starts the whole app.
// <meta name="coffer-app"> names both apps' files, each named after its content: data-js and
// data-wasm (the visitor's, from Trunk.toml's pattern_script), data-whole-js and
// data-whole-wasm (the whole app's, from scripts/hash-app.sh).
const meta = document.querySelector('meta[name="coffer-app"]');
if (!meta || !meta.dataset.wholeJs) {
    throw new Error('coffer: loader metadata missing');
}
const sessionHint = () => {
    try {
        return localStorage.getItem('coffer-session-hint') !== null;
    } catch {
        // Storage refused (a privacy setting): no hint can be kept, so no session is remembered.
        return false;
    }
};
const visitorPage = location.pathname === '/' || /^\/s\/[^/]+\/?$/.test(location.pathname);
const visitor = visitorPage && !sessionHint();
if (visitor) {
    // The visitor's app knows no sessions. A page brought back by the Back button after signing
    // in starts again with the whole app. A page left open while another tab signs in is not
    // reloaded: it may show a secret whose last view is spent.
    addEventListener('pageshow', (event) => {
        if (event.persisted && sessionHint()) location.reload();
    });
}
const [js, wasm] = visitor
    ? [meta.dataset.js, meta.dataset.wasm]
    : [meta.dataset.wholeJs, meta.dataset.wholeWasm];
const { default: init } = await import(js);
await init({ module_or_path: wasm });
