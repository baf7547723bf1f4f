//! `docker build`, `docker tag`, `docker push` and `docker image ls` in the tool's own shapes:
//! BuildKit's plain progress (`moby/buildkit` `progressui/printer.go`), the push log
//! (`distribution/push_v2.go`) and the image table (`cli/command/formatter/image.go`). Its reading
//! of image names and flags serves `trivy image` too (`crate::trivy`).
//!
//! The lab has one repository, `web`, and its registry is the lab's own: a build lands in it at
//! once (the engine's `BuildImage` builds and pushes), so `docker push` changes nothing and only
//! reports what the registry holds.
//!
//! Here: the command's dispatch, its flags and image references; `build.rs` the build and its
//! progress, `images.rs` the image table, `ship.rs` `docker tag` and `docker push`.

mod build;
mod images;
mod ship;

use lab_engine::registry::LATEST;
use lab_engine::{CommandError, Digest, Image, World, is_valid_tag};

use crate::names::NAME;
use crate::words::shown;
use crate::{Output, Reply, suggest};

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
            build::build(world, rest)
        }
        ["tag", rest @ ..] | ["image", "tag", rest @ ..] => ship::tag(world, rest),
        ["push", rest @ ..] | ["image", "push", rest @ ..] => ship::push(world, rest),
        ["images", rest @ ..] | ["image", "ls" | "list", rest @ ..] => {
            Reply::Print(images::images(world, rest, "docker images"))
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
    fn reads_references_to_the_labs_repository() {
        assert_eq!(parse_reference("web:v2").ok(), Some(Named::Tag("v2".into())));
        assert_eq!(parse_reference("web").ok(), Some(Named::Tag("latest".into())));
        assert_eq!(parse_reference("registry.lab/web:v2").ok(), Some(Named::Tag("v2".into())));
        assert_eq!(parse_reference("docker.io/library/web:v2").ok(), Some(Named::Tag("v2".into())));
        assert!(matches!(parse_reference("nginx:1"), Err(NameError::Repository)));
        assert!(matches!(parse_reference("web:b@d"), Err(NameError::Format)));
        assert!(matches!(parse_reference("Web:v1"), Err(NameError::Format)));
    }
}
