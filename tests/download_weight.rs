//! Guards against code that makes the page's download heavy out of all proportion to what it does.
//! Parsing text as a float brings core's float parser into the wasm (16 KB gzipped, once, for one
//! attribute), so the page reads numbers as integers; the size budget would catch it too, but only
//! after a release build, and without saying where.

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

#[test]
fn the_page_never_parses_a_float() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 20, "found the page's sources");
    let mut offenders = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source is UTF-8");
        for (number, line) in text.lines().enumerate() {
            if ["parse::<f64>", "parse::<f32>", "f64::from_str", "f32::from_str"]
                .iter()
                .any(|p| line.contains(p))
            {
                offenders.push(format!("{}:{}: {}", file.display(), number + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "float parsing in the page:\n{}", offenders.join("\n"));
}
