//! `docker build`: the lab's Dockerfile built for the typed build-args, in BuildKit's plain
//! progress (`moby/buildkit` `progressui/printer.go`), each of the lab's layers a step, `CACHED`
//! when the registry already holds it.

use lab_engine::registry::LATEST;
use lab_engine::{Command, Digest, ImageRef, ImageSpec, LAYER_COUNT, World, tag_for_version};

use super::{BUILD_ARGS, BUILD_USAGE, Flags, NameError, Named, flag_error, only_web, parse_reference, print};
use crate::names::NAME;
use crate::words::shown;
use crate::{Act, Output, Reply, Tool};

pub(super) fn build(world: &World, words: &[&str]) -> Reply {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return print(BUILD_USAGE);
    }
    let flags = match Flags::read(
        words,
        &[
            ("tag", "-t"),
            ("tag", "--tag"),
            ("build-arg", "--build-arg"),
            ("file", "-f"),
            ("file", "--file"),
            ("progress", "--progress"),
        ],
        &[("quiet", "-q"), ("quiet", "--quiet"), ("no-cache", "--no-cache"), ("pull", "--pull")],
    ) {
        Ok(flags) => flags,
        Err(error) => return flag_error(&error, "docker buildx build"),
    };
    let fail = |text: String| Reply::Print(Output::error(text));
    let [context] = flags.positional.as_slice() else {
        return fail(format!(
            "ERROR: \"docker buildx build\" requires exactly 1 argument.\nSee 'docker buildx build --help'.\n\n{BUILD_USAGE}hint: the lab builds from the current directory: docker build -t {NAME}:<tag> .\n"
        ));
    };
    if !matches!(*context, "." | "./") {
        return fail(format!(
            "ERROR: unable to prepare context: path \"{}\" not found\nhint: the lab's build context is the current directory: docker build -t {NAME}:<tag> .\n",
            shown(context)
        ));
    }
    if let Some(file) = flags.last("file").filter(|file| !matches!(*file, "Dockerfile" | "./Dockerfile")) {
        return fail(format!(
            "ERROR: failed to solve: failed to read dockerfile: open {}: no such file or directory\n",
            shown(file)
        ));
    }
    // Tags to name the build, in the order given, each once.
    let mut requested: Vec<String> = Vec::new();
    for typed in flags.all("tag") {
        match parse_reference(typed) {
            Ok(Named::Tag(tag)) => {
                if !requested.contains(&tag) {
                    requested.push(tag);
                }
            }
            Ok(Named::Digest(_)) | Err(NameError::Format) => {
                return fail(format!("ERROR: invalid tag \"{}\": invalid reference format\n", shown(typed)));
            }
            Err(NameError::Repository) => return fail(format!("ERROR: {}", only_web(typed))),
        }
    }
    let supply = world.supply_view();
    let Some(current) = supply.image(world.rollout_view().target.image) else {
        return fail(
            "ERROR: failed to solve: the image the fleet runs is no longer in the registry\n".to_owned(),
        );
    };
    let mut spec = current.spec.clone();
    for argument in flags.all("build-arg") {
        match argument.split_once('=') {
            Some(("APP_VERSION", version)) => {
                if version != spec.app_version {
                    // The exercise defects (a broken build, errors, latency, crashes) live in the
                    // application's code: a new application version is new code and ships without
                    // them, so a fix can be built from a bad release.
                    spec.broken = false;
                    spec.error_rate_per_mille = 0;
                    spec.added_latency_ms = 0;
                    spec.crash_after_ticks = 0;
                }
                version.clone_into(&mut spec.app_version);
            }
            Some(("BASE", base)) => base.clone_into(&mut spec.base),
            Some((name, _)) => {
                return fail(format!(
                    "[Warning] One or more build-args [{}] were not consumed\nERROR: the lab's Dockerfile declares ARG {} only\n",
                    shown(name),
                    BUILD_ARGS.join(" and ARG ")
                ));
            }
            None => {
                return fail(format!(
                    "ERROR: build-arg {} has no value; the lab takes --build-arg APP_VERSION=<version> and --build-arg BASE=<base>\n",
                    shown(argument)
                ));
            }
        }
    }
    if let Err(error) = spec.validate() {
        return fail(format!("ERROR: failed to solve: {error}\n"));
    }
    let plan = supply.plan(&spec);
    let digest = plan.digest;
    // The engine names every build `v<APP_VERSION>` (and `latest`, unless tags are immutable);
    // other tags asked for are set after the build.
    let mut defaults = vec![tag_for_version(&spec.app_version)];
    if !supply.immutable_tags {
        defaults.push(LATEST.to_owned());
    }
    let extra: Vec<String> = requested.iter().filter(|tag| !defaults.contains(tag)).cloned().collect();
    let mut names = requested.clone();
    names.extend(defaults.iter().filter(|tag| !requested.contains(tag)).cloned());
    let done = if flags.on("quiet") {
        format!("sha256:{}\n", digest.hex())
    } else {
        let cached = if flags.on("no-cache") { [false; LAYER_COUNT] } else { plan.cached };
        progress(&spec, cached, digest, &names)
    };
    let mut commands = vec![Command::BuildImage(spec)];
    commands.extend(extra.into_iter().map(|tag| Command::Tag { tag, image: ImageRef::digest(digest) }));
    Act::new(Tool::Docker, commands, done)
}

/// BuildKit's plain progress for a build of `spec`: the front end's vertices, one vertex per lab
/// layer (`CACHED`, or `DONE` after a time drawn from the layer's build cost), and the export.
fn progress(spec: &ImageSpec, cached: [bool; LAYER_COUNT], digest: Digest, names: &[String]) -> String {
    let dockerfile = lab_engine::export::dockerfile(spec);
    let steps = steps(&dockerfile);
    let from = steps.first().map_or_else(String::new, |step| step.trim_start_matches("FROM ").to_owned());
    let layers = spec.layers();
    let mut vertices: Vec<Vec<String>> = vec![
        vec![
            "[internal] load build definition from Dockerfile".to_owned(),
            format!("transferring dockerfile: {} done", transfer_size(dockerfile.len() as u64)),
            "DONE 0.0s".to_owned(),
        ],
        vec![
            format!("[internal] load metadata for {from}"),
            format!("DONE {}", seconds(0, layers[0].digest)),
        ],
        vec![
            "[internal] load .dockerignore".to_owned(),
            "transferring context: 2B done".to_owned(),
            "DONE 0.0s".to_owned(),
        ],
    ];
    let mut built = 0u32;
    for (index, layer) in layers.iter().enumerate() {
        let step = steps.get(index).cloned().unwrap_or_else(|| "RUN true".to_owned());
        let ending = if cached.get(index).copied().unwrap_or(false) {
            "CACHED".to_owned()
        } else {
            built += 1;
            // A tick is a second: each layer takes a little under its build cost, so the build's
            // vertices never add up to more than the lab's build time.
            format!("DONE {}", seconds(layer.build_ticks.saturating_sub(1), layer.digest))
        };
        vertices.push(vec![format!("[{}/{LAYER_COUNT}] {step}", index + 1), ending]);
    }
    let export = if built == 0 { "0.0s".to_owned() } else { format!("0.{built}s") };
    let mut export_lines = vec![
        "exporting to image".to_owned(),
        if built == 0 {
            "exporting layers done".to_owned()
        } else {
            format!("exporting layers {export} done")
        },
        format!("writing image sha256:{} done", digest.hex()),
    ];
    export_lines.extend(names.iter().map(|tag| format!("naming to docker.io/library/{NAME}:{tag} done")));
    export_lines.push(format!("DONE {export}"));
    vertices.push(export_lines);
    let mut text = String::from("#0 building with \"default\" instance using docker driver\n");
    for (number, lines) in vertices.iter().enumerate() {
        text.push('\n');
        for line in lines {
            text.push_str(&format!("#{} {line}\n", number + 1));
        }
    }
    text
}

/// `whole` seconds and a tenth drawn from `digest`, BuildKit's `%.1fs`.
fn seconds(whole: u32, digest: Digest) -> String {
    let tenth = digest.as_bytes().first().map_or(1, |byte| byte % 9 + 1);
    format!("{whole}.{tenth}s")
}

/// A transfer's size as BuildKit's progress prints it (`2B`, `1.02kB`).
fn transfer_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes}B");
    }
    let mut scale = 1000u64;
    let mut unit = 0;
    while unit + 1 < UNITS.len() && bytes >= scale.saturating_mul(1000) {
        scale = scale.saturating_mul(1000);
        unit += 1;
    }
    let hundredths = (bytes.saturating_mul(100) + scale / 2) / scale;
    format!("{}.{:02}{}", hundredths / 100, hundredths % 100, UNITS.get(unit).copied().unwrap_or("kB"))
}

/// The step each lab layer shows, read from the final stage of the lab's Dockerfile for the spec:
/// the stage's `FROM` (normalised as BuildKit prints it), then, for each later layer's group of
/// instructions, its last `RUN` or `COPY` (the one that makes the layer), else its first
/// instruction, else a no-op for an empty layer.
fn steps(dockerfile: &str) -> Vec<String> {
    let final_stage = dockerfile.rfind("\nFROM ").map_or(dockerfile, |at| &dockerfile[at + 1..]);
    // Instructions by layer, a continuation line joined onto its instruction.
    let mut groups: Vec<Vec<String>> = vec![Vec::new()];
    let mut pending: Option<String> = None;
    for line in final_stage.lines() {
        let trimmed = line.trim();
        if pending.is_none() && trimmed.starts_with("# Layer ") && trimmed.get(8..9).is_some_and(|d| d != "1")
        {
            groups.push(Vec::new());
            continue;
        }
        if pending.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let (part, continues) = match trimmed.strip_suffix('\\') {
            Some(part) => (part.trim_end(), true),
            None => (trimmed, false),
        };
        let joined = match pending.take() {
            Some(mut text) => {
                text.push(' ');
                text.push_str(part);
                text
            }
            None => part.to_owned(),
        };
        if continues {
            pending = Some(joined);
        } else if let Some(group) = groups.last_mut() {
            group.push(joined);
        }
    }
    let mut steps = Vec::with_capacity(LAYER_COUNT);
    for (index, group) in groups.iter().take(LAYER_COUNT).enumerate() {
        let step = if index == 0 {
            group
                .iter()
                .find(|i| i.starts_with("FROM "))
                .map(|i| format!("FROM {}", hub_name(i.trim_start_matches("FROM "))))
        } else {
            group
                .iter()
                .rev()
                .find(|i| i.starts_with("RUN ") || i.starts_with("COPY "))
                .or_else(|| group.first())
                .cloned()
        };
        steps.push(step.unwrap_or_else(|| "RUN true".to_owned()));
    }
    steps
}

/// An image name as BuildKit prints it: Docker Hub's names in full.
fn hub_name(image: &str) -> String {
    let image = image.split_whitespace().next().unwrap_or(image);
    match image.split_once('/') {
        None => format!("docker.io/library/{image}"),
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => {
            image.to_owned()
        }
        Some(_) => format!("docker.io/{image}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sizes_as_buildkit_prints_them() {
        assert_eq!(hub_name("ubuntu:22.04"), "docker.io/library/ubuntu:22.04");
        assert_eq!(hub_name("registry.access.redhat.com/ubi9/ubi"), "registry.access.redhat.com/ubi9/ubi");
        assert_eq!(transfer_size(2), "2B");
        assert_eq!(transfer_size(1024), "1.02kB");
    }
}
