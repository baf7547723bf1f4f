//! `lab image digest <spec.json>`: an image spec's digest and the digest of each of its layers.

use std::path::PathBuf;

use lab_engine::ImageSpec;
use serde::Serialize;

use crate::terminal::Output;

#[derive(Serialize)]
struct LayerLine {
    layer: lab_engine::LayerKind,
    digest: String,
    size_kb: u32,
    build_ticks: u32,
}

/// The `lab image` commands.
#[derive(clap::Subcommand)]
pub enum Command {
    #[command(
        about = "Print an image spec's digest, size and the digest of each layer",
        after_help = concat!("\
Prints one indented JSON object: digest, size_kb and layers, each with its layer kind,
digest, size_kb and build_ticks. The image digest is the top layer's.

", exit_codes!())
    )]
    Digest {
        /// The image spec: base, packages and app_version (examples/image-spec.json)
        #[arg(value_name = "SPEC.JSON")]
        spec: PathBuf,
    },
}

pub fn main(command: &Command) -> Result<(), String> {
    let Command::Digest { spec: path } = command;
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let path = path.display();
    let spec: ImageSpec = lab_engine::parse_json(&text).map_err(|error| format!("{path}: {error}"))?;
    let layers: Vec<LayerLine> = spec
        .layers()
        .iter()
        .map(|layer| LayerLine {
            layer: layer.kind,
            digest: layer.digest.to_string(),
            size_kb: layer.size_kb,
            build_ticks: layer.build_ticks,
        })
        .collect();
    let report = serde_json::json!({
        "digest": spec.digest().to_string(),
        "size_kb": spec.size_kb(),
        "layers": layers,
    });
    let mut out = Output::new();
    out.json_pretty(&report)?;
    out.finish()
}
