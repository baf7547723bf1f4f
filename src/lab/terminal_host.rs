//! The terminal's other half, run in a Web Worker (`src/bin/terminal-worker.rs`) so that text the
//! page does not need at first — the real tools' words (`lab-tools`: kubectl, Argo's plugin, aws,
//! docker, ssh, their tables, trees and JSON) and the exports (Dockerfile, Packer, Terraform,
//! Kubernetes manifests) — is downloaded only when it is asked for, not with every page.
//!
//! The lab is deterministic, so the worker needs no copy of the world sent over: each request
//! carries the scenario and the commands given so far, and the worker replays them (keeping its
//! world between requests, so a request usually costs a few ticks of stepping). It answers with text
//! and, for a line that acts, the commands the page then applies exactly as it applies a button's.
//! Pure: tested natively.

use lab_engine::{Command, Digest, Playback, Scenario, TimedCommand, World};
use lab_tools::{Reply, Watch};
use serde::{Deserialize, Serialize};

/// What the worker says once it listens: requests sent before are held by the page until then.
pub const READY: &str = "ready";

/// What the page asks of the terminal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ask {
    /// Answer a typed line.
    Run(String),
    /// Complete the last word of a line.
    Complete(String),
    /// A tick has passed: what does the watch print now?
    Follow,
    /// Stop the watch (Ctrl+C).
    Stop,
    /// An image as text for real tools, in one of [`EXPORT_FORMATS`].
    Export { format: usize, image: Digest },
}

/// The export formats, with the file name a download gets.
pub const EXPORT_FORMATS: [(&str, &str); 4] = [
    ("Dockerfile", "Dockerfile"),
    ("Packer", "golden.pkr.hcl"),
    ("Terraform", "fleet.tf"),
    ("Kubernetes", "fleet.yaml"),
];

/// One request: the world to answer about (scenario, the commands in it, its tick) and the ask.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub scenario: Scenario,
    pub log: Vec<TimedCommand>,
    pub tick: u64,
    pub ask: Ask,
}

/// The worker's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Text to print; `watching` when it keeps printing as ticks pass.
    Text { text: String, failed: bool, watching: bool },
    /// Commands the worker's world accepted, to apply in order, then `text` (the tool's words for
    /// the result: its confirmation, or its words for a refusal after the accepted ones).
    Commands { commands: Vec<Command>, text: String, failed: bool },
    /// The completions of `line`.
    Completions { line: String, choices: Vec<String> },
    /// What a watch prints after a tick, and whether it is over.
    Followed { text: String, done: bool, failed: bool },
    /// An image as text in a format.
    Export { format: usize, image: Digest, text: String },
}

/// `"1"` or `"0"`, as the wire carries flags.
fn flag(on: bool) -> String {
    String::from(if on { "1" } else { "0" })
}

impl Answer {
    /// The answer as the worker posts it: a JSON array of strings, its kind first. The page reads
    /// it with readers it has anyway (a list of strings, a command log), so no parser is added to
    /// the page's download for it.
    pub fn to_wire(&self) -> String {
        let fields: Vec<String> = match self {
            Answer::Text { text, failed, watching } => {
                vec!["text".into(), flag(*failed), flag(*watching), text.clone()]
            }
            Answer::Commands { commands, text, failed } => {
                let log: Vec<TimedCommand> = commands
                    .iter()
                    .map(|command| TimedCommand { tick: 0, command: command.clone() })
                    .collect();
                vec![
                    "commands".into(),
                    flag(*failed),
                    serde_json::to_string(&log).unwrap_or_default(),
                    text.clone(),
                ]
            }
            Answer::Completions { line, choices } => {
                vec!["completions".into(), line.clone(), choices.join("\n")]
            }
            Answer::Followed { text, done, failed } => {
                vec!["followed".into(), flag(*done), flag(*failed), text.clone()]
            }
            Answer::Export { format, image, text } => {
                vec!["export".into(), format.to_string(), image.to_string(), text.clone()]
            }
        };
        serde_json::to_string(&fields).unwrap_or_default()
    }

    /// Reads what [`to_wire`](Self::to_wire) wrote.
    pub fn from_wire(text: &str) -> Option<Answer> {
        let fields: Vec<String> = lab_engine::parse_json(text).ok()?;
        let on = |index: usize| fields.get(index).is_some_and(|f| f == "1");
        let field = |index: usize| fields.get(index).cloned().unwrap_or_default();
        Some(match fields.first()?.as_str() {
            "text" => Answer::Text { failed: on(1), watching: on(2), text: field(3) },
            "commands" => {
                let log: Vec<TimedCommand> = lab_engine::parse_json(fields.get(2)?).ok()?;
                Answer::Commands {
                    commands: log.into_iter().map(|entry| entry.command).collect(),
                    failed: on(1),
                    text: field(3),
                }
            }
            "completions" => {
                let choices = field(2);
                let choices = if choices.is_empty() {
                    Vec::new()
                } else {
                    choices.split('\n').map(str::to_owned).collect()
                };
                Answer::Completions { line: field(1), choices }
            }
            "followed" => Answer::Followed { done: on(1), failed: on(2), text: field(3) },
            "export" => Answer::Export {
                format: fields.get(1)?.parse().ok()?,
                image: Digest::parse(fields.get(2)?).ok()?,
                text: field(3),
            },
            _ => return None,
        })
    }
}

/// The worker's state: its copy of the world and what made it, and the watch.
#[derive(Default)]
pub struct TerminalHost {
    replay: Option<Replay>,
    watch: Option<Watch>,
}

/// A world rebuilt from a scenario and a log, with how far the log is applied.
struct Replay {
    scenario: Scenario,
    world: World,
    playback: Playback,
    log: Vec<TimedCommand>,
    applied: usize,
}

impl Replay {
    fn new(scenario: Scenario) -> Self {
        Replay {
            world: World::new(&scenario),
            playback: Playback::new(&scenario),
            scenario,
            log: Vec::new(),
            applied: 0,
        }
    }

    /// Whether this replay can be carried forward to `log` at `tick`: same scenario, not past
    /// `tick`, and `log` only adds commands at or after the world's tick to what was applied.
    fn leads_to(&self, scenario: &Scenario, log: &[TimedCommand], tick: u64) -> bool {
        let now = self.world.now();
        self.scenario == *scenario
            && now <= tick
            && log.len() >= self.log.len()
            && log[..self.log.len()] == self.log[..]
            && log[self.applied..].iter().all(|entry| entry.tick >= now)
    }

    /// Steps to `tick`, giving each logged command at its tick, as the lab's own clock does.
    fn advance(&mut self, log: &[TimedCommand], tick: u64) {
        self.log.clear();
        self.log.extend_from_slice(log);
        loop {
            while let Some(entry) = self.log.get(self.applied).filter(|e| e.tick <= self.world.now()) {
                // A refusal here was a refusal in the page too: the log keeps what was given.
                let _ = self.world.apply(entry.command.clone());
                self.applied += 1;
            }
            if self.world.now() >= tick {
                break;
            }
            self.playback.step(&mut self.world);
        }
        // Events are the page's to show; the worker only reads state.
        self.world.drain_events().for_each(drop);
    }
}

/// Requests carry the page's whole log; a hand-made one is refused past this many commands.
const LOG_MAX: usize = 20_000;
/// Nor is a world replayed beyond this tick (a lesson ends far sooner; a sandbox rarely goes here).
const TICK_MAX: u64 = 1_000_000;

impl TerminalHost {
    /// Answers a request given as JSON, as JSON (a request that cannot be read gets a printed error).
    pub fn answer_json(&mut self, request: &str) -> String {
        let answer = match lab_engine::parse_json::<Request>(request) {
            Ok(request) if request.log.len() <= LOG_MAX && request.tick <= TICK_MAX => self.answer(request),
            Ok(_) => Answer::Text {
                text: "lab: the session is too long for the terminal\n".into(),
                failed: true,
                watching: false,
            },
            Err(error) => Answer::Text {
                text: format!("lab: the terminal could not read the request: {error}\n"),
                failed: true,
                watching: false,
            },
        };
        answer.to_wire()
    }

    /// Answers a request about the world it describes.
    pub fn answer(&mut self, request: Request) -> Answer {
        let Request { scenario, log, tick, ask } = request;
        let reusable = self.replay.as_ref().is_some_and(|replay| replay.leads_to(&scenario, &log, tick));
        if !reusable {
            self.replay = Some(Replay::new(scenario));
        }
        let replay = self.replay.as_mut().expect("just set");
        replay.advance(&log, tick);
        match ask {
            Ask::Complete(line) => {
                let choices = lab_tools::complete(&replay.world, &line);
                Answer::Completions { line, choices }
            }
            Ask::Export { format, image } => {
                let text = export(&replay.world, format, image);
                Answer::Export { format, image, text }
            }
            Ask::Stop => {
                self.watch = None;
                Answer::Followed { text: String::new(), done: true, failed: false }
            }
            Ask::Follow => match &mut self.watch {
                Some(watch) => {
                    let update = watch.update(&replay.world);
                    if update.done {
                        self.watch = None;
                    }
                    Answer::Followed { text: update.text, done: update.done, failed: update.failed }
                }
                None => Answer::Followed { text: String::new(), done: true, failed: false },
            },
            Ask::Run(line) => match lab_tools::run(&replay.world, &line) {
                Reply::Print(output) => {
                    let watching = output.watch.is_some();
                    self.watch = output.watch;
                    Answer::Text { text: output.text, failed: output.failed, watching }
                }
                Reply::Act(act) => {
                    let mut accepted = Vec::new();
                    for command in &act.commands {
                        if let Err(error) = replay.world.apply(command.clone()) {
                            // What was accepted stays given: the page gives it too, and the log
                            // the next request brings will match this world.
                            return Answer::Commands {
                                commands: accepted,
                                text: act.refused(&error),
                                failed: true,
                            };
                        }
                        replay.log.push(TimedCommand { tick: replay.world.now(), command: command.clone() });
                        replay.applied += 1;
                        accepted.push(command.clone());
                    }
                    replay.world.drain_events().for_each(drop);
                    Answer::Commands { commands: accepted, text: act.done, failed: act.failed }
                }
            },
        }
    }
}

/// An image of the registry as text for real tools (the lab's exports).
fn export(world: &World, format: usize, image: Digest) -> String {
    use lab_engine::export::{dockerfile, kubernetes_manifest, packer, terraform_launch_template};
    let Some(found) = world.supply_view().image(image) else {
        return format!("# {image} is not in the registry any more\n");
    };
    let spec = &found.spec;
    match format {
        0 => dockerfile(spec),
        1 => packer(spec, &lab_engine::tag_for_version(&spec.app_version)),
        2 => terraform_launch_template(spec, &image.to_string()),
        _ => {
            let rollout = world.rollout_view();
            kubernetes_manifest(rollout.strategy, rollout.replicas, image, rollout.progress_deadline_ticks)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(log: Vec<TimedCommand>, tick: u64, ask: Ask) -> Request {
        let scenario = Scenario::from_json(lab_engine::builtin::scenario("canary").unwrap()).unwrap();
        Request { scenario, log, tick, ask }
    }

    #[test]
    fn a_line_that_acts_comes_back_as_commands_the_page_can_apply() {
        let mut host = TerminalHost::default();
        // The scenario deploys 2.1.0 at tick 3.
        let answer = host.answer(request(Vec::new(), 5, Ask::Run("kubectl argo rollouts abort web".into())));
        assert_eq!(
            answer,
            Answer::Commands {
                commands: vec![Command::AbortRollout],
                text: "rollout 'web' aborted\n".into(),
                failed: false
            }
        );
        // The page logs the abort at tick 5; the next request brings it, and the worker carries on.
        let log = vec![TimedCommand { tick: 5, command: Command::AbortRollout }];
        let Answer::Text { text, .. } =
            host.answer(request(log, 7, Ask::Run("kubectl argo rollouts get rollout web".into())))
        else {
            panic!("get prints")
        };
        assert!(text.contains("✖ Degraded"), "{text}");
    }

    #[test]
    fn the_worker_world_is_the_page_world() {
        // Whatever the order of requests, the worker's world at tick t with log L is the world the
        // lab reaches by playing L: the same trace digest.
        let log = [TimedCommand { tick: 4, command: Command::Scale { replicas: 6 } }];
        let mut host = TerminalHost::default();
        for tick in [2, 9, 1, 20] {
            let _ = host.answer(request(
                log.iter().filter(|e| e.tick <= tick).cloned().collect(),
                tick,
                Ask::Follow,
            ));
            let replay = host.replay.as_ref().unwrap();
            let scenario = Scenario::from_json(lab_engine::builtin::scenario("canary").unwrap()).unwrap();
            let mut world = World::new(&scenario);
            let mut playback = Playback::new(&scenario);
            let mut given = log.iter().filter(|e| e.tick <= tick).peekable();
            loop {
                while let Some(entry) = given.next_if(|e| e.tick <= world.now()) {
                    let _ = world.apply(entry.command.clone());
                }
                if world.now() >= tick {
                    break;
                }
                playback.step(&mut world);
            }
            assert_eq!(replay.world.trace_digest(), world.trace_digest(), "tick {tick}");
        }
    }

    #[test]
    fn a_watch_prints_as_the_rollout_moves_until_stopped() {
        let mut host = TerminalHost::default();
        let answer =
            host.answer(request(Vec::new(), 4, Ask::Run("kubectl argo rollouts get rollout web -w".into())));
        assert!(matches!(answer, Answer::Text { watching: true, .. }), "{answer:?}");
        let mut printed = Vec::new();
        for tick in 5..12 {
            let Answer::Followed { text, done: false, .. } =
                host.answer(request(Vec::new(), tick, Ask::Follow))
            else {
                panic!("the rollout is still under way at tick {tick}")
            };
            printed.push(text);
        }
        // It prints when the rollout changes (not when only the ages do), the whole view each time.
        let shown: Vec<&String> = printed.iter().filter(|text| !text.is_empty()).collect();
        assert!(!shown.is_empty() && shown.len() < printed.len(), "{printed:?}");
        assert!(shown.iter().all(|text| text.contains("Name:            web")), "{printed:?}");
        assert_eq!(
            host.answer(request(Vec::new(), 12, Ask::Stop)),
            Answer::Followed { text: String::new(), done: true, failed: false }
        );
        assert!(matches!(
            host.answer(request(Vec::new(), 13, Ask::Follow)),
            Answer::Followed { done: true, .. }
        ));
    }

    #[test]
    fn unreadable_requests_are_answered_not_dropped() {
        let mut host = TerminalHost::default();
        let answer = Answer::from_wire(&host.answer_json("{not json")).unwrap();
        assert!(matches!(answer, Answer::Text { failed: true, .. }));
    }

    #[test]
    fn every_answer_crosses_the_wire_unchanged() {
        let image =
            Scenario::from_json(lab_engine::builtin::scenario("canary").unwrap()).unwrap().image.digest();
        for answer in [
            Answer::Text { text: "a\nb \"quoted\"".into(), failed: true, watching: false },
            Answer::Commands {
                commands: vec![Command::AbortRollout, Command::Scale { replicas: 3 }],
                text: "ok\n".into(),
                failed: false,
            },
            Answer::Completions { line: "kubectl ".into(), choices: vec!["get".into(), "rollout".into()] },
            Answer::Completions { line: "zz".into(), choices: Vec::new() },
            Answer::Followed { text: String::new(), done: true, failed: false },
            Answer::Export { format: 3, image, text: "apiVersion: apps/v1\n".into() },
        ] {
            assert_eq!(Answer::from_wire(&answer.to_wire()), Some(answer));
        }
        assert_eq!(Answer::from_wire("[\"nonsense\"]"), None);
    }

    #[test]
    fn exports_are_made_from_the_world_the_page_shows() {
        let mut host = TerminalHost::default();
        let scenario = Scenario::from_json(lab_engine::builtin::scenario("canary").unwrap()).unwrap();
        let image = scenario.image.digest();
        let answer = host.answer(Request {
            scenario,
            log: Vec::new(),
            tick: 1,
            ask: Ask::Export { format: 3, image },
        });
        let Answer::Export { text, .. } = answer else { panic!("{answer:?}") };
        assert!(text.contains("kind: Rollout"), "{text}");
    }
}
