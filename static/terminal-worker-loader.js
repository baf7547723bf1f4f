// Starts the terminal's worker: the wasm-bindgen glue trunk built for it, then its wasm (which
// answers the page's requests; see src/bin/terminal-worker.rs).
importScripts("./terminal-worker.js");
// scripts/csp.sh writes the wasm's hash in at build time: the worker refuses a wasm that differs.
wasm_bindgen({ module_or_path: fetch("./terminal-worker_bg.wasm", { integrity: "{{sha384:terminal-worker_bg.wasm}}" }) });
