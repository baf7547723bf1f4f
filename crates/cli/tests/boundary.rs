//! The shells read the world only through its views.
//!
//! Lists every call on something named `world` (`world.`, `lab.world.`, `mutable_world.`,
//! `fleet.world().`, also across line breaks) in the page (`src/` at the root) and the CLI
//! (`crates/cli/src/`), and fails naming the file, line and method of each call that is not one of
//! the views or the few basics that drive the world. A textual check: a world bound to a name that
//! does not end in `world` escapes it, so the shells keep that naming.

use std::path::{Path, PathBuf};

use lab_engine::World;

/// The views (`crates/engine/src/views/`), then what creates, drives and fingerprints a world.
const ALLOWED: &[&str] = &[
    "rollout_view",
    "fleet_view",
    "supply_view",
    "operations_view",
    "apply",
    "step",
    "drain_events",
    "now",
    "seed",
    "trace_digest",
    "snapshot",
    "is_settled",
    "clone",
    "check_invariants",
];

/// Names every allowed method as a function of `World`, so renaming one without updating
/// `ALLOWED` does not compile.
#[allow(dead_code)]
fn allowed_methods_exist() {
    let _ = (World::rollout_view, World::fleet_view, World::supply_view, World::operations_view);
    let _ = (World::apply, World::step, World::drain_events, World::now, World::seed);
    let _ = (World::trace_digest, World::snapshot, World::is_settled, World::clone, World::check_invariants);
}

/// One call on a world: where it is and the method called.
#[derive(Debug, PartialEq, Eq)]
struct Call {
    line: usize,
    method: String,
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn skip_space(text: &[u8], mut at: usize) -> usize {
    while at < text.len() && text[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// Every `<name ending in world>[()] . method (` or `.method::<` in `source`.
fn world_calls(source: &str) -> Vec<Call> {
    let text = source.as_bytes();
    let mut calls = Vec::new();
    let mut from = 0;
    while let Some(found) = source[from..].find("world") {
        let end = from + found + "world".len();
        from = end;
        if end < text.len() && is_word(text[end]) {
            continue; // `worlds`, `world_view`: another name
        }
        let mut at = end;
        if text[at..].starts_with(b"()") {
            at += 2;
        }
        at = skip_space(text, at);
        if text.get(at) != Some(&b'.') {
            continue;
        }
        let start = skip_space(text, at + 1);
        let mut stop = start;
        while stop < text.len() && is_word(text[stop]) {
            stop += 1;
        }
        let after = skip_space(text, stop);
        let is_call = text.get(after) == Some(&b'(') || text[after..].starts_with(b"::<");
        if stop > start && is_call && !text[start].is_ascii_digit() {
            let line = source[..start].matches('\n').count() + 1;
            calls.push(Call { line, method: source[start..stop].to_owned() });
        }
    }
    calls
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_shells_read_the_world_only_through_its_views() {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = cli.join("../..").canonicalize().expect("the repository root");
    let cli = root.join("crates/cli");
    let mut files = Vec::new();
    for dir in [root.join("src"), cli.join("src")] {
        rust_files(&dir, &mut files);
    }
    files.sort();
    let mut seen = 0;
    let mut reaching_past = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a readable source file");
        let shown = file.strip_prefix(&root).unwrap_or(file).display().to_string();
        for call in world_calls(&source) {
            seen += 1;
            if !ALLOWED.contains(&call.method.as_str()) {
                reaching_past.push(format!("{shown}:{}: world.{}(…)", call.line, call.method));
            }
        }
    }
    // The page and the CLI read the world in dozens of places; finding none means the scan broke.
    assert!(files.len() > 20 && seen > 50, "scanned {} files and found {seen} calls on a world", files.len());
    assert!(
        reaching_past.is_empty(),
        "the shells must read the world through its views (crates/engine/src/views/) or the basics \
         {ALLOWED:?}; these calls reach past them:\n  {}",
        reaching_past.join("\n  ")
    );
}

#[test]
fn the_scan_finds_calls_across_lines_and_through_fields() {
    let source = "let a = world.rollout_status().aborted;\n\
                  let b = lab.world\n    .registry()\n    .plan(&spec);\n\
                  let c = comparison.mutable_world.history();\n\
                  let d = fleet.world().traffic_weights();\n\
                  let e = world_view.instances(); let f = worlds.len(); let g = world.replicas;\n\
                  let h = world.fleet_view().instances;";
    let found: Vec<(usize, String)> =
        world_calls(source).into_iter().map(|call| (call.line, call.method)).collect();
    let expected =
        [(1, "rollout_status"), (3, "registry"), (5, "history"), (6, "traffic_weights"), (8, "fleet_view")];
    assert_eq!(found, expected.map(|(line, method)| (line, method.to_owned())));
}
