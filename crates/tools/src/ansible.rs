//! `ansible-playbook site.yml`: configuration management over the fleet, putting the image's
//! packages and configuration back on every live server. It converges what it manages and leaves
//! the rest (kernel parameters, cron jobs, tools, local data): the lab's point that converging is
//! not the same as being identical to the image.

use lab_engine::drift::{Observed, upgrade_conflict};
use lab_engine::{Command, InstanceId, World};

use crate::words::shown;
use crate::{Act, Output, Reply, Tool};

/// Per-host lines ansible prints per task and in the recap before it sums up the rest.
const HOST_LINES_MAX: usize = 12;
/// The one playbook the lab has.
const PLAYBOOK: &str = "site.yml";
const ANSIBLE_USAGE: &str =
    "usage: ansible-playbook [-h] [--version] [-v] [-i INVENTORY] [-C] [-D] playbook [playbook ...]\n";

/// How one task went on one host.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Changed,
    Failed(String),
}

/// One host's run of the playbook.
struct HostRun {
    id: InstanceId,
    /// Packages back to the image's versions.
    packages: Outcome,
    /// Configuration back to the image's values (not run once the packages failed).
    config: Outcome,
    /// Hand-made changes the playbook does not manage remain.
    unmanaged_left: bool,
}

pub(crate) fn ansible_playbook(world: &World, words: &[&str]) -> Reply {
    let mut check = false;
    let mut playbooks = Vec::new();
    let mut rest = words.iter();
    while let Some(&word) = rest.next() {
        match word {
            "-h" | "--help" => return Reply::Print(Output::ok(ANSIBLE_USAGE)),
            "-C" | "--check" => check = true,
            "-D" | "--diff" | "-v" | "-vv" | "-vvv" | "-vvvv" => {}
            "-i" | "--inventory" | "--inventory-file" => {
                if rest.next().is_none() {
                    return Reply::Print(Output::error(format!(
                        "{ANSIBLE_USAGE}ansible-playbook: error: argument -i/--inventory/--inventory-file: expected one argument\n"
                    )));
                }
            }
            flag if flag.starts_with("--inventory=") || (flag.starts_with("-i") && flag.len() > 2) => {}
            flag if flag.starts_with('-') => {
                return Reply::Print(Output::error(format!(
                    "{ANSIBLE_USAGE}ansible-playbook: error: unrecognized arguments: {}\n",
                    shown(flag)
                )));
            }
            playbook => playbooks.push(playbook),
        }
    }
    if playbooks.is_empty() {
        return Reply::Print(Output::error(format!(
            "{ANSIBLE_USAGE}ansible-playbook: error: the following arguments are required: playbook\n"
        )));
    }
    if let Some(missing) = playbooks.iter().find(|p| p.trim_start_matches("./") != PLAYBOOK) {
        return Reply::Print(Output::error(format!(
            "ERROR! the playbook: {} could not be found\nhint: the lab's playbook is {PLAYBOOK}: it puts the image's packages and configuration back on every server\n",
            shown(missing)
        )));
    }
    let runs = plan_runs(world);
    let text = play(&runs);
    if check {
        let failed = runs.iter().any(|run| matches!(run.packages, Outcome::Failed(_)));
        return Reply::Print(Output { text, failed, watch: None });
    }
    let failed = runs.iter().any(|run| matches!(run.packages, Outcome::Failed(_)));
    if failed {
        return Act::failing(Tool::Ssh, vec![Command::ConfigurationRun], text);
    }
    Act::new(Tool::Ssh, vec![Command::ConfigurationRun], text)
}

/// What the engine's configuration run will do to each live instance, worked out before it runs
/// by its own rules: an instance with drift has the packages and configuration its image manages
/// put back, unless a package cannot be (a tool pins it, a kernel setting breaks its scripts);
/// anything the image does not manage stays.
fn plan_runs(world: &World) -> Vec<HostRun> {
    let supply = world.supply_view();
    world
        .fleet_view()
        .live()
        .map(|instance| {
            let clean = HostRun {
                id: instance.id,
                packages: Outcome::Ok,
                config: Outcome::Ok,
                unmanaged_left: false,
            };
            let (Some(observed), Some(image)) = (instance.observed.as_deref(), supply.image(instance.image))
            else {
                return clean;
            };
            let baseline = Observed::baseline(&image.spec);
            let mut conflict = None;
            let mut packages_differ = false;
            for (package, version) in &baseline.packages {
                if observed.packages.get(package) != Some(version) {
                    packages_differ = true;
                    conflict = conflict.or_else(|| upgrade_conflict(observed, package, version));
                }
            }
            if let Some(reason) = conflict {
                return HostRun {
                    packages: Outcome::Failed(reason.to_string()),
                    config: Outcome::Ok,
                    unmanaged_left: true,
                    ..clean
                };
            }
            let config_differs =
                baseline.files.iter().any(|(path, value)| observed.files.get(path) != Some(value));
            let mut converged = observed.clone();
            converged.packages.extend(baseline.packages.iter().map(|(k, v)| (k.clone(), v.clone())));
            converged.files.extend(baseline.files.iter().map(|(k, v)| (k.clone(), v.clone())));
            HostRun {
                packages: if packages_differ { Outcome::Changed } else { Outcome::Ok },
                config: if config_differs { Outcome::Changed } else { Outcome::Ok },
                unmanaged_left: converged != baseline,
                ..clean
            }
        })
        .collect()
}

/// Ansible's `banner`: the title and stars to 80 columns (at least three), after a blank line.
fn banner(title: &str) -> String {
    let stars = 79usize.saturating_sub(title.chars().count()).max(3);
    format!("\n{title} {}\n", "*".repeat(stars))
}

/// Up to [`HOST_LINES_MAX`] lines of `lines` (each a host's id and line), those that say
/// something other than `ok` first, printed in host order, then how many more there were.
fn capped(mut lines: Vec<(InstanceId, bool, String)>) -> String {
    let total = lines.len();
    lines.sort_by_key(|(id, interesting, _)| (!*interesting, *id));
    lines.truncate(HOST_LINES_MAX);
    lines.sort_by_key(|(id, _, _)| *id);
    let mut text: String = lines.iter().map(|(_, _, line)| line.as_str()).collect();
    if total > lines.len() {
        text.push_str(&format!("... and {} more hosts\n", total - lines.len()));
    }
    text
}

/// The default callback's output for the run.
fn play(runs: &[HostRun]) -> String {
    let mut text = banner("PLAY [all]");
    if runs.is_empty() {
        text.push_str("skipping: no hosts matched\n");
        text.push_str(&banner("PLAY RECAP"));
        text.push('\n');
        return text;
    }
    text.push_str(&banner("TASK [Gathering Facts]"));
    text.push_str(&capped(runs.iter().map(|run| (run.id, false, format!("ok: [{}]\n", run.id))).collect()));
    let result_line = |id: InstanceId, outcome: &Outcome| match outcome {
        Outcome::Ok => (id, false, format!("ok: [{id}]\n")),
        Outcome::Changed => (id, true, format!("changed: [{id}]\n")),
        Outcome::Failed(message) => {
            let message = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".to_owned());
            (id, true, format!("fatal: [{id}]: FAILED! => {{\"changed\": false, \"msg\": {message}}}\n"))
        }
    };
    text.push_str(&banner("TASK [Pin packages to the image's versions]"));
    text.push_str(&capped(runs.iter().map(|run| result_line(run.id, &run.packages)).collect()));
    // A host that failed a task runs no more tasks.
    let going_on: Vec<&HostRun> =
        runs.iter().filter(|run| !matches!(run.packages, Outcome::Failed(_))).collect();
    if !going_on.is_empty() {
        text.push_str(&banner("TASK [Write the image's configuration]"));
        text.push_str(&capped(going_on.iter().map(|run| result_line(run.id, &run.config)).collect()));
    }
    text.push_str(&banner("PLAY RECAP"));
    let recap = runs
        .iter()
        .map(|run| {
            let tasks = [&Outcome::Ok, &run.packages, &run.config];
            let failed = usize::from(matches!(run.packages, Outcome::Failed(_)));
            let ran = if failed == 1 { &tasks[..1] } else { &tasks[..] };
            let ok = ran.len();
            let changed = ran.iter().filter(|o| ***o == Outcome::Changed).count();
            // ansible: `%-26s : ok=%-4s changed=%-4s …`, each count padded to four.
            let line = format!(
                "{:<26} : ok={ok:<4} changed={changed:<4} unreachable={:<4} failed={failed:<4} skipped={:<4} rescued={:<4} ignored={:<4}\n",
                run.id.to_string(),
                0,
                0,
                0,
                0
            );
            (run.id, changed + failed > 0, line)
        })
        .collect();
    text.push_str(&capped(recap));
    text.push('\n');
    let left = runs.iter().filter(|run| run.unmanaged_left).count();
    if left > 0 {
        text.push_str(&format!(
            "lab: {left} host(s) keep hand-made changes the playbook does not manage (kernel parameters, cron jobs, tools, local data); only replacing them from the image removes those.\n"
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners_are_eighty_columns() {
        assert_eq!(banner("PLAY [testhost]"), format!("\nPLAY [testhost] {}\n", "*".repeat(64)));
        let long = "x".repeat(100);
        assert_eq!(banner(&long), format!("\n{long} ***\n"));
    }
}
