//! Whatever is typed, the terminal answers and never panics, and the world changes only through
//! commands the engine validates: each command a line asks for survives the share-link round trip
//! (JSON out, the engine's reader in), and a refused one leaves the world as it was.

use lab_engine::{Command, Playback, Scenario, World};
use lab_tools::Reply;
use proptest::prelude::*;

/// Words the tools know, and some they do not, so random lines reach deep into the parsers.
const VOCABULARY: &[&str] = &[
    "kubectl",
    "argo",
    "rollouts",
    "rollout",
    "status",
    "history",
    "undo",
    "pause",
    "resume",
    "scale",
    "set",
    "image",
    "get",
    "describe",
    "deployment/web",
    "deploy",
    "web",
    "rs",
    "pods",
    "deploy,rs,pods",
    "all",
    "--replicas=3",
    "--replicas",
    "0",
    "-1",
    "99999999999",
    "--to-revision=1",
    "--to-revision=x",
    "--watch",
    "-w",
    "--full",
    "promote",
    "abort",
    "retry",
    "web=web:latest",
    "web=web:v2.1.0",
    "*=web:v1",
    "aws",
    "autoscaling",
    "start-instance-refresh",
    "describe-instance-refreshes",
    "cancel-instance-refresh",
    "rollback-instance-refresh",
    "--auto-scaling-group-name",
    "web-asg",
    "--preferences",
    r#"{"MinHealthyPercentage": 50}"#,
    r#"{"CheckpointPercentages": [150]}"#,
    r#"{"Nope": 1}"#,
    "{",
    "docker",
    "build",
    "-t",
    "web:v9",
    "--build-arg",
    "APP_VERSION=9.9.9",
    ".",
    "tag",
    "push",
    "ls",
    "images",
    "trivy",
    "ssh",
    "i-0001",
    "i-9999",
    "sudo apt-get install -y openssl=3.0.2",
    "--break-glass",
    "ansible-playbook",
    "site.yml",
    "help",
    "clear",
    "'",
    "\"",
    "\\",
    "--",
    "-",
    "=",
    "",
    "é",
    "\u{202E}",
    "\u{1b}[2J",
    "\t",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        // Mostly sequences of known words.
        4 => prop::collection::vec(prop::sample::select(VOCABULARY), 0..8).prop_map(|words| words.join(" ")),
        // Some arbitrary text, control characters and all.
        1 => any::<String>(),
        // Now and then something very long.
        1 => (prop::sample::select(VOCABULARY), 0usize..6000).prop_map(|(word, n)| word.repeat(n.min(6000) / word.len().max(1))),
    ]
}

/// The lab's scenarios that cover each tool's owner: a Deployment, a Rollout, an Auto Scaling group.
fn worlds() -> Vec<World> {
    ["demo", "canary-bad", "blue-green", "instance-refresh"]
        .iter()
        .map(|name| {
            let scenario = Scenario::from_json(lab_engine::builtin::scenario(name).unwrap()).unwrap();
            let mut world = World::new(&scenario);
            let mut playback = Playback::new(&scenario);
            for _ in 0..4 {
                playback.step(&mut world);
            }
            world
        })
        .collect()
}

/// Applies what a line asks for, checking every command on the way.
fn type_line(world: &mut World, line: &str) -> Result<(), TestCaseError> {
    let _ = lab_tools::complete(world, line);
    match lab_tools::run(world, line) {
        Reply::Print(output) => {
            prop_assert!(
                !output.text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{:?}",
                output.text
            );
        }
        Reply::Act(act) => {
            for command in &act.commands {
                let json = serde_json::to_string(command).expect("a command serializes");
                let read: Command =
                    lab_engine::parse_json(&json).map_err(|e| TestCaseError::fail(format!("{json}: {e}")))?;
                prop_assert_eq!(&read, command);
                let before = (world.snapshot(), world.now());
                if let Err(error) = world.apply(command.clone()) {
                    prop_assert_eq!(
                        (world.snapshot(), world.now()),
                        before,
                        "a refused command changed the world"
                    );
                    prop_assert!(!act.refused(&error).is_empty());
                    break;
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_lines_never_panic_and_change_the_world_only_by_valid_commands(lines in prop::collection::vec(line(), 1..12)) {
        for mut world in worlds() {
            for line in &lines {
                type_line(&mut world, line)?;
                world.step();
                prop_assert!(world.check_invariants().is_ok());
            }
        }
    }
}

#[test]
fn a_thousand_commands_in_a_row_are_answered() {
    let mut worlds = worlds();
    for (index, world) in worlds.iter_mut().enumerate() {
        for n in 0..1000 {
            let word = VOCABULARY[(n * 7 + index) % VOCABULARY.len()];
            let line = format!("kubectl {word} deployment/web {}", VOCABULARY[(n * 13) % VOCABULARY.len()]);
            type_line(world, &line).unwrap();
            if n % 10 == 0 {
                world.step();
            }
        }
        world.check_invariants().unwrap();
    }
}
