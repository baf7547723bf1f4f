// Says so when the page cannot start, instead of "loading…" for ever: its code did not arrive
// intact (the wasm's integrity hash did not match), the download failed, or the browser cannot run
// WebAssembly. A classic script, so it runs before the deferred module loader. The app removes
// #boot as it starts; once it has, this has nothing left to say.
(function () {
  function cannotStart() {
    var boot = document.getElementById('boot');
    if (!boot || !boot.firstElementChild) return;
    boot.setAttribute('role', 'alert');
    boot.firstElementChild.className = ''; // not muted: this is the page's one message now
    boot.firstElementChild.textContent =
      'The lab could not start: its code did not download intact, or this browser cannot run ' +
      'WebAssembly. Reload the page to try again.';
  }
  window.addEventListener('error', cannotStart);
  window.addEventListener('unhandledrejection', cannotStart);
})();
