//! The real tools' words for the lab. A learner types what they would type at work —
//! `kubectl rollout status deployment/web`, `kubectl argo rollouts promote web`,
//! `aws autoscaling start-instance-refresh …`, `docker build …`, `ssh …` — and gets the answer in
//! the tool's own shape and words (formats taken from the tools' sources, see
//! `docs/reference/tool-formats.md`).
//!
//! Nothing here changes the world. A line is read against a `&World` and becomes a [`Reply`]:
//! text to print, or engine [`Command`]s for the shell to apply through its usual path (so share
//! links, replay, grading and determinism are unchanged), with the tool's words for success and
//! for each refusal. The same renderers serve `lab run --view` ([`view`]).

mod age;
mod ansible;
mod argo;
mod args;
mod aws;
mod docker;
mod help;
mod kubectl;
mod names;
mod ssh;
mod suggest;
mod table;
mod trivy;
mod words;

use lab_engine::{Command, CommandError, World};

pub use names::{GROUP, NAME};
pub use words::LINE_CHARS_MAX;

/// What a typed line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Print this; nothing changes.
    Print(Output),
    /// Apply these commands in order, then print `done`; on a refusal, print the tool's words for
    /// it ([`Act::refused`]) and apply nothing after it.
    Act(Act),
}

/// Text for the terminal, and whether the tool would have exited with an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The text, each line ending in `\n`.
    pub text: String,
    /// The tool failed (printed on stderr, exit status not 0).
    pub failed: bool,
    /// Keep printing as the world moves (`--watch`, `rollout status`).
    pub watch: Option<Watch>,
}

impl Output {
    pub(crate) fn ok(text: impl Into<String>) -> Self {
        Output { text: text.into(), failed: false, watch: None }
    }

    pub(crate) fn error(text: impl Into<String>) -> Self {
        Output { text: text.into(), failed: true, watch: None }
    }
}

/// Commands to apply and what to say about them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Act {
    /// The engine's commands, applied in order.
    pub commands: Vec<Command>,
    /// Printed once every command is accepted.
    pub done: String,
    /// The tool fails all the same (an ssh login the policy refuses is still made, so the audit
    /// log records it; an ansible run with a failed host): `done` is its error output.
    pub failed: bool,
    /// Whose words a refusal is put in.
    pub tool: Tool,
}

impl Act {
    // Named `new` as it makes the one thing a command module returns to act: the reply.
    #[allow(clippy::new_ret_no_self)]
    pub(crate) fn new(tool: Tool, commands: Vec<Command>, done: impl Into<String>) -> Reply {
        Reply::Act(Act { commands, done: done.into(), failed: false, tool })
    }

    /// Commands to apply although the tool fails (its error output in `done`).
    pub(crate) fn failing(tool: Tool, commands: Vec<Command>, done: impl Into<String>) -> Reply {
        Reply::Act(Act { commands, done: done.into(), failed: true, tool })
    }

    /// A refusal by the engine, in the tool's words.
    pub fn refused(&self, error: &CommandError) -> String {
        match self.tool {
            Tool::Kubectl => kubectl::refused(error),
            Tool::Argo => argo::refused(error),
            Tool::Aws => aws::refused(error),
            Tool::Docker => docker::refused(error),
            Tool::Ssh => ssh::refused(error),
        }
    }
}

/// The tool a command belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// `kubectl`.
    Kubectl,
    /// `kubectl argo rollouts`.
    Argo,
    /// `aws autoscaling`.
    Aws,
    /// `docker` and `trivy`.
    Docker,
    /// `ssh` and `ansible-playbook`.
    Ssh,
}

/// Something that keeps printing as ticks pass, until it is done or the learner stops it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    what: Watched,
    last: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Watched {
    RolloutStatus,
    ArgoRollout,
}

/// What a watch prints after a tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchUpdate {
    /// New text (empty when nothing changed).
    pub text: String,
    /// The watch is over (the rollout finished or failed).
    pub done: bool,
    /// It ended in an error.
    pub failed: bool,
}

impl Watch {
    fn new(what: Watched, shown: &str) -> Self {
        Watch { what, last: shown.to_owned() }
    }

    /// What to print after the world moved: only what changed since the last print.
    pub fn update(&mut self, world: &World) -> WatchUpdate {
        match self.what {
            Watched::RolloutStatus => {
                let (line, status) = kubectl::rollout_status_line(world);
                let (done, failed) =
                    (status != kubectl::StatusState::Waiting, status == kubectl::StatusState::Failed);
                if line == self.last {
                    return WatchUpdate { text: String::new(), done, failed };
                }
                self.last.clone_from(&line);
                WatchUpdate { text: line, done, failed }
            }
            Watched::ArgoRollout => {
                // Argo's --watch redraws the view in place until it is stopped; a terminal without
                // cursor control prints it again, under a blank line, when something other than
                // the ages changed.
                let signature = argo::signature(world);
                if signature == self.last {
                    return WatchUpdate { text: String::new(), done: false, failed: false };
                }
                self.last = signature;
                WatchUpdate { text: format!("\n{}", argo::get_rollout(world)), done: false, failed: false }
            }
        }
    }
}

/// Reads one typed line against the world.
pub fn run(world: &World, line: &str) -> Reply {
    let words = match words::split(line) {
        Ok(words) => words,
        Err(error) => return Reply::Print(Output::error(format!("{error}\n"))),
    };
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Reply::Print(Output::ok("")),
        ["help", rest @ ..] => Reply::Print(help::help(world, rest)),
        ["kubectl", "argo", "rollouts", rest @ ..] => argo::run(world, rest),
        ["kubectl", rest @ ..] => kubectl::run(world, rest),
        ["aws", rest @ ..] => aws::run(world, rest),
        ["docker", rest @ ..] => docker::run(world, rest),
        ["trivy", rest @ ..] => trivy::trivy(world, rest),
        ["ssh", rest @ ..] => ssh::ssh(world, rest),
        ["ansible-playbook", rest @ ..] => ansible::ansible_playbook(world, rest),
        ["clear", ..] => Reply::Print(Output::ok("")),
        [program, ..] => Reply::Print(Output::error(suggest::command_not_found(program))),
    }
}

/// Completions of the last word of `line` (whole words, in order): commands, sub-commands,
/// flags, resource names and image tags the tool would know.
pub fn complete(world: &World, line: &str) -> Vec<String> {
    help::complete(world, line)
}

/// The views `lab run --view` prints each tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// `kubectl rollout status` and `kubectl get deploy,rs,pods`.
    Kubectl,
    /// `kubectl argo rollouts get rollout`.
    Argo,
    /// `aws autoscaling describe-instance-refreshes`.
    Aws,
}

/// What the tool would print about the world now.
pub fn view(world: &World, which: View) -> String {
    match which {
        View::Kubectl => {
            let (status, _) = kubectl::rollout_status_line(world);
            format!(
                "$ kubectl rollout status deployment/{NAME} --watch=false\n{status}$ kubectl get deploy,rs,pods\n{}",
                kubectl::get(world, &["deploy,rs,pods"]).text
            )
        }
        View::Argo => argo::get_rollout(world),
        View::Aws => aws::describe_instance_refreshes(world),
    }
}
