//! `kubectl get` and `kubectl describe`: the Deployment, its ReplicaSets and its pods in kubectl's
//! tables (`get.go`'s printers), and the Deployment described as `describe.go` writes it.

use lab_engine::{ConditionReason, Event, Lifecycle, Progressing, Revision, StrategySpec, World};

use super::{deployment, flag_error, status};
use crate::args::Args;
use crate::names::{NAME, Owner, owner, pod, replica_set};
use crate::table::{KUBECTL_GET, NARROW, align};
use crate::words::shown;
use crate::{Output, Reply, age};

/// The kinds `kubectl get` knows in the lab, in the order `all` lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Deployment,
    ReplicaSet,
    Pod,
}

fn kind_of(word: &str) -> Option<&'static [Kind]> {
    match word {
        "deployment" | "deployments" | "deploy" | "deployment.apps" | "deployments.apps" => {
            Some(&[Kind::Deployment])
        }
        "replicaset" | "replicasets" | "rs" | "replicaset.apps" | "replicasets.apps" => {
            Some(&[Kind::ReplicaSet])
        }
        "pod" | "pods" | "po" => Some(&[Kind::Pod]),
        "all" => Some(&[Kind::Pod, Kind::Deployment, Kind::ReplicaSet]),
        _ => None,
    }
}

pub(super) fn get_command(world: &World, rest: &[&str]) -> Output {
    let args = match Args::parse(rest, &["output", "o", "namespace", "n"], &["watch", "w"]) {
        Ok(args) => args,
        Err(error) => {
            return match flag_error(error, "kubectl get") {
                Reply::Print(output) => output,
                Reply::Act(_) => unreachable!("flag errors print"),
            };
        }
    };
    get(world, &args.positional)
}

/// `kubectl get <kinds> [name]`.
pub(crate) fn get(world: &World, positional: &[&str]) -> Output {
    let Some(kinds_word) = positional.first() else {
        return Output::error(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\n",
        );
    };
    let mut kinds = Vec::new();
    for word in kinds_word.split(',') {
        match kind_of(word) {
            Some(found) => kinds.extend_from_slice(found),
            None if matches!(word, "rollout" | "rollouts" | "ro") => {
                return Output::error(format!(
                    "error: the lab shows Argo Rollouts through its plugin: try 'kubectl argo rollouts get rollout {NAME}'\n"
                ));
            }
            None => {
                return Output::error(format!(
                    "error: the server doesn't have a resource type \"{}\"\n",
                    shown(word)
                ));
            }
        }
    }
    let name = positional.get(1).copied();
    let prefixed = kinds.len() > 1;
    let mut sections = Vec::new();
    for kind in kinds {
        let (header, prefix, rows) = match kind {
            Kind::Deployment => {
                ("NAME\tREADY\tUP-TO-DATE\tAVAILABLE\tAGE", "deployment.apps/", deployment_rows(world))
            }
            Kind::ReplicaSet => {
                ("NAME\tDESIRED\tCURRENT\tREADY\tAGE", "replicaset.apps/", replica_set_rows(world))
            }
            Kind::Pod => ("NAME\tREADY\tSTATUS\tRESTARTS\tAGE", "pod/", pod_rows(world)),
        };
        let rows: Vec<(String, String)> =
            rows.into_iter().filter(|(n, _)| name.is_none_or(|wanted| wanted == n)).collect();
        if rows.is_empty() {
            continue;
        }
        let mut table = format!("{header}\n");
        for (row_name, cells) in rows {
            let shown_name = if prefixed { format!("{prefix}{row_name}") } else { row_name };
            table.push_str(&format!("{shown_name}\t{cells}\n"));
        }
        sections.push(align(&table, KUBECTL_GET));
    }
    if sections.is_empty() {
        if let (Some(name), [kind]) = (name, kinds_word.split(',').collect::<Vec<_>>().as_slice()) {
            let resource = match kind_of(kind).and_then(|k| k.first()) {
                Some(Kind::Deployment) => "deployments.apps",
                Some(Kind::ReplicaSet) => "replicasets.apps",
                _ => "pods",
            };
            return Output::error(format!(
                "Error from server (NotFound): {resource} \"{}\" not found\n",
                shown(name)
            ));
        }
        let mut text = String::from("No resources found in default namespace.\n");
        if owner(world) == Owner::AutoScalingGroup {
            text.push_str(&format!(
                "hint: this fleet is EC2 instances in an Auto Scaling group, not pods; try 'aws autoscaling describe-instance-refreshes --auto-scaling-group-name {}'\n",
                crate::GROUP
            ));
        }
        return Output::error(text);
    }
    Output::ok(sections.join("\n"))
}

fn deployment_rows(world: &World) -> Vec<(String, String)> {
    if owner(world) != Owner::Deployment {
        return Vec::new();
    }
    let s = status(world);
    vec![(
        NAME.to_owned(),
        format!(
            "{}/{}\t{}\t{}\t{}",
            s.available,
            s.replicas,
            s.updated,
            s.available,
            age::human(world.now())
        ),
    )]
}

/// Revisions as ReplicaSets (kept by Deployments and Rollouts alike), sorted by name as the API
/// lists them.
fn replica_set_rows(world: &World) -> Vec<(String, String)> {
    if owner(world) == Owner::AutoScalingGroup {
        return Vec::new();
    }
    let mut rows: Vec<(String, String)> = world
        .revisions()
        .iter()
        .map(|r| {
            let cells = format!(
                "{}\t{}\t{}\t{}",
                r.desired,
                r.live,
                r.available,
                age::human(world.now().saturating_sub(r.created_tick))
            );
            (replica_set(r), cells)
        })
        .collect();
    rows.sort();
    rows
}

/// A pod's STATUS column: its phase, or the reason kubectl shows instead.
pub(crate) fn pod_status(state: Lifecycle) -> &'static str {
    match state {
        Lifecycle::Pending => "Pending",
        Lifecycle::Booting => "ContainerCreating",
        Lifecycle::InService => "Running",
        Lifecycle::Draining | Lifecycle::Terminated => "Terminating",
    }
}

fn pod_rows(world: &World) -> Vec<(String, String)> {
    if owner(world) == Owner::AutoScalingGroup {
        return Vec::new();
    }
    let revisions = world.revisions();
    let mut rows: Vec<(String, String)> = world
        .instances()
        .iter()
        .filter(|i| i.state != Lifecycle::Terminated)
        .filter_map(|i| {
            let revision = revisions.iter().find(|r| r.number == i.revision)?;
            let ready = u8::from(i.state == Lifecycle::InService);
            let cells = format!(
                "{ready}/1\t{}\t0\t{}",
                pod_status(i.state),
                age::human(world.now().saturating_sub(i.launch_tick))
            );
            Some((pod(revision, i), cells))
        })
        .collect();
    rows.sort();
    rows
}

pub(super) fn describe_command(world: &World, rest: &[&str]) -> Output {
    let args = match Args::parse(rest, &[], &[]) {
        Ok(args) => args,
        Err(error) => {
            return match flag_error(error, "kubectl describe") {
                Reply::Print(output) => output,
                Reply::Act(_) => unreachable!("flag errors print"),
            };
        }
    };
    match deployment(world, &args.positional, "describe") {
        Ok(()) => Output::ok(describe(world)),
        Err(Reply::Print(output)) => output,
        Err(Reply::Act(_)) => unreachable!("lookups print"),
    }
}

/// `kubectl describe deployment web`, through one tab writer as kubectl's is.
fn describe(world: &World) -> String {
    let s = status(world);
    let target = world.target_revision();
    let (strategy_type, rolling) = match world.strategy() {
        StrategySpec::Rolling(rolling) => ("RollingUpdate", Some(rolling)),
        _ => ("Recreate", None),
    };
    let conditions = world.conditions();
    let progressing = match (conditions.progressing, conditions.reason) {
        (_, ConditionReason::DeploymentPaused) => "Unknown",
        (Progressing::False, _) => "False",
        _ => "True",
    };
    let available_reason =
        if conditions.available { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" };
    let mut text = format!(
        "Name:\t{NAME}\nNamespace:\tdefault\nCreationTimestamp:\t{}\nLabels:\tapp={NAME}\nAnnotations:\tdeployment.kubernetes.io/revision: {}\nSelector:\tapp={NAME}\nReplicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\nStrategyType:\t{strategy_type}\nMinReadySeconds:\t0\n",
        age::rfc1123z(0),
        target.number,
        s.replicas,
        s.updated,
        s.total,
        s.available,
        s.replicas.saturating_sub(s.available),
    );
    if let Some(rolling) = rolling {
        let plain = |value: String| value.trim_matches('"').to_owned();
        text.push_str(&format!(
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            plain(rolling.max_unavailable.to_string()),
            plain(rolling.max_surge.to_string())
        ));
    }
    text.push_str(&format!(
        "Pod Template:\n  Labels:\tapp={NAME}\n  Containers:\n   {NAME}:\n    Image:\t{}\nConditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n  Available \t{}\t{available_reason}\n  Progressing \t{progressing}\t{}\n",
        crate::names::image_ref(world, target.image),
        if conditions.available { "True" } else { "False" },
        conditions.reason
    ));
    let created = |r: &Revision| format!("{} ({}/{} replicas created)", replica_set(r), r.live, r.desired);
    let old: Vec<String> =
        world.revisions().iter().filter(|r| r.number != target.number).map(created).collect();
    text.push_str(&format!(
        "OldReplicaSets:\t{}\nNewReplicaSet:\t{}\n",
        if old.is_empty() { "<none>".to_owned() } else { old.join(", ") },
        created(target)
    ));
    text.push_str(&events(world));
    align(&text, NARROW)
}

/// The Deployment's recent scaling events, as the Events table shows them.
fn events(world: &World) -> String {
    let revisions = world.revisions();
    let rows: Vec<String> = world
        .history()
        .iter()
        .filter_map(|record| match &record.event {
            Event::RevisionScaled { revision, from, to } => {
                let revision = revisions.iter().find(|r| r.number == *revision)?;
                let direction = if to > from { "up" } else { "down" };
                Some(format!(
                    "  Normal\tScalingReplicaSet\t{}\tdeployment-controller\tScaled {direction} replica set {} from {from} to {to}\n",
                    age::human(world.now().saturating_sub(record.tick)),
                    replica_set(revision)
                ))
            }
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return "Events:\t<none>\n".to_owned();
    }
    let skip = rows.len().saturating_sub(10);
    format!(
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n{}",
        rows[skip..].concat()
    )
}
