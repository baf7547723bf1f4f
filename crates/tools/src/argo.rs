//! `kubectl argo rollouts`: `get rollout` (the header and the tree of `cmd/get/get_rollout.go`),
//! `promote [--full]`, `abort`, `retry rollout`, `pause`, `set image` and `undo`, with the
//! plugin's confirmations (`rollout 'web' promoted`).

use lab_engine::strategy::{AnalysisKind, AnalysisRun};
use lab_engine::{AbortCause, Command, CommandError, Lifecycle, Revision, RolloutPhase, StrategySpec, World};

use crate::args::Args;
use crate::kubectl::{container_image, flag_error, pod_status};
use crate::names::{NAME, Owner, owner, pod, replica_set};
use crate::table::{NARROW, align};
use crate::words::shown;
use crate::{Act, Output, Reply, Tool, Watch, Watched, age, suggest};

/// Pods listed per ReplicaSet before the rest are counted (the plugin lists them all).
const PODS_SHOWN_MAX: usize = 12;

/// The plugin's commands in the lab.
pub const COMMANDS: &[&str] = &["get", "promote", "abort", "retry", "pause", "set", "undo", "status"];

pub(crate) fn run(world: &World, words: &[&str]) -> Reply {
    let Some((command, rest)) = words.split_first() else {
        return Reply::Print(Output::ok(help()));
    };
    let (valued, switches): (&[&str], &[&str]) = match *command {
        "get" => (&[], &["watch", "w"]),
        "promote" => (&[], &["full"]),
        "undo" => (&["to-revision"], &[]),
        _ => (&[], &[]),
    };
    let args = match Args::parse(rest, valued, switches) {
        Ok(args) => args,
        Err(error) => return flag_error(error, &format!("kubectl argo rollouts {}", shown(command))),
    };
    let positional = args.positional.as_slice();
    // `get rollout web`, `retry rollout web`, `set image web …`: the kind word comes first.
    let (name, extra) = match (*command, positional) {
        ("get" | "retry", ["rollout" | "rollouts" | "ro", name, extra @ ..]) => (Some(*name), extra),
        ("get" | "retry", [other, ..]) => {
            return Reply::Print(Output::error(format!(
                "Error: unknown command \"{}\" for \"kubectl-argo-rollouts {command}\"\n",
                shown(other)
            )));
        }
        ("set", ["image", name, extra @ ..]) => (Some(*name), extra),
        ("set", _) => return Reply::Print(Output::error("Error: the lab's plugin knows 'set image' only\n")),
        (_, [name, extra @ ..]) => (Some(*name), extra),
        (_, []) => (None, &[][..]),
    };
    if !COMMANDS.contains(command) || *command == "help" {
        if matches!(*command, "help" | "--help" | "-h") {
            return Reply::Print(Output::ok(help()));
        }
        return Reply::Print(Output::error(format!(
            "Error: unknown command \"{}\" for \"kubectl-argo-rollouts\"\n{}",
            shown(command),
            suggest::did_you_mean(command, COMMANDS)
        )));
    }
    let Some(name) = name else {
        return Reply::Print(Output::error(format!(
            "Error: accepts 1 arg(s), received 0\nhint: the lab's rollout is called {NAME}: kubectl argo rollouts {command} {NAME}\n"
        )));
    };
    if name != NAME || owner(world) != Owner::Rollout {
        return Reply::Print(Output::error(not_found(world, name)));
    }
    let quoted = format!("rollout '{NAME}'");
    match *command {
        "get" | "status" => {
            let text = get_rollout(world);
            let watching = args.on("watch") || args.on("w");
            let watch = watching.then(|| Watch::new(Watched::ArgoRollout, &signature(world)));
            Reply::Print(Output { text, failed: false, watch })
        }
        "promote" if args.on("full") => {
            Act::new(Tool::Argo, vec![Command::PromoteFullRollout], format!("{quoted} fully promoted\n"))
        }
        "promote" => Act::new(Tool::Argo, vec![Command::PromoteRollout], format!("{quoted} promoted\n")),
        "abort" => Act::new(Tool::Argo, vec![Command::AbortRollout], format!("{quoted} aborted\n")),
        "retry" => Act::new(Tool::Argo, vec![Command::RetryRollout], format!("{quoted} retried\n")),
        "pause" => Act::new(Tool::Argo, vec![Command::Pause], format!("{quoted} paused\n")),
        "undo" => {
            let to_revision = match crate::args::to_revision(&args) {
                Ok(to_revision) => to_revision,
                Err(typed) => {
                    return Reply::Print(Output::error(format!(
                        "Error: {}",
                        crate::args::bad_revision(&typed)
                    )));
                }
            };
            Act::new(Tool::Argo, vec![Command::Undo { to_revision }], format!("{quoted} undo\n"))
        }
        _ => match extra {
            [update] => match container_image(update) {
                Ok(image) => Act::new(
                    Tool::Argo,
                    vec![Command::Deploy { image }],
                    format!("rollout \"{NAME}\" image updated\n"),
                ),
                Err(text) => Reply::Print(Output::error(text.replacen("error:", "Error:", 1))),
            },
            _ => Reply::Print(Output::error(format!(
                "Error: accepts 2 args, received {}\nhint: kubectl argo rollouts set image {NAME} {NAME}=web:<tag>\n",
                positional.len().saturating_sub(1)
            ))),
        },
    }
}

/// The plugin's not-found error, and the lab's hint.
fn not_found(world: &World, name: &str) -> String {
    let text = format!("Error: rollouts.argoproj.io \"{}\" not found\n", shown(name));
    text + &crate::names::hint(world, Owner::Rollout, name)
}

/// The plugin's status icons.
fn icon(status: &str) -> &'static str {
    match status {
        "Healthy" | "Running" | "Successful" => "✔",
        "Progressing" | "Pending" | "ContainerCreating" | "Terminating" => "◌",
        "Paused" => "॥",
        "Degraded" | "Failed" => "✖",
        "Inconclusive" => "?",
        "ScaledDown" => "•",
        _ => "⚠",
    }
}

/// The phase's message, as the controller writes it.
fn message(world: &World) -> Option<String> {
    let view = world.rollout_view();
    let target = view.target;
    let blue_green = matches!(view.strategy, StrategySpec::BlueGreen(_));
    match view.phase {
        RolloutPhase::Healthy => None,
        RolloutPhase::Degraded => Some(match view.abort_cause {
            Some(cause) => format!(
                "RolloutAborted: Rollout aborted update to revision {}: {}",
                target.number,
                abort_words(cause)
            ),
            None => format!(
                "ProgressDeadlineExceeded: ReplicaSet \"{}\" has timed out progressing.",
                replica_set(target)
            ),
        }),
        RolloutPhase::Paused => Some(
            if view.paused {
                "manually paused"
            } else if view.inconclusive_pause.is_some() {
                "InconclusiveAnalysis"
            } else if blue_green {
                "BlueGreenPause"
            } else {
                "CanaryPauseStep"
            }
            .to_owned(),
        ),
        RolloutPhase::Progressing => {
            let s = crate::kubectl::status(world);
            Some(
                if s.updated < s.replicas {
                    "more replicas need to be updated"
                } else if s.available < s.updated {
                    "updated replicas are still becoming available"
                } else if blue_green && view.stable != Some(target.number) {
                    "active service cutover pending"
                } else if blue_green {
                    // Switched, not yet stable: only a post-promotion analysis holds it back.
                    "waiting for analysis to complete"
                } else if s.total > s.updated {
                    "old replicas are pending termination"
                } else {
                    "waiting for all steps to complete"
                }
                .to_owned(),
            )
        }
    }
}

fn abort_words(cause: &AbortCause) -> String {
    match cause {
        AbortCause::Hand => "aborted by hand".to_owned(),
        other => other.to_string(),
    }
}

/// What a watch compares from tick to tick: the view without its ages (which change every tick).
pub(crate) fn signature(world: &World) -> String {
    render(world, false)
}

/// `kubectl argo rollouts get rollout web`: the header, then the tree.
pub(crate) fn get_rollout(world: &World) -> String {
    render(world, true)
}

fn render(world: &World, ages: bool) -> String {
    let view = world.rollout_view();
    let blue_green = matches!(view.strategy, StrategySpec::BlueGreen(_));
    let phase = view.phase.as_str();
    let mut head: Vec<(String, String)> = vec![
        ("Name:".into(), NAME.into()),
        ("Namespace:".into(), "default".into()),
        ("Status:".into(), format!("{} {phase}", icon(phase))),
    ];
    if let Some(message) = message(world) {
        head.push(("Message:".into(), message));
    }
    head.push(("Strategy:".into(), if blue_green { "BlueGreen" } else { "Canary" }.into()));
    if !blue_green {
        let steps = view.steps().len();
        let step = if view.complete { steps } else { (view.step_index as usize).min(steps) };
        let target = view.target.number;
        let weights = view.weights();
        let actual =
            view.revisions.iter().zip(&weights).find(|(r, _)| r.number == target).map_or(0, |(_, w)| *w);
        let set_weight =
            if view.complete { 100 } else { view.weight_goal.map_or(actual, |goal| goal.percent) };
        head.push(("  Step:".into(), format!("{step}/{steps}")));
        head.push(("  SetWeight:".into(), set_weight.to_string()));
        head.push(("  ActualWeight:".into(), actual.to_string()));
    }
    let mut first_image = true;
    let mut revisions: Vec<&Revision> =
        view.revisions.iter().filter(|r| r.live > 0 || r.desired > 0).collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.number));
    for revision in &revisions {
        let labels = labels(world, revision, blue_green);
        let image = crate::names::image_ref(world, revision.image);
        let value = if labels.is_empty() { image } else { format!("{image} ({})", labels.join(", ")) };
        head.push((if first_image { "Images:" } else { "" }.into(), value));
        first_image = false;
    }
    let s = crate::kubectl::status(world);
    head.push(("Replicas:".into(), String::new()));
    for (label, value) in [
        ("Desired:", s.replicas),
        ("Current:", s.total),
        ("Updated:", s.updated),
        ("Ready:", s.available),
        ("Available:", s.available),
    ] {
        head.push((format!("  {label}"), value.to_string()));
    }
    let mut text = String::new();
    for (label, value) in head {
        if value.is_empty() {
            text.push_str(&label);
        } else {
            text.push_str(&format!("{label:<17}{value}"));
        }
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&tree(world, blue_green, ages));
    text
}

/// The INFO labels of a revision's ReplicaSet.
fn labels(world: &World, revision: &Revision, blue_green: bool) -> Vec<&'static str> {
    let view = world.rollout_view();
    let stable = view.stable == Some(revision.number);
    let target = view.target.number == revision.number;
    let mut labels = Vec::new();
    if stable {
        labels.push("stable");
        if blue_green {
            labels.push("active");
        }
    }
    if target && !stable {
        labels.push(if blue_green { "preview" } else { "canary" });
    }
    labels
}

/// One row of the tree: its prefix and icon, name, kind, status, age and info.
struct Row {
    prefix: String,
    icon: &'static str,
    name: String,
    kind: &'static str,
    status: String,
    age: u64,
    info: String,
}

fn tree(world: &World, blue_green: bool, ages: bool) -> String {
    let view = world.rollout_view();
    let now = world.now();
    let phase = view.phase.as_str().to_owned();
    let mut rows = vec![Row {
        prefix: String::new(),
        icon: "⟳",
        name: NAME.into(),
        kind: "Rollout",
        status: phase,
        age: now,
        info: String::new(),
    }];
    let mut revisions: Vec<&Revision> = view.revisions.iter().collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.number));
    let last_revision = revisions.len().saturating_sub(1);
    let mut revision_lines = Vec::new();
    for (index, revision) in revisions.iter().enumerate() {
        let (branch, down) =
            if index == last_revision { ("└──", "   ") } else { ("├──", "│  ") };
        revision_lines.push(rows.len());
        rows.push(Row {
            prefix: format!("{branch}# revision:{}", revision.number),
            icon: "",
            name: String::new(),
            kind: "",
            status: String::new(),
            age: 0,
            info: String::new(),
        });
        let runs: Vec<&AnalysisRun> =
            view.analysis_runs.iter().flatten().filter(|run| run.revision == revision.number).collect();
        let rs_last = runs.is_empty();
        let (rs_branch, rs_down) = if rs_last { ("└──", "   ") } else { ("├──", "│  ") };
        let status = if revision.desired == 0 && revision.live == 0 && revision.terminating == 0 {
            "ScaledDown"
        } else if revision.available == revision.desired
            && revision.live == revision.desired
            && revision.terminating == 0
        {
            "Healthy"
        } else {
            "Progressing"
        };
        rows.push(Row {
            prefix: format!("{down}{rs_branch}"),
            icon: "⧉",
            name: replica_set(revision),
            kind: "ReplicaSet",
            status: status.into(),
            age: now.saturating_sub(revision.created_tick),
            info: labels(world, revision, blue_green).join(","),
        });
        let mut pods: Vec<(String, Lifecycle, u64)> = world
            .instances()
            .iter()
            .filter(|i| i.revision == revision.number && i.state != Lifecycle::Terminated)
            .map(|i| (pod(revision, i), i.state, now.saturating_sub(i.launch_tick)))
            .collect();
        pods.sort();
        // A big fleet would bury the tree: the first pods are shown, then how many more.
        let more = pods.len().saturating_sub(PODS_SHOWN_MAX);
        pods.truncate(PODS_SHOWN_MAX);
        let last_pod = pods.len().saturating_sub(1);
        for (index, (name, state, age)) in pods.into_iter().enumerate() {
            let branch = if index == last_pod { "└──" } else { "├──" };
            let status = pod_status(state);
            rows.push(Row {
                prefix: format!("{down}{rs_down}{branch}"),
                icon: "□",
                name,
                kind: "Pod",
                status: status.into(),
                age,
                info: format!("ready:{}/1", u8::from(state == Lifecycle::InService)),
            });
        }
        if more > 0 {
            rows.push(Row {
                prefix: format!("{down}{rs_down}   "),
                icon: "…",
                name: format!("{more} more pods (the lab shows {PODS_SHOWN_MAX} per ReplicaSet)"),
                kind: "",
                status: String::new(),
                age: 0,
                info: String::new(),
            });
        }
        let last_run = runs.len().saturating_sub(1);
        for (index, run) in runs.into_iter().enumerate() {
            let branch = if index == last_run { "└──" } else { "├──" };
            rows.push(Row {
                prefix: format!("{down}{branch}"),
                icon: "α",
                name: run_name(revision, run),
                kind: "AnalysisRun",
                status: run_phase(world, run).into(),
                age: now.saturating_sub(run.started_tick),
                info: run_counts(run),
            });
        }
    }
    let mut text = String::from("NAME\tKIND\tSTATUS\tAGE\tINFO\n");
    for (index, row) in rows.iter().enumerate() {
        if revision_lines.contains(&index) {
            // Revision lines carry empty cells, so the columns stay aligned across them.
            text.push_str(&format!("{}\t\t\t\t\n", row.prefix));
        } else if row.kind.is_empty() {
            text.push_str(&format!("{}{} {}\t\t\t\t\n", row.prefix, row.icon, row.name));
        } else {
            text.push_str(&format!(
                "{}{} {}\t{}\t{} {}\t{}\t{}\n",
                row.prefix,
                row.icon,
                row.name,
                row.kind,
                // An AnalysisRun still measuring is drawn as work in progress, a pod running as done.
                if row.kind == "AnalysisRun" && row.status == "Running" { "◌" } else { icon(&row.status) },
                row.status,
                if ages { age::human(row.age) } else { String::new() },
                row.info
            ));
        }
    }
    // Cells padded to the last column leave trailing blanks, as the plugin's writer does; the
    // terminal shows text, so they are trimmed.
    align(&text, NARROW).lines().map(|line| format!("{}\n", line.trim_end())).collect()
}

/// Argo's names: the ReplicaSet, the revision, and the step (or `pre` / `post`).
fn run_name(revision: &Revision, run: &AnalysisRun) -> String {
    let rs = replica_set(revision);
    match run.kind {
        AnalysisKind::Step => format!("{rs}-{}-{}", revision.number, run.step_index),
        AnalysisKind::Background => format!("{rs}-{}", revision.number),
        AnalysisKind::PrePromotion => format!("{rs}-{}-pre", revision.number),
        AnalysisKind::PostPromotion => format!("{rs}-{}-post", revision.number),
    }
}

fn run_phase(world: &World, run: &AnalysisRun) -> &'static str {
    let view = world.rollout_view();
    let over = run.finished || view.aborted;
    match () {
        () if run.failed > 0 && over => "Failed",
        () if view.inconclusive_pause.is_some() || (over && run.inconclusive > 0) => "Inconclusive",
        () if over => "Successful",
        () => "Running",
    }
}

/// `✔ 3,✖ 1`: the measurements by verdict, zero counts left out.
fn run_counts(run: &AnalysisRun) -> String {
    let counts = [("✔", run.successful), ("✖", run.failed), ("?", run.inconclusive)];
    counts.iter().filter(|(_, n)| *n > 0).map(|(icon, n)| format!("{icon} {n}")).collect::<Vec<_>>().join(",")
}

/// A refusal by the engine in the plugin's words.
pub(crate) fn refused(error: &CommandError) -> String {
    match error {
        CommandError::UnknownRevision { revision } => {
            format!("Error: unable to find specified revision {revision} in history\n")
        }
        CommandError::SkippedRollback { revision } => {
            format!("skipped rollback (current template already matches revision {revision})\n")
        }
        CommandError::UnknownImage { .. } | CommandError::AmbiguousImage { .. } => {
            format!(
                "Error: {error}\nhint: build it first ('docker build'), or list what there is with 'docker image ls'\n"
            )
        }
        other => format!("Error: {other}\n"),
    }
}

/// The Argo Rollouts plugin's short help.
pub(crate) fn help() -> String {
    format!(
        "kubectl argo rollouts manages Argo Rollouts (the lab's rollout is called {NAME}).\n\nCommands:\n  get rollout {NAME} [--watch]            Show the rollout: status, step, weights, ReplicaSets, pods, analysis\n  promote {NAME} [--full]                 End a pause (blue-green: switch traffic); --full skips the remaining steps\n  abort {NAME}                            Send all traffic back to the stable revision\n  retry rollout {NAME}                    Try an aborted rollout again\n  pause {NAME}                            Pause the rollout\n  set image {NAME} {NAME}={NAME}:<tag>          Roll out another image\n  undo {NAME} [--to-revision=N]           Go back to the previous (or a given) revision\n"
    )
}
