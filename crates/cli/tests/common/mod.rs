//! What the CLI tests share: running `lab`, the files they read and write, and what a
//! terminal would act on.

// Each test file uses the helpers it needs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn lab(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lab")).args(arguments).output().expect("lab runs")
}

pub fn demo() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo.json");
    root.to_string_lossy().into_owned()
}

pub fn last_line(output: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.lines().last().expect("a trace has lines")).expect("lines are JSON")
}

/// Writes `text` to a fresh file in the target directory and returns its path.
pub fn scratch_file(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch file written");
    path.to_string_lossy().into_owned()
}

pub fn lesson_01() -> (String, serde_json::Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons/01-thirty-snowflakes.json");
    let lesson = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path.to_string_lossy().into_owned(), lesson)
}

/// The demo scenario with `change` applied, written to a scratch file.
pub fn demo_with(name: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    change(&mut scenario);
    scratch_file(name, &scenario.to_string())
}

/// What a terminal would act on instead of showing: C0 (newlines aside), DEL, C1, bidi overrides.
pub fn raw_controls(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// Escape sequences, a carriage return that overwrites the line, C1 and a right-to-left override.
pub const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}\rPASSED \u{9b}31m\u{202e}";
