// Starts the other screens' page (screens.html): lab-screens.js, the wasm-bindgen glue trunk built
// for src/bin/lab-screens.rs, is loaded just before this and defines `wasm_bindgen`.
// scripts/csp.sh writes the wasm's hash in at build time: the browser refuses a wasm that differs.
wasm_bindgen({ module_or_path: fetch("./lab-screens_bg.wasm", { integrity: "{{sha384:lab-screens_bg.wasm}}" }) });
