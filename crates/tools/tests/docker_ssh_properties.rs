//! The hands-on tools (docker, trivy, ssh, ansible-playbook): nothing read-only changes the world,
//! and nothing typed makes them panic.

mod common;

use common::*;
use lab_tools::{Reply, run};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Nothing read-only changes the world, and nothing panics

#[test]
fn read_only_commands_leave_the_world_as_it_was() {
    for json in [SANDBOX, SNOWFLAKES] {
        let mut world = world(json);
        for _ in 0..3 {
            world.step();
        }
        let host = live(&world)[0].id;
        let before = fingerprint(&world);
        for line in [
            "docker",
            "docker image ls",
            "docker images -a",
            "docker push web:v1.0.0",
            "docker push web:v3.4.1",
            "trivy image web:latest",
            "trivy",
            "docker build .. ",
            &format!("ssh {host} hostname"),
            &format!("ssh {host} whoami"),
            "ansible-playbook --check site.yml",
            "ansible-playbook nope.yml",
        ] {
            let _ = printed(&world, line);
            assert_eq!(fingerprint(&world), before, "{line}");
        }
    }
}

const VOCABULARY: &[&str] = &[
    "docker",
    "trivy",
    "ssh",
    "ansible-playbook",
    "build",
    "tag",
    "push",
    "images",
    "image",
    "ls",
    "-t",
    "--tag",
    "web:v2",
    "web",
    "web@sha256:",
    "sha256:",
    ".",
    "-",
    "--",
    "--build-arg",
    "APP_VERSION=2.0.0",
    "BASE=",
    "=",
    "-q",
    "-tweb:x",
    "i-0001",
    "i-",
    "10.0.0.1",
    "--break-glass",
    "-l",
    "-o",
    "sudo",
    "apt-get",
    "install",
    "upgrade",
    "openssl=",
    "=3",
    "sed",
    "-i",
    "s/a/b/",
    "s///",
    "s",
    "/etc/web/env",
    "/etc/sysctl.conf",
    "/etc/crontab",
    "/opt/app/",
    "echo",
    ">>",
    ">",
    "|",
    "tee",
    "crontab",
    "dd",
    "bs=1G",
    "count=99999999999",
    "of=/x",
    "fallocate",
    "-l",
    "&&",
    ";",
    "site.yml",
    "--check",
    "-i",
    "--severity",
    "",
    "--exit-code",
    "999",
    "'",
    "\"",
    "é",
    "🦀",
    "a=b",
    "KEY=",
    "${x}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_line_makes_the_tools_panic(picks in proptest::collection::vec(0..VOCABULARY.len(), 0..10), program in 0..4usize) {
        let world = world(SNOWFLAKES);
        let words: Vec<&str> = picks.iter().map(|&i| VOCABULARY[i]).collect();
        let line = format!("{} {}", ["docker", "trivy", "ssh i-0001", "ansible-playbook"][program], words.join(" "));
        match run(&world, &line) {
            Reply::Print(output) => prop_assert!(output.text.is_empty() || output.text.ends_with('\n'), "{line:?}: {:?}", output.text),
            Reply::Act(act) => {
                let mut world = world.clone();
                let _ = apply(&mut world, &act);
            }
        }
    }
}
