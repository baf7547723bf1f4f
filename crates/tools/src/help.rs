//! `help`, each tool's short help, and tab completion of commands, flags and names.

use lab_engine::World;

use crate::names::{GROUP, NAME, Owner, owner};
use crate::{Output, argo, aws, kubectl, suggest};

/// `help`, or `help <tool>`.
pub(crate) fn help(world: &World, topic: &[&str]) -> Output {
    match topic {
        ["kubectl", "argo", ..] | ["argo", ..] => Output::ok(argo()),
        ["kubectl", ..] => Output::ok(kubectl()),
        ["aws", ..] => Output::ok(aws()),
        ["docker" | "trivy", ..] => Output::ok(docker()),
        ["ssh" | "ansible-playbook" | "ansible", ..] => Output::ok(ssh()),
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

pub(crate) fn kubectl() -> String {
    format!(
        "kubectl controls the Kubernetes cluster manager (the lab's cluster runs one Deployment, {NAME}).\n\nCommands:\n  rollout status deployment/{NAME}      Watch the rollout until it is done (Ctrl+C stops watching)\n  rollout history deployment/{NAME}     List the revisions\n  rollout undo deployment/{NAME} [--to-revision=N]\n                                      Go back to the previous (or a given) revision\n  rollout pause|resume deployment/{NAME}\n  scale deployment/{NAME} --replicas=N  Resize the fleet\n  set image deployment/{NAME} {NAME}={NAME}:<tag>\n                                      Roll out another image\n  get deploy,rs,pods                  List the Deployment, its ReplicaSets and pods\n  describe deployment {NAME}            Show details, conditions and events\n"
    )
}

pub(crate) fn argo() -> String {
    format!(
        "kubectl argo rollouts manages Argo Rollouts (the lab's rollout is called {NAME}).\n\nCommands:\n  get rollout {NAME} [--watch]            Show the rollout: status, step, weights, ReplicaSets, pods, analysis\n  promote {NAME} [--full]                 End a pause (blue-green: switch traffic); --full skips the remaining steps\n  abort {NAME}                            Send all traffic back to the stable revision\n  retry rollout {NAME}                    Try an aborted rollout again\n  pause {NAME}                            Pause the rollout\n  set image {NAME} {NAME}={NAME}:<tag>          Roll out another image\n  undo {NAME} [--to-revision=N]           Go back to the previous (or a given) revision\n"
    )
}

pub(crate) fn aws() -> String {
    format!(
        "aws autoscaling: EC2 Auto Scaling (the lab's group is called {GROUP}; seconds are ticks).\n\nOperations:\n  start-instance-refresh --auto-scaling-group-name {GROUP}\n      [--preferences '{{\"MinHealthyPercentage\": 90, \"InstanceWarmup\": 0, \"CheckpointPercentages\": [20, 100], \"CheckpointDelay\": 30, \"AutoRollback\": true}}']\n      [--desired-configuration '{{\"LaunchTemplate\": {{\"LaunchTemplateName\": \"{NAME}\", \"Version\": \"$Latest\"}}}}']\n      Replace the group's instances with the launch template's version (an image tag; $Latest is the newest image)\n  describe-instance-refreshes --auto-scaling-group-name {GROUP}\n  cancel-instance-refresh --auto-scaling-group-name {GROUP}     Stop; replaced instances stay\n  rollback-instance-refresh --auto-scaling-group-name {GROUP}   Stop and put the previous image back\n"
    )
}

fn docker() -> String {
    format!(
        "docker builds and ships images; trivy scans them (the lab's repository is {NAME}).\n\nCommands:\n  docker build -t {NAME}:<tag> [--build-arg APP_VERSION=<version>] [--build-arg BASE=<base image>] .\n  docker tag {NAME}:<tag> {NAME}:<new tag>\n  docker push {NAME}:<tag>\n  docker image ls\n  trivy image {NAME}:<tag>\n"
    )
}

fn ssh() -> String {
    "ssh logs into one instance and runs a command there; ansible-playbook runs configuration management over the fleet.\n\nCommands:\n  ssh <instance> '<command>'   e.g. ssh i-0001 'sudo apt-get install -y openssl=3.0.2'\n  ssh --break-glass <instance> '<command>'   Emergency access on an immutable fleet (the instance is marked for replacement)\n  ansible-playbook site.yml\n".to_owned()
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
