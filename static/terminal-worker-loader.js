// Starts the terminal's worker: the wasm-bindgen glue trunk built for it, then its wasm (which
// answers the page's requests; see src/bin/terminal-worker.rs).
importScripts("./terminal-worker.js");
wasm_bindgen({ module_or_path: "./terminal-worker_bg.wasm" });
