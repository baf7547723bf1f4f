//! The world is a few parts with private state (ARCHITECTURE.md, "The world and its four parts"):
//! Rust's privacy keeps each part's fields to itself; these checks keep the shape — no part reaches
//! for the whole world, and the world itself stays small.

use std::path::{Path, PathBuf};

const PARTS: [&str; 4] = ["fleet", "rollout", "supply", "operations"];

fn sources(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_part_names_the_world() {
    for part in PARTS {
        let files = sources(&src().join(part));
        assert!(!files.is_empty(), "the {part} part has no files");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            let named = text.split(|c: char| !c.is_alphanumeric() && c != '_').any(|word| word == "World");
            assert!(!named, "{} names World: a part gets what it needs as arguments", file.display());
        }
    }
}

#[test]
fn the_world_keeps_at_most_twelve_fields() {
    let text = std::fs::read_to_string(src().join("world/mod.rs")).expect("world/mod.rs");
    let body = text
        .split_once("pub struct World {")
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map(|(body, _)| body)
        .expect("world/mod.rs defines `pub struct World { … }`");
    let fields: Vec<&str> =
        body.lines().map(str::trim).filter(|line| !line.starts_with("//") && line.contains(':')).collect();
    assert!(!fields.is_empty(), "no fields found in World");
    assert!(fields.len() <= 12, "World has {} fields; give new state to a part: {fields:#?}", fields.len());
}
