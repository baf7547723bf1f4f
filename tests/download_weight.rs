//! Guards against code that makes the page's download heavy out of all proportion to what it does,
//! in the page and in the engine it carries. Parsing text as a float brings core's float parser
//! into the wasm (16 KB gzipped, once, for one attribute), and Unicode case conversion
//! (`to_lowercase`, `to_uppercase`) its case tables (about 9 KB, for ASCII titles and hex digits),
//! so the lab reads numbers as integers and changes case the ASCII way. The size budget would catch
//! both too, but only after a release build, and without saying where.

use std::path::Path;

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// Code that pulls a large part of the standard library into the wasm for little.
const HEAVY: [&str; 6] =
    ["parse::<f64>", "parse::<f32>", "f64::from_str", "f32::from_str", ".to_lowercase()", ".to_uppercase()"];

#[test]
fn the_page_never_parses_a_float_or_changes_case_the_unicode_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("crates/engine/src"), &mut files);
    assert!(files.len() > 50, "found the page's and the engine's sources");
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source is UTF-8");
        for (number, line) in text.lines().enumerate() {
            if HEAVY.iter().any(|p| line.contains(p)) {
                offenders.push(format!("{}:{}: {}", file.display(), number + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "heavy standard-library code in the page:\n{}", offenders.join("\n"));
}
