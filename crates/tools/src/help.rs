//! `help`, each tool's short help, and tab completion of commands, flags and names.

use lab_engine::World;

use crate::names::{GROUP, NAME, Owner, owner};
use crate::{Output, argo, aws, docker, kubectl, ssh, suggest};

/// `help`, or `help <tool>`.
pub(crate) fn help(world: &World, topic: &[&str]) -> Output {
    match topic {
        ["kubectl", "argo", ..] | ["argo", ..] => Output::ok(argo::help()),
        ["kubectl", ..] => Output::ok(kubectl::help()),
        ["aws", ..] => Output::ok(aws::help()),
        ["docker" | "trivy", ..] => Output::ok(docker::help()),
        ["ssh" | "ansible-playbook" | "ansible", ..] => Output::ok(ssh::help()),
        _ => Output::ok(overview(world)),
    }
}

fn overview(world: &World) -> String {
    let fleet = match owner(world) {
        Owner::Deployment => format!(
            "This fleet is a Kubernetes Deployment called {NAME}: start with 'kubectl rollout status deployment/{NAME}'."
        ),
        Owner::Rollout => format!(
            "This fleet is an Argo Rollout called {NAME}: start with 'kubectl argo rollouts get rollout {NAME}'."
        ),
        Owner::AutoScalingGroup => format!(
            "This fleet is an EC2 Auto Scaling group called {GROUP}: start with 'aws autoscaling describe-instance-refreshes --auto-scaling-group-name {GROUP}'."
        ),
    };
    format!(
        "{fleet}\n\nThe commands this terminal knows ('help kubectl', 'help argo', 'help aws', 'help docker', 'help ssh' for more):\n  kubectl rollout status|history|undo|pause|resume deployment/{NAME}\n  kubectl get deploy,rs,pods        kubectl describe deployment {NAME}\n  kubectl argo rollouts get rollout {NAME} [--watch]\n  kubectl argo rollouts promote|abort|undo {NAME}\n  aws autoscaling start-instance-refresh --auto-scaling-group-name {GROUP}\n  aws autoscaling describe-instance-refreshes --auto-scaling-group-name {GROUP}\n  docker build -t {NAME}:<tag> --build-arg APP_VERSION=<version> .\n  docker image ls                   trivy image {NAME}:<tag>\n  ssh <instance> '<command>'        ansible-playbook site.yml\n\nKeys: Tab completes, Up and Down recall earlier commands, Ctrl+C stops a watch, Ctrl+L clears, Esc leaves.\nTime moves only when the lab plays: press Play (or Step) to see a command take effect.\n"
    )
}

/// Completions of the last word of `line`: the words that could come there, filtered by what is
/// typed of it, each whole.
pub(crate) fn complete(world: &World, line: &str) -> Vec<String> {
    if line.chars().count() > crate::LINE_CHARS_MAX {
        return Vec::new();
    }
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let partial =
        if line.ends_with(char::is_whitespace) || words.is_empty() { "" } else { words.pop().unwrap_or("") };
    let tags = tags(world);
    let images: Vec<String> = tags.iter().map(|tag| format!("{NAME}:{tag}")).collect();
    let updates: Vec<String> = tags.iter().map(|tag| format!("{NAME}={NAME}:{tag}")).collect();
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let candidates: Vec<String> = match words.as_slice() {
        [] => owned(suggest::PROGRAMS),
        ["help"] => owned(&["kubectl", "argo", "aws", "docker", "ssh"]),
        ["kubectl"] => {
            let mut list = owned(kubectl::COMMANDS);
            list.push("argo".into());
            list
        }
        ["kubectl", "argo"] => owned(&["rollouts"]),
        ["kubectl", "argo", "rollouts"] => owned(argo::COMMANDS),
        ["kubectl", "argo", "rollouts", "get" | "retry"] => owned(&["rollout"]),
        ["kubectl", "argo", "rollouts", "get" | "retry", "rollout"] => owned(&[NAME]),
        ["kubectl", "argo", "rollouts", "get", "rollout", _] => owned(&["--watch"]),
        ["kubectl", "argo", "rollouts", "set"] => owned(&["image"]),
        ["kubectl", "argo", "rollouts", "set", "image"] => owned(&[NAME]),
        ["kubectl", "argo", "rollouts", "set", "image", _] => updates,
        ["kubectl", "argo", "rollouts", "promote"]
        | ["kubectl", "argo", "rollouts", "abort" | "pause" | "undo" | "status"] => owned(&[NAME]),
        ["kubectl", "argo", "rollouts", "promote", _] => owned(&["--full"]),
        ["kubectl", "rollout"] => owned(kubectl::ROLLOUT_VERBS),
        ["kubectl", "rollout", _] | ["kubectl", "scale"] => vec![format!("deployment/{NAME}")],
        ["kubectl", "rollout", "undo", _] => owned(&["--to-revision="]),
        ["kubectl", "scale", _] => owned(&["--replicas="]),
        ["kubectl", "set"] => owned(&["image"]),
        ["kubectl", "set", "image"] => vec![format!("deployment/{NAME}")],
        ["kubectl", "set", "image", _] => updates,
        ["kubectl", "get"] => owned(&["deploy,rs,pods", "deployments", "replicasets", "pods", "all"]),
        ["kubectl", "describe"] => owned(&["deployment"]),
        ["kubectl", "describe", "deployment"] => owned(&[NAME]),
        ["aws"] => owned(&["autoscaling"]),
        ["aws", "autoscaling"] => owned(aws::OPERATIONS),
        ["aws", "autoscaling", _, .., "--auto-scaling-group-name"] => owned(&[GROUP]),
        ["aws", "autoscaling", "start-instance-refresh", ..] => {
            owned(&["--auto-scaling-group-name", "--preferences", "--desired-configuration"])
        }
        ["aws", "autoscaling", _, ..] => owned(&["--auto-scaling-group-name"]),
        ["docker"] => owned(&["build", "tag", "push", "image", "images"]),
        ["docker", "image"] => owned(&["ls"]),
        ["docker", "build", ..] => {
            let mut list = owned(&["-t", "--build-arg", "."]);
            list.extend(images.iter().cloned());
            list.push("APP_VERSION=".into());
            list
        }
        ["docker", "tag" | "push", ..] | ["trivy", "image"] => images,
        ["trivy"] => owned(&["image"]),
        ["ssh", ..] => world
            .instances()
            .iter()
            .filter(|i| i.state.is_live())
            .map(|i| i.id.to_string())
            .take(200)
            .collect(),
        ["ansible-playbook"] => owned(&["site.yml"]),
        _ => Vec::new(),
    };
    candidates.into_iter().filter(|candidate| candidate.starts_with(partial)).collect()
}

/// The registry's tags, newest image first.
fn tags(world: &World) -> Vec<String> {
    let supply = world.supply_view();
    let mut images: Vec<_> = supply.images.iter().collect();
    images.sort_by_key(|image| std::cmp::Reverse(image.built_tick));
    let mut tags: Vec<String> = Vec::new();
    for image in images {
        for tag in supply.tags_of(image.digest) {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
    }
    tags
}
