//! Records the optimisation level the CLI is built with, so `lab bench` can say which build its
//! figures come from (Cargo tells build scripts the level, not the profile's name).
fn main() {
    let level = std::env::var("OPT_LEVEL").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=LAB_OPT_LEVEL={level}");
    println!("cargo:rerun-if-env-changed=OPT_LEVEL");
}
