// Starts the other screens' page (screens.html): lab-screens.js, the wasm-bindgen glue trunk built
// for src/bin/lab-screens.rs, is loaded just before this and defines `wasm_bindgen`.
wasm_bindgen({ module_or_path: "./lab-screens_bg.wasm" });
