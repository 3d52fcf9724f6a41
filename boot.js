// Coffer's WASM loader, served as a file so the page runs under a CSP without
// 'unsafe-inline'. Trunk.toml's pattern_script puts the hashed file names in
// <meta name="coffer-app" data-js=... data-wasm=...>; its preload links carry SRI.
const meta = document.querySelector('meta[name="coffer-app"]');
if (!meta) {
    throw new Error('coffer: loader metadata missing');
}
const { default: init } = await import(meta.dataset.js);
await init({ module_or_path: meta.dataset.wasm });
