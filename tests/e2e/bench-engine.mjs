// Engine benchmark (not a test): the same workload — `lab_engine::BusyFleet`, a fleet always in
// the middle of a rolling update — timed natively by `lab bench` and as WebAssembly in Chromium,
// built with the page's own settings (the release profile and the page's wasm-opt flags), and the
// ratio of the two. Prints one line per fleet size and a JSON line for the record.
//
// Usage: node bench-engine.mjs [fleet sizes…]   (default 1000 10000)
// Needs: LAB_BIN (the native CLI; its JSON says which opt-level it was built with),
//        LAB_BENCH_WASM (crates/bench-wasm built with --release for wasm32-unknown-unknown),
//        LAB_WASM_OPT (optional: wasm-opt, to apply the page's flags as trunk does).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const labBin = process.env.LAB_BIN || path.join(root, 'target/fast/lab');
const built = process.env.LAB_BENCH_WASM || path.join(root, 'target/wasm32-unknown-unknown/release/lab_bench_wasm.wasm');
const sizes = (process.argv.slice(2).length ? process.argv.slice(2) : ['1000', '10000']).map(Number);
// Enough instance-ticks per size for a stable figure within a few seconds per side.
const ticksFor = (instances) => Math.max(20, Math.round(4_000_000 / instances));
const WARM_UP_TICKS = 20; // as `lab bench`: the reused buffers are filled before timing

let wasm = built;
if (process.env.LAB_WASM_OPT) {
  // index.html's rust link: data-wasm-opt="z" with these parameters.
  wasm = path.join(mkdtempSync(path.join(tmpdir(), 'lab-bench-')), 'opt.wasm');
  execFileSync(process.env.LAB_WASM_OPT, [built, '-Oz', '--converge', '--strip-producers',
    '--low-memory-unused', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '-o', wasm]);
}
const bytes = [...readFileSync(wasm)];

const browser = await chromium.launch({
  executablePath: process.env.LAB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
const results = [];
for (const instances of sizes) {
  const ticks = ticksFor(instances);
  const native = JSON.parse(execFileSync(labBin, ['bench', '--instances', String(instances), '--ticks', String(ticks)], { encoding: 'utf8' }).trim().split('\n').pop());
  const browserRun = await page.evaluate(async ({ bytes, instances, ticks, warmUp }) => {
    const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes));
    const engine = instance.exports;
    engine.busy_fleet_new(instances);
    engine.busy_fleet_steps(warmUp);
    const started = performance.now();
    const digest = engine.busy_fleet_steps(ticks);
    const elapsed = performance.now() - started;
    return { elapsedMs: elapsed, digest: (digest >>> 0).toString(16).padStart(8, '0') };
  }, { bytes, instances, ticks, warmUp: WARM_UP_TICKS });
  const wasmNs = (browserRun.elapsedMs * 1e6) / (instances * ticks);
  const result = {
    instances,
    ticks,
    native_ns_per_instance_tick: native.ns_per_instance_tick,
    native_opt_level: native.opt_level,
    wasm_ns_per_instance_tick: +wasmNs.toFixed(2),
    wasm_over_native: +(wasmNs / native.ns_per_instance_tick).toFixed(2),
    // Same seed and workload: the two runs must end on the same trace.
    same_trace: native.trace_digest.replace('sha256:', '').startsWith(browserRun.digest),
  };
  results.push(result);
  console.log(`engine, ${instances} instances × ${ticks} ticks: native ${result.native_ns_per_instance_tick} ns (opt-level ${result.native_opt_level}), `
    + `wasm in Chromium ${result.wasm_ns_per_instance_tick} ns (page profile) per instance-tick: wasm/native ${result.wasm_over_native}×`
    + (result.same_trace ? '' : '  (TRACES DIFFER: not the same work)'));
}
console.log(JSON.stringify({ bench: 'engine', results }));
await browser.close();
