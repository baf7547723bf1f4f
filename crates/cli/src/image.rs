//! `lab image digest <spec.json>`: an image spec's digest and the digest of each of its layers.

use lab_engine::ImageSpec;
use serde::Serialize;

use crate::args::Args;
use crate::terminal::Output;

#[derive(Serialize)]
struct LayerLine {
    layer: lab_engine::LayerKind,
    digest: String,
    size_kb: u32,
    build_ticks: u32,
}

pub fn main(arguments: &[String]) -> Result<(), String> {
    let usage = "usage: lab image digest <spec.json>";
    let args = Args::parse(arguments, &[])?;
    let [verb, path] = args.positional.as_slice() else {
        return Err(usage.into());
    };
    if verb != "digest" {
        return Err(format!("unknown image command `{verb}`; {usage}"));
    }
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))?;
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
