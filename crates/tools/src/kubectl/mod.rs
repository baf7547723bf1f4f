//! `kubectl`: the Deployment's rollout commands, `scale`, `set image`, `get` and `describe`, with
//! kubectl's messages (`rollout_status.go`, the name printer, `describe.go`) and tables. `get.rs`
//! reads the fleet as `get` and `describe` print it.

mod get;

pub(crate) use get::{get, pod_status};
use lab_engine::{Command, CommandError, ConditionReason, ImageRef, World};

use crate::args::{Args, FlagError};
use crate::names::{NAME, Owner, owner, replica_set};
use crate::table::{NARROW, align};
use crate::words::shown;
use crate::{Act, Output, Reply, Tool, Watch, Watched, suggest};

/// The sub-commands kubectl has in the lab.
pub const COMMANDS: &[&str] = &["rollout", "scale", "set", "get", "describe"];
/// `kubectl rollout`'s verbs.
pub const ROLLOUT_VERBS: &[&str] = &["status", "history", "undo", "pause", "resume"];

pub(crate) fn run(world: &World, words: &[&str]) -> Reply {
    match words {
        [] | ["help" | "--help" | "-h", ..] => Reply::Print(Output::ok(help())),
        ["rollout", verb, rest @ ..] if ROLLOUT_VERBS.contains(verb) => rollout(world, verb, rest),
        ["rollout", verb, ..] if !verb.starts_with('-') => Reply::Print(Output::error(format!(
            "error: unknown command \"{}\"\nSee 'kubectl rollout -h' for help and examples\n",
            shown(verb)
        ))),
        ["rollout", ..] => Reply::Print(Output::ok(help())),
        ["scale", rest @ ..] => scale(world, rest),
        ["set", "image", rest @ ..] => set_image(world, rest),
        ["set", ..] => Reply::Print(Output::error(
            "error: the lab's kubectl knows 'kubectl set image' only\nSee 'kubectl set -h' for help and examples\n",
        )),
        ["get", rest @ ..] => Reply::Print(get::get_command(world, rest)),
        ["describe", rest @ ..] => Reply::Print(get::describe_command(world, rest)),
        [command, ..] => Reply::Print(Output::error(format!(
            "error: unknown command \"{}\" for \"kubectl\"\n{}",
            shown(command),
            suggest::did_you_mean(command, COMMANDS)
        ))),
    }
}

/// pflag's errors, with the usage pointer kubectl adds.
pub(crate) fn flag_error(error: FlagError, path: &str) -> Reply {
    let text = match error {
        FlagError::Unknown(flag) if flag.0.starts_with("--") => {
            format!("error: unknown flag: {}\nSee '{path} --help' for usage.\n", shown(&flag.0))
        }
        FlagError::Unknown(flag) => format!(
            "error: unknown shorthand flag: '{}' in {}\nSee '{path} --help' for usage.\n",
            flag.0.chars().nth(1).unwrap_or('-'),
            shown(&flag.0)
        ),
        FlagError::MissingValue(flag) => {
            format!("error: flag needs an argument: {}\nSee '{path} --help' for usage.\n", shown(&flag))
        }
    };
    Reply::Print(Output::error(text))
}

/// The Deployment named by `type/name` or `type name`; `Err` is kubectl's answer.
fn deployment(world: &World, positional: &[&str], verb: &str) -> Result<(), Reply> {
    let name = match positional {
        [one] => match one.split_once('/') {
            Some((kind, name)) if is_deployment_kind(kind) => name,
            Some((kind, _)) => return Err(unknown_kind(kind)),
            None if is_deployment_kind(one) => {
                return Err(Reply::Print(Output::error(format!(
                    "error: you must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   'deployment/{NAME}'\n"
                ))));
            }
            None => return Err(unknown_kind(one)),
        },
        [kind, name] if is_deployment_kind(kind) => name,
        [kind, _] => return Err(unknown_kind(kind)),
        [] => {
            return Err(Reply::Print(Output::error(format!(
                "error: required resource not specified\nSee 'kubectl {verb} -h' for help and examples\n"
            ))));
        }
        _ => {
            return Err(Reply::Print(Output::error(format!(
                "error: the lab's kubectl takes one deployment here (deployment/{NAME})\n"
            ))));
        }
    };
    if name != NAME || owner(world) != Owner::Deployment {
        return Err(Reply::Print(Output::error(not_found(world, name))));
    }
    Ok(())
}

fn is_deployment_kind(kind: &str) -> bool {
    matches!(kind, "deployment" | "deployments" | "deploy" | "deployment.apps" | "deployments.apps")
}

fn unknown_kind(kind: &str) -> Reply {
    Reply::Print(Output::error(format!(
        "error: the server doesn't have a resource type \"{}\"\n",
        shown(kind)
    )))
}

/// kubectl's NotFound, and the lab's hint to where this fleet's rollout is.
fn not_found(world: &World, name: &str) -> String {
    let text = format!("Error from server (NotFound): deployments.apps \"{}\" not found\n", shown(name));
    text + &crate::names::hint(world, Owner::Deployment, name)
}

fn rollout(world: &World, verb: &str, rest: &[&str]) -> Reply {
    let path = format!("kubectl rollout {verb}");
    let parsed = match verb {
        "status" => Args::parse(rest, &["revision", "timeout"], &["watch", "w"]),
        "history" | "undo" => Args::parse(rest, &["to-revision", "revision"], &[]),
        _ => Args::parse(rest, &[], &[]),
    };
    let args = match parsed {
        Ok(args) => args,
        Err(error) => return flag_error(error, &path),
    };
    if let Err(reply) = deployment(world, &args.positional, &format!("rollout {verb}")) {
        return reply;
    }
    let name = format!("deployment.apps/{NAME}");
    match verb {
        "status" => {
            let (line, state) = rollout_status_line(world);
            // Watching is the default; `--watch=false` prints once.
            let watching = (!args.has("watch") || args.on("watch")) && (!args.has("w") || args.on("w"));
            let mut output = Output { text: line.clone(), failed: state == StatusState::Failed, watch: None };
            if watching && state == StatusState::Waiting {
                output.watch = Some(Watch::new(Watched::RolloutStatus, &line));
            }
            Reply::Print(output)
        }
        "history" => Reply::Print(history(world, args.value("revision"))),
        "undo" => {
            let to_revision = match crate::args::to_revision(&args) {
                Ok(to_revision) => to_revision,
                Err(typed) => {
                    return Reply::Print(Output::error(format!(
                        "error: {}",
                        crate::args::bad_revision(&typed)
                    )));
                }
            };
            Act::new(Tool::Kubectl, vec![Command::Undo { to_revision }], format!("{name} rolled back\n"))
        }
        "pause" if world.paused() => Reply::Print(Output::ok(format!("{name} already paused\n"))),
        "pause" => Act::new(Tool::Kubectl, vec![Command::Pause], format!("{name} paused\n")),
        "resume" if !world.paused() => Reply::Print(Output::ok(format!("{name} already resumed\n"))),
        _ => Act::new(Tool::Kubectl, vec![Command::Resume], format!("{name} resumed\n")),
    }
}

/// Whether `kubectl rollout status` would keep waiting, be done, or fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatusState {
    Waiting,
    Done,
    Failed,
}

/// The replica counts a Deployment's status carries.
pub(crate) struct DeploymentStatus {
    /// `spec.replicas`.
    pub replicas: u32,
    /// Pods of the new ReplicaSet, not terminating.
    pub updated: u32,
    /// Pods of every ReplicaSet, not terminating.
    pub total: u32,
    /// Available pods of every ReplicaSet.
    pub available: u32,
}

pub(crate) fn status(world: &World) -> DeploymentStatus {
    let revisions = world.revisions();
    DeploymentStatus {
        replicas: world.replicas(),
        updated: world.target_revision().live,
        total: revisions.iter().map(|r| r.live).sum(),
        available: revisions.iter().map(|r| r.available).sum(),
    }
}

/// The line `kubectl rollout status` prints now, checked in kubectl's order
/// (`DeploymentStatusViewer.Status`).
pub(crate) fn rollout_status_line(world: &World) -> (String, StatusState) {
    let s = status(world);
    if world.conditions().reason == ConditionReason::ProgressDeadlineExceeded {
        return (
            format!("error: deployment \"{NAME}\" exceeded its progress deadline\n"),
            StatusState::Failed,
        );
    }
    let waiting = |what: String| {
        (format!("Waiting for deployment \"{NAME}\" rollout to finish: {what}...\n"), StatusState::Waiting)
    };
    if s.updated < s.replicas {
        return waiting(format!("{} out of {} new replicas have been updated", s.updated, s.replicas));
    }
    if s.total > s.updated {
        return waiting(format!("{} old replicas are pending termination", s.total - s.updated));
    }
    if s.available < s.updated {
        return waiting(format!("{} of {} updated replicas are available", s.available, s.updated));
    }
    (format!("deployment \"{NAME}\" successfully rolled out\n"), StatusState::Done)
}

fn history(world: &World, revision: Option<&str>) -> Output {
    let mut numbers: Vec<u32> = world.revisions().iter().map(|r| r.number).collect();
    numbers.sort_unstable();
    if let Some(wanted) = revision {
        let Some(found) = world.revisions().iter().find(|r| wanted.parse() == Ok(r.number)) else {
            return Output::error("error: unable to find the specified revision\n");
        };
        let image = crate::names::image_ref(world, found.image);
        return Output::ok(format!(
            "deployment.apps/{NAME} with revision #{}\nPod Template:\n  Labels:\tapp={NAME}\n\tpod-template-hash={}\n  Containers:\n   {NAME}:\n    Image:\t{image}\n\n",
            found.number,
            &replica_set(found)[NAME.len() + 1..]
        ));
    }
    let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
    for number in numbers {
        table.push_str(&format!("{number}\t<none>\n"));
    }
    Output::ok(format!("deployment.apps/{NAME} \n{}\n", align(&table, NARROW)))
}

fn scale(world: &World, rest: &[&str]) -> Reply {
    let args = match Args::parse(rest, &["replicas"], &[]) {
        Ok(args) => args,
        Err(error) => return flag_error(error, "kubectl scale"),
    };
    if let Err(reply) = deployment(world, &args.positional, "scale") {
        return reply;
    }
    let Some(text) = args.value("replicas") else {
        return Reply::Print(Output::error("error: required flag(s) \"replicas\" not set\n"));
    };
    let Ok(replicas) = text.parse::<u32>() else {
        return Reply::Print(Output::error(format!(
            "error: invalid argument \"{0}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{0}\": invalid syntax\n",
            shown(text)
        )));
    };
    Act::new(Tool::Kubectl, vec![Command::Scale { replicas }], format!("deployment.apps/{NAME} scaled\n"))
}

/// `web=web:v2` (or `*=…`) into the image reference the lab deploys; `Err` is kubectl's answer.
pub(crate) fn container_image(word: &str) -> Result<ImageRef, String> {
    let Some((container, image)) = word.split_once('=') else {
        return Err(format!(
            "error: expected image update in the form CONTAINER=IMAGE, got \"{}\"\n",
            shown(word)
        ));
    };
    if container != NAME && container != "*" {
        return Err(format!("error: unable to find container named \"{}\"\n", shown(container)));
    }
    image_reference(image)
}

/// `web:v2`, `web@sha256:…` or a bare tag into a reference to the lab's registry.
pub(crate) fn image_reference(image: &str) -> Result<ImageRef, String> {
    let (repository, reference) = if let Some((repository, digest)) = image.split_once('@') {
        (repository, ImageRef::Digest(digest.to_owned()))
    } else if let Some((repository, tag)) = image.rsplit_once(':') {
        (repository, ImageRef::Tag(tag.to_owned()))
    } else {
        (image, ImageRef::Tag("latest".to_owned()))
    };
    let repository = repository.rsplit('/').next().unwrap_or(repository);
    if repository != NAME {
        return Err(format!(
            "error: the lab's registry holds one repository, {NAME} (got \"{}\"); images are named {NAME}:<tag>\n",
            shown(image)
        ));
    }
    Ok(reference)
}

fn set_image(world: &World, rest: &[&str]) -> Reply {
    let args = match Args::parse(rest, &[], &[]) {
        Ok(args) => args,
        Err(error) => return flag_error(error, "kubectl set image"),
    };
    let (resource, updates) = match args.positional.split_first() {
        Some((first, updates)) if first.contains('/') => (vec![*first], updates),
        _ if args.positional.len() >= 2 => (args.positional[..2].to_vec(), &args.positional[2..]),
        _ => (args.positional.clone(), &[][..]),
    };
    if let Err(reply) = deployment(world, &resource, "set image") {
        return reply;
    }
    let [update] = updates else {
        return Reply::Print(Output::error(
            "error: at least one image update is required\nSee 'kubectl set image -h' for help and examples\n",
        ));
    };
    match container_image(update) {
        Ok(image) => Act::new(
            Tool::Kubectl,
            vec![Command::Deploy { image }],
            format!("deployment.apps/{NAME} image updated\n"),
        ),
        Err(text) => Reply::Print(Output::error(text)),
    }
}

/// A refusal by the engine in kubectl's words.
pub(crate) fn refused(error: &CommandError) -> String {
    match error {
        CommandError::UndoWhilePaused => {
            "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n".to_owned()
        }
        CommandError::UnknownRevision { revision: 0 } => format!("error: no rollout history found for deployment \"{NAME}\"\n"),
        CommandError::UnknownRevision { revision } => format!("error: unable to find specified revision {revision} in history\n"),
        CommandError::SkippedRollback { revision } => {
            format!("deployment.apps/{NAME} skipped rollback (current template already matches revision {revision})\n")
        }
        CommandError::AlreadyTarget { .. } => format!("deployment.apps/{NAME} image updated (no change: the template already names this image)\n"),
        CommandError::FleetTooLarge { requested, max } => format!(
            "The Deployment \"{NAME}\" is invalid: spec.replicas: Invalid value: {requested}: must be no more than {max} (the lab's largest fleet)\n"
        ),
        CommandError::UnknownImage { .. } | CommandError::AmbiguousImage { .. } => {
            format!("error: {error}\nhint: build it first ('docker build'), or list what there is with 'docker image ls'\n")
        }
        other => format!("error: {other}\n"),
    }
}

/// `kubectl`'s short help.
pub(crate) fn help() -> String {
    format!(
        "kubectl controls the Kubernetes cluster manager (the lab's cluster runs one Deployment, {NAME}).\n\nCommands:\n  rollout status deployment/{NAME}      Watch the rollout until it is done (Ctrl+C stops watching)\n  rollout history deployment/{NAME}     List the revisions\n  rollout undo deployment/{NAME} [--to-revision=N]\n                                      Go back to the previous (or a given) revision\n  rollout pause|resume deployment/{NAME}\n  scale deployment/{NAME} --replicas=N  Resize the fleet\n  set image deployment/{NAME} {NAME}={NAME}:<tag>\n                                      Roll out another image\n  get deploy,rs,pods                  List the Deployment, its ReplicaSets and pods\n  describe deployment {NAME}            Show details, conditions and events\n"
    )
}
