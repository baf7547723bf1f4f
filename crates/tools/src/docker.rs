//! `docker build`, `docker tag`, `docker push` and `docker image ls` in the tool's own shapes:
//! BuildKit's plain progress (`moby/buildkit` `progressui/printer.go`), the push log
//! (`distribution/push_v2.go`) and the image table (`cli/command/formatter/image.go`). Its reading
//! of image names and flags serves `trivy image` too (`crate::trivy`).
//!
//! The lab has one repository, `web`, and its registry is the lab's own: a build lands in it at
//! once (the engine's `BuildImage` builds and pushes), so `docker push` changes nothing and only
//! reports what the registry holds.

use lab_engine::registry::LATEST;
use lab_engine::{
    Command, CommandError, Digest, Image, ImageRef, ImageSpec, LAYER_COUNT, World, is_valid_tag,
    tag_for_version,
};

use crate::names::NAME;
use crate::table::{DOCKER, align};
use crate::words::shown;
use crate::{Act, Output, Reply, Tool, suggest};

/// The docker commands the lab has.
pub const COMMANDS: &[&str] = &["build", "tag", "push", "images", "image"];
/// `docker image`'s commands in the lab.
const IMAGE_COMMANDS: &[&str] = &["build", "ls", "list", "push", "tag"];
/// Real docker commands the lab does not model: they exist, so "unknown command" would be a lie.
const ELSEWHERE: &[&str] = &[
    "run",
    "ps",
    "pull",
    "exec",
    "rmi",
    "rm",
    "logs",
    "inspect",
    "login",
    "logout",
    "compose",
    "stop",
    "start",
    "restart",
    "kill",
    "history",
    "save",
    "load",
    "system",
    "volume",
    "network",
    "container",
    "scout",
    "info",
    "version",
    "search",
    "cp",
    "commit",
    "create",
    "stats",
    "top",
    "buildx",
    "manifest",
];
/// The lab's registry, as `docker push` names it.
const REGISTRY: &str = "registry.lab";
/// The build-args the lab's Dockerfile declares.
const BUILD_ARGS: &[&str] = &["APP_VERSION", "BASE"];

pub(crate) fn run(world: &World, words: &[&str]) -> Reply {
    match words {
        [] | ["help" | "--help" | "-h", ..] => print(USAGE),
        ["build", rest @ ..] | ["image", "build", rest @ ..] | ["buildx", "build", rest @ ..] => {
            build(world, rest)
        }
        ["tag", rest @ ..] | ["image", "tag", rest @ ..] => tag(world, rest),
        ["push", rest @ ..] | ["image", "push", rest @ ..] => push(world, rest),
        ["images", rest @ ..] | ["image", "ls" | "list", rest @ ..] => {
            Reply::Print(images(world, rest, "docker images"))
        }
        ["image"] | ["image", "--help" | "-h" | "help", ..] => print(IMAGE_USAGE),
        ["image", command, ..] => Reply::Print(Output::error(format!(
            "docker: unknown command: docker image {}\n\nRun 'docker image --help' for more information\n{}",
            shown(command),
            suggest::did_you_mean(command, IMAGE_COMMANDS)
        ))),
        [command, ..] if ELSEWHERE.contains(command) => Reply::Print(Output::error(format!(
            "docker {command}: not part of the lab; its docker knows build, tag, push and images (docker image ls)\n"
        ))),
        [command, ..] => Reply::Print(Output::error(format!(
            "docker: unknown command: docker {}\n\nRun 'docker --help' for more information\n{}",
            shown(command),
            suggest::did_you_mean(command, COMMANDS)
        ))),
    }
}

const USAGE: &str = "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nCommands in the lab:\n  build       Build an image from a Dockerfile\n  images      List images\n  push        Upload an image to a registry\n  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nRun 'docker COMMAND --help' for more information on a command.\n";
const IMAGE_USAGE: &str = "\nUsage:  docker image COMMAND\n\nManage images\n\nCommands:\n  build       Build an image from a Dockerfile\n  ls          List images\n  push        Upload an image to a registry\n  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nRun 'docker image COMMAND --help' for more information on a command.\n";
const BUILD_USAGE: &str = "Usage:  docker buildx build [OPTIONS] PATH | URL | -\n\nStart a build\n\nOptions in the lab:\n      --build-arg stringArray   Set build-time variables (APP_VERSION, BASE)\n  -f, --file string             Name of the Dockerfile (default: \"PATH/Dockerfile\")\n      --no-cache                Do not use cache when building the image\n      --progress string         Set type of progress output (the lab prints \"plain\")\n  -q, --quiet                   Suppress the build output and print image ID on success\n  -t, --tag stringArray         Name and optionally a tag (format: \"web:tag\")\n";
const TAG_USAGE: &str = "Usage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n";
const PUSH_USAGE: &str = "Usage:  docker push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry\n\nOptions:\n  -q, --quiet   Suppress verbose output\n";
const IMAGES_USAGE: &str = "Usage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n\nOptions in the lab:\n  -a, --all        Show all images\n      --no-trunc   Don't truncate output\n  -q, --quiet      Only show image IDs\n";

pub(crate) fn print(text: &str) -> Reply {
    Reply::Print(Output::ok(text))
}

/// One command's words read as pflag reads them: every value of each valued flag in order (docker
/// takes `-t` and `--build-arg` more than once), the switches given, and the positional words.
#[derive(Default)]
pub(crate) struct Flags<'a> {
    values: Vec<(&'static str, &'a str)>,
    switches: Vec<&'static str>,
    pub(crate) positional: Vec<&'a str>,
}

impl<'a> Flags<'a> {
    /// `valued` and `switches` pair a flag's name with how it is typed (`-t`, `--tag`).
    pub(crate) fn read(
        words: &[&'a str],
        valued: &[(&'static str, &str)],
        switches: &[(&'static str, &str)],
    ) -> Result<Self, String> {
        let find = |table: &[(&'static str, &str)], typed: &str| {
            table.iter().find(|(_, spelled)| *spelled == typed).map(|(name, _)| *name)
        };
        let mut flags = Flags::default();
        let mut rest = words.iter();
        while let Some(&word) = rest.next() {
            if word == "--" {
                flags.positional.extend(rest.by_ref().copied());
                break;
            }
            if let Some(long) = word.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (long, None),
                };
                let typed = format!("--{name}");
                if let Some(flag) = find(valued, &typed) {
                    let value = match inline {
                        Some(value) => value,
                        None => rest
                            .next()
                            .copied()
                            .ok_or_else(|| format!("flag needs an argument: {}", shown(&typed)))?,
                    };
                    flags.values.push((flag, value));
                } else if let Some(flag) = find(switches, &typed) {
                    if inline.is_none_or(|value| value == "true") {
                        flags.switches.push(flag);
                    }
                } else {
                    return Err(format!("unknown flag: {}", shown(&typed)));
                }
                continue;
            }
            let Some(short) = word.strip_prefix('-').filter(|short| !short.is_empty()) else {
                flags.positional.push(word);
                continue;
            };
            // Shorthands combine (`-qa`), and a valued one takes the rest of the word (`-tweb:v2`).
            for (at, letter) in short.char_indices() {
                let typed = format!("-{letter}");
                if let Some(flag) = find(valued, &typed) {
                    let glued = &short[at + letter.len_utf8()..];
                    let value = if glued.is_empty() {
                        rest.next()
                            .copied()
                            .ok_or_else(|| format!("flag needs an argument: '{letter}' in -{letter}"))?
                    } else {
                        glued
                    };
                    flags.values.push((flag, value));
                    break;
                } else if let Some(flag) = find(switches, &typed) {
                    flags.switches.push(flag);
                } else {
                    return Err(format!("unknown shorthand flag: '{letter}' in -{}", shown(short)));
                }
            }
        }
        Ok(flags)
    }

    pub(crate) fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.values.iter().filter(move |(n, _)| *n == name).map(|(_, v)| *v)
    }

    pub(crate) fn last(&self, name: &str) -> Option<&'a str> {
        self.all(name).last()
    }

    pub(crate) fn on(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }
}

/// The docker CLI's answer to a flag error.
fn flag_error(error: &str, command: &str) -> Reply {
    Reply::Print(Output::error(format!("{error}\nSee '{command} --help'.\n")))
}

/// How a reference names an image of the lab's repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Named {
    /// `web:<tag>` (or plain `web`, which means `latest`).
    Tag(String),
    /// `web@sha256:<hex>`, `sha256:<hex>` or an image ID: a digest or a prefix of one.
    Digest(String),
}

/// Why a reference cannot name an image of the lab's repository.
pub(crate) enum NameError {
    /// Not a reference at all.
    Format,
    /// A reference to another repository.
    Repository,
}

/// Reads `web`, `web:v2`, `web@sha256:…`, optionally behind `registry.lab/` or Docker Hub's
/// `docker.io/library/`, as docker's reference grammar would.
fn parse_reference(text: &str) -> Result<Named, NameError> {
    let (repository, named) = if let Some((repository, digest)) = text.split_once('@') {
        let hex = digest.strip_prefix("sha256:").ok_or(NameError::Format)?;
        if hex.len() != 64 || !is_lower_hex(hex) {
            return Err(NameError::Format);
        }
        (repository, Named::Digest(hex.to_owned()))
    } else {
        match text.rsplit_once(':') {
            // A colon before the last slash belongs to a registry's port, not to a tag.
            Some((repository, tag)) if !tag.contains('/') => {
                if !is_valid_tag(tag) {
                    return Err(NameError::Format);
                }
                (repository, Named::Tag(tag.to_owned()))
            }
            _ => (text, Named::Tag(LATEST.to_owned())),
        }
    };
    let plain = ["docker.io/library/", "index.docker.io/library/", "docker.io/", "library/", "registry.lab/"]
        .iter()
        .find_map(|prefix| repository.strip_prefix(prefix))
        .unwrap_or(repository);
    if plain.is_empty()
        || !plain
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '/' | ':'))
    {
        return Err(NameError::Format);
    }
    if plain != NAME {
        return Err(NameError::Repository);
    }
    Ok(named)
}

fn is_lower_hex(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// A source image as `docker tag` and `trivy` take it: a reference, or an image ID.
pub(crate) fn parse_source(text: &str) -> Result<Named, NameError> {
    if let Some(hex) = text.strip_prefix("sha256:") {
        return if is_lower_hex(hex) && hex.len() <= 64 {
            Ok(Named::Digest(hex.to_owned()))
        } else {
            Err(NameError::Format)
        };
    }
    // Docker takes an unambiguous ID prefix; twelve characters is the ID it prints.
    if text.len() >= Digest::SHORT_HEX_LEN && text.len() <= 64 && is_lower_hex(text) {
        return Ok(Named::Digest(text.to_owned()));
    }
    parse_reference(text)
}

/// The image a reference names in the lab's registry, if exactly one.
pub(crate) fn find<'w>(world: &'w World, named: &Named) -> Option<&'w Image> {
    let supply = world.supply_view();
    match named {
        Named::Tag(tag) => supply.images.iter().find(|image| supply.tags_of(image.digest).any(|t| t == tag)),
        Named::Digest(prefix) => {
            let mut matching =
                supply.images.iter().filter(|image| image.digest.hex().starts_with(prefix.as_str()));
            let first = matching.next()?;
            matching.next().is_none().then_some(first)
        }
    }
}

/// The lab's answer to a reference to another repository.
fn only_web(typed: &str) -> String {
    format!(
        "the lab's registry holds one repository, {NAME} (got \"{}\"); name images {NAME}:<tag>\n",
        shown(typed)
    )
}

// ---------------------------------------------------------------------------------------------
// docker build

fn build(world: &World, words: &[&str]) -> Reply {
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

// ---------------------------------------------------------------------------------------------
// docker tag

fn tag(world: &World, words: &[&str]) -> Reply {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return print(TAG_USAGE);
    }
    let flags = match Flags::read(words, &[], &[]) {
        Ok(flags) => flags,
        Err(error) => return flag_error(&error, "docker tag"),
    };
    let [source, target] = flags.positional.as_slice() else {
        return Reply::Print(Output::error(format!(
            "\"docker tag\" requires exactly 2 arguments.\nSee 'docker tag --help'.\n\n{TAG_USAGE}"
        )));
    };
    let image = match parse_source(source) {
        Ok(named) => match find(world, &named) {
            Some(image) => image,
            None => return Reply::Print(Output::error(no_such_image(source))),
        },
        Err(NameError::Format) => {
            return Reply::Print(Output::error(format!(
                "Error response from daemon: invalid reference format: \"{}\"\n",
                shown(source)
            )));
        }
        Err(NameError::Repository) => return Reply::Print(Output::error(no_such_image(source))),
    };
    let tag = match parse_reference(target) {
        Ok(Named::Tag(tag)) => tag,
        Ok(Named::Digest(_)) => {
            return Reply::Print(Output::error(format!(
                "refusing to create a tag with a digest reference: \"{}\"\n",
                shown(target)
            )));
        }
        Err(NameError::Format) => {
            return Reply::Print(Output::error(format!(
                "Error parsing reference: \"{}\" is not a valid repository/tag: invalid reference format\n",
                shown(target)
            )));
        }
        Err(NameError::Repository) => {
            return Reply::Print(Output::error(format!("Error response from daemon: {}", only_web(target))));
        }
    };
    Act::new(Tool::Docker, vec![Command::Tag { tag, image: ImageRef::digest(image.digest) }], "")
}

fn no_such_image(typed: &str) -> String {
    format!(
        "Error response from daemon: No such image: {}\nhint: list the lab's images with 'docker image ls'\n",
        shown(typed)
    )
}

// ---------------------------------------------------------------------------------------------
// docker push

fn push(world: &World, words: &[&str]) -> Reply {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return print(PUSH_USAGE);
    }
    let flags = match Flags::read(words, &[], &[("quiet", "-q"), ("quiet", "--quiet")]) {
        Ok(flags) => flags,
        Err(error) => return flag_error(&error, "docker push"),
    };
    let [typed] = flags.positional.as_slice() else {
        return Reply::Print(Output::error(format!(
            "\"docker push\" requires exactly 1 argument.\nSee 'docker push --help'.\n\n{PUSH_USAGE}"
        )));
    };
    let named = match parse_reference(typed) {
        Ok(named) => named,
        Err(NameError::Format) => {
            return Reply::Print(Output::error(format!("invalid reference format: \"{}\"\n", shown(typed))));
        }
        Err(NameError::Repository) => {
            return Reply::Print(Output::error(format!(
                "An image does not exist locally with the tag: {}\nhint: {}",
                shown(typed),
                only_web(typed)
            )));
        }
    };
    let mut text = String::new();
    let tag = match &named {
        Named::Tag(tag) => {
            if !typed.contains(':') {
                text.push_str("Using default tag: latest\n");
            }
            tag.clone()
        }
        Named::Digest(hex) => format!("sha256:{hex}"),
    };
    let Some(image) = find(world, &named) else {
        return Reply::Print(Output::error(format!(
            "{text}An image does not exist locally with the tag: {NAME}:{}\nhint: build it first ('docker build -t {NAME}:<tag> .'), or list what there is with 'docker image ls'\n",
            shown(&tag)
        )));
    };
    if flags.on("quiet") {
        return Reply::Print(Output::ok(format!("{REGISTRY}/{NAME}:{tag}\n")));
    }
    text.push_str(&format!("The push refers to repository [{REGISTRY}/{NAME}]\n"));
    let supply = world.supply_view();
    // A layer another image already brought is not sent again; layer digests are chained, so a
    // shared layer sits at the same depth in both images.
    let others: Vec<_> = supply
        .images
        .iter()
        .filter(|other| other.digest != image.digest)
        .map(|other| other.spec.layers())
        .collect();
    let layers = image.spec.layers();
    for (index, layer) in layers.iter().enumerate().rev() {
        let exists = others.iter().any(|other| other.get(index).is_some_and(|o| o.digest == layer.digest));
        text.push_str(&format!(
            "{}: {}\n",
            layer.digest.short(),
            if exists { "Layer already exists" } else { "Pushed" }
        ));
    }
    text.push_str(&format!("{tag}: digest: sha256:{} size: {}\n", image.digest.hex(), manifest_size(image)));
    Reply::Print(Output::ok(text))
}

/// The size in bytes of the image's registry manifest (schema 2, pretty-printed with three-space
/// indents as the registry stores it): a config descriptor and one descriptor per layer.
fn manifest_size(image: &Image) -> usize {
    let descriptor = |media: &str, size: u64, digest: Digest, indent: &str| {
        format!(
            "{indent}{{\n{indent}   \"mediaType\": \"{media}\",\n{indent}   \"size\": {size},\n{indent}   \"digest\": \"sha256:{}\"\n{indent}}}",
            digest.hex()
        )
    };
    let config_size = 1_500 + 64 * (image.spec.packages.len() + image.spec.config.len()) as u64;
    let layers: Vec<String> = image
        .spec
        .layers()
        .iter()
        .map(|layer| {
            descriptor(
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                u64::from(layer.size_kb) * 1000,
                layer.digest,
                "      ",
            )
        })
        .collect();
    let manifest = format!(
        "{{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n   \"config\": {},\n   \"layers\": [\n{}\n   ]\n}}",
        descriptor("application/vnd.docker.container.image.v1+json", config_size, image.digest, "   ")
            .trim_start(),
        layers.join(",\n")
    );
    manifest.len()
}

// ---------------------------------------------------------------------------------------------
// docker image ls

fn images(world: &World, words: &[&str], command: &str) -> Output {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return Output::ok(IMAGES_USAGE);
    }
    let flags = match Flags::read(
        words,
        &[],
        &[("all", "-a"), ("all", "--all"), ("quiet", "-q"), ("quiet", "--quiet"), ("no-trunc", "--no-trunc")],
    ) {
        Ok(flags) => flags,
        Err(error) => return Output::error(format!("{error}\nSee '{command} --help'.\n")),
    };
    // `docker images web` lists the repository, `docker images web:v2` one tag.
    let filter = match flags.positional.as_slice() {
        [] => None,
        [typed] => match parse_reference(typed) {
            Ok(named) => Some((named, typed.contains(':'))),
            Err(_) => Some((Named::Tag(String::new()), true)),
        },
        _ => {
            return Output::error(format!(
                "\"{command}\" requires at most 1 argument.\nSee '{command} --help'.\n"
            ));
        }
    };
    let supply = world.supply_view();
    let mut ordered: Vec<(usize, &Image)> = supply.images.iter().enumerate().collect();
    // Newest first, as the daemon lists them.
    ordered.sort_by_key(|(position, image)| std::cmp::Reverse((image.built_tick, *position)));
    let mut rows: Vec<(String, String, &Image)> = Vec::new();
    for (_, image) in ordered {
        let tags: Vec<&str> = supply.tags_of(image.digest).collect();
        if tags.is_empty() {
            rows.push(("<none>".to_owned(), "<none>".to_owned(), image));
        }
        rows.extend(tags.into_iter().map(|tag| (NAME.to_owned(), tag.to_owned(), image)));
    }
    if let Some((named, with_tag)) = &filter {
        rows.retain(|(repository, tag, image)| match named {
            Named::Tag(wanted) => repository == NAME && (!with_tag || tag == wanted),
            Named::Digest(hex) => image.digest.hex() == *hex,
        });
    }
    let id = |digest: Digest| {
        if flags.on("no-trunc") { format!("sha256:{}", digest.hex()) } else { digest.short() }
    };
    if flags.on("quiet") {
        return Output::ok(
            rows.iter().map(|(_, _, image)| format!("{}\n", id(image.digest))).collect::<String>(),
        );
    }
    let now = world.now();
    let mut table = String::from("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n");
    for (repository, tag, image) in rows {
        table.push_str(&format!(
            "{repository}\t{tag}\t{}\t{} ago\t{}\n",
            id(image.digest),
            human_duration(now.saturating_sub(image.built_tick)),
            human_size(u64::from(image.size_kb) * 1000)
        ));
    }
    Output::ok(align(&table, DOCKER))
}

/// go-units' `HumanDuration`, a tick read as a second: `Less than a second`, `1 second`,
/// `N seconds`, `About a minute`, `N minutes`, `About an hour`, `N hours`, `N days`, `N weeks`,
/// `N months`, `N years`.
fn human_duration(seconds: u64) -> String {
    const HOUR: u64 = 3600;
    // Hours are rounded to the nearest (`d.Round(time.Hour)`), half away from zero.
    let hours = seconds.saturating_add(HOUR / 2) / HOUR;
    match seconds {
        0 => "Less than a second".to_owned(),
        1 => "1 second".to_owned(),
        s if s < 60 => format!("{s} seconds"),
        s if s / 60 == 1 => "About a minute".to_owned(),
        s if s / 60 < 60 => format!("{} minutes", s / 60),
        _ if hours == 1 => "About an hour".to_owned(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        s => format!("{} years", s / HOUR / 24 / 365),
    }
}

/// go-units' `HumanSizeWithPrecision(size, 3)`: divided by 1000 while it is 1000 or more, then
/// Go's `%.3g` and a decimal unit (`0B`, `13.3kB`, `77.8MB`, `1e+03kB` at the edge, as Go prints it).
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", go_g3(size), UNITS.get(unit).copied().unwrap_or("B"))
}

/// Go's `%.3g` of a non-negative number: three significant digits, trailing zeros dropped, in
/// exponent form when the exponent is below -4 or at least 3.
fn go_g3(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    // Rust's `{:.2e}` rounds to three significant digits exactly as Go does (correctly, from the
    // binary value) and gives the exponent after rounding.
    let scientific = format!("{value:.2e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let trim = |text: String| -> String {
        if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
    };
    if !(-4..3).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{}e{sign}{:02}", trim(mantissa.to_owned()), exponent.unsigned_abs());
    }
    let text = if exponent >= 0 {
        let point = (exponent as usize + 1).min(digits.len());
        format!("{}.{}", &digits[..point], &digits[point..])
    } else {
        format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
    };
    trim(text)
}

// ---------------------------------------------------------------------------------------------
// Refusals

/// A refusal by the engine in docker's words.
pub(crate) fn refused(error: &CommandError) -> String {
    match error {
        CommandError::TagImmutable { tag, .. } => format!(
            "Error response from daemon: tag invalid: The image tag '{tag}' already exists in the '{NAME}' repository and cannot be overwritten because the repository is immutable.\nhint: this registry's tags are immutable; name the build with a new tag (docker build -t {NAME}:<new tag> ...)\n"
        ),
        CommandError::UnknownImage { reference } => {
            let shown = if reference.starts_with("sha256:") {
                reference.clone()
            } else {
                format!("{NAME}:{reference}")
            };
            format!(
                "Error response from daemon: No such image: {shown}\nhint: list the lab's images with 'docker image ls'\n"
            )
        }
        CommandError::InvalidTag { tag } => {
            format!(
                "Error parsing reference: \"{NAME}:{tag}\" is not a valid repository/tag: invalid reference format\n"
            )
        }
        CommandError::InvalidSpec(_) | CommandError::RegistryFull { .. } => {
            format!("ERROR: failed to solve: {error}\n")
        }
        other => format!("Error response from daemon: {other}\n"),
    }
}

/// `docker`'s and `trivy`'s short help.
pub(crate) fn help() -> String {
    format!(
        "docker builds and ships images; trivy scans them (the lab's repository is {NAME}).\n\nCommands:\n  docker build -t {NAME}:<tag> [--build-arg APP_VERSION=<version>] [--build-arg BASE=<base image>] .\n  docker tag {NAME}:<tag> {NAME}:<new tag>\n  docker push {NAME}:<tag>\n  docker image ls\n  trivy image {NAME}:<tag>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_go_units_prints_them() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(13_300), "13.3kB");
        assert_eq!(human_size(77_900_000), "77.9MB");
        assert_eq!(human_size(77_800_000), "77.8MB");
        assert_eq!(human_size(100_000_000), "100MB");
        assert_eq!(human_size(1_000_000), "1MB");
        assert_eq!(human_size(1_500_000), "1.5MB");
        assert_eq!(human_size(424_008_000), "424MB");
        // Go's %.3g of 999.95 rounds up into exponent form.
        assert_eq!(human_size(999_950), "1e+03kB");
    }

    #[test]
    fn durations_as_go_units_prints_them() {
        let cases = [
            (0, "Less than a second"),
            (1, "1 second"),
            (59, "59 seconds"),
            (60, "About a minute"),
            (119, "About a minute"),
            (120, "2 minutes"),
            (3599, "59 minutes"),
            (3600, "About an hour"),
            (5399, "About an hour"),
            (5400, "2 hours"),
            (47 * 3600, "47 hours"),
            (48 * 3600, "2 days"),
            (14 * 86400, "2 weeks"),
            (60 * 86400, "2 months"),
            (2 * 365 * 86400, "2 years"),
        ];
        for (seconds, text) in cases {
            assert_eq!(human_duration(seconds), text, "{seconds}");
        }
    }

    #[test]
    fn reads_references_to_the_labs_repository() {
        assert_eq!(parse_reference("web:v2").ok(), Some(Named::Tag("v2".into())));
        assert_eq!(parse_reference("web").ok(), Some(Named::Tag("latest".into())));
        assert_eq!(parse_reference("registry.lab/web:v2").ok(), Some(Named::Tag("v2".into())));
        assert_eq!(parse_reference("docker.io/library/web:v2").ok(), Some(Named::Tag("v2".into())));
        assert!(matches!(parse_reference("nginx:1"), Err(NameError::Repository)));
        assert!(matches!(parse_reference("web:b@d"), Err(NameError::Format)));
        assert!(matches!(parse_reference("Web:v1"), Err(NameError::Format)));
        assert_eq!(hub_name("ubuntu:22.04"), "docker.io/library/ubuntu:22.04");
        assert_eq!(hub_name("registry.access.redhat.com/ubi9/ubi"), "registry.access.redhat.com/ubi9/ubi");
        assert_eq!(transfer_size(2), "2B");
        assert_eq!(transfer_size(1024), "1.02kB");
    }
}
