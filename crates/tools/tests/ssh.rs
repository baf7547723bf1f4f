//! `ssh` and `ansible-playbook` typed against real worlds: the commands they give the engine, and their output checked
//! line by line against the shapes of docs/reference/tool-formats.md (section 9).

mod common;

use common::*;
use lab_engine::drift::DriftChange;
use lab_engine::{Command, CommandError, World};
use lab_tools::{Reply, run};

// ---------------------------------------------------------------------------------------------
// ssh

#[test]
fn ssh_to_an_immutable_fleet_is_refused_and_audited() {
    let mut world = world(SANDBOX);
    let target = live(&world)[2].clone();
    let ip = target.address_text();
    let act = acted(&world, &format!("ssh {} 'sudo apt-get install -y openssl=3.0.12'", target.id));
    assert_eq!(
        act.commands,
        [Command::Ssh {
            instances: vec![target.id.0],
            actor: "you".into(),
            change: DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.12".into() },
            break_glass: false,
        }]
    );
    // The login is made (so the audit log has it) and the tool fails, as ssh would.
    assert!(act.failed);
    let lines: Vec<&str> = act.done.lines().collect();
    assert_eq!(lines[0], format!("you@{ip}: Permission denied (publickey)."));
    assert!(lines[1].contains("immutable") && lines[1].contains("audit log"), "{}", lines[1]);
    assert!(lines[2].contains("--break-glass"), "{}", lines[2]);
    assert_eq!(apply(&mut world, &act), act.done);
    // The engine refused by policy: the server is untouched, the attempt is on record.
    let after =
        world.fleet_view().instances.iter().find(|i| i.id == target.id).cloned().expect("still there");
    assert!(after.observed.is_none() && !after.tainted);
    let entry = world.operations_view().audit_log().last().cloned().expect("audited");
    assert!(entry.refused && entry.actor == "you" && entry.instance == target.id);

    // By address, with a login name: the same refusal, in that user's name.
    let out = run(&world, &format!("ssh ubuntu@{ip} hostname"));
    let Reply::Print(out) = out else { panic!("nothing to audit for a command that changes nothing") };
    assert!(out.failed);
    assert!(out.text.starts_with(&format!("ubuntu@{ip}: Permission denied (publickey).\n")));
}

#[test]
fn break_glass_gets_in_and_the_instance_is_replaced() {
    let mut world = world(SANDBOX);
    let target = live(&world)[0].clone();
    let act =
        acted(&world, &format!("ssh --break-glass {} 'sudo apt-get install -y openssl=3.0.12'", target.id));
    let [Command::Ssh { break_glass: true, .. }] = act.commands.as_slice() else {
        panic!("{:?}", act.commands)
    };
    assert!(
        act.done.contains("Unpacking openssl (3.0.12) over (3.0.11) ...\nSetting up openssl (3.0.12) ...\n"),
        "{}",
        act.done
    );
    assert!(act.done.contains("break-glass"));
    assert_eq!(apply(&mut world, &act), act.done);
    let after =
        world.fleet_view().instances.iter().find(|i| i.id == target.id).cloned().expect("still there");
    assert!(after.tainted);
    assert_eq!(
        after.observed.as_ref().and_then(|o| o.packages.get("openssl")).map(String::as_str),
        Some("3.0.12")
    );
    let entry = world.operations_view().audit_log().last().cloned().expect("audited");
    assert!(entry.emergency && !entry.refused);
    // The flag may come after the command too.
    let act =
        acted(&world, &format!("ssh {} 'sudo sysctl -w vm.swappiness=10' --break-glass", live(&world)[1].id));
    assert!(matches!(act.commands.as_slice(), [Command::Ssh { break_glass: true, .. }]));
}

#[test]
fn ssh_on_a_mutable_fleet_maps_commands_to_changes() {
    let mut world = world(SNOWFLAKES);
    let hosts = live(&world);
    let host = |n: usize| hosts[n].id.to_string();
    let change = |line: &str| -> (Vec<DriftChange>, String) {
        let act = acted(&world, line);
        let changes = act
            .commands
            .iter()
            .map(|command| match command {
                Command::Ssh { change, break_glass: false, actor, .. } if actor == "you" => change.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        (changes, act.done)
    };
    let hotfix = |key: &str, value: &str| DriftChange::HotfixConfig { key: key.into(), value: value.into() };

    assert_eq!(
        change(&format!("ssh {} \"sudo sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL=debug/' /etc/web/env\"", host(0))).0,
        [hotfix("LOG_LEVEL", "debug")]
    );
    assert_eq!(
        change(&format!("ssh {} \"sudo sed -i 's/info/warn/' /etc/web/env\"", host(0))).0,
        [hotfix("LOG_LEVEL", "warn")]
    );
    assert_eq!(
        change(&format!("ssh {} 'echo FEATURE_X=on | sudo tee -a /etc/web/env'", host(0))),
        (vec![hotfix("FEATURE_X", "on")], "FEATURE_X=on\n".to_owned())
    );
    assert_eq!(
        change(&format!("ssh {} sudo sysctl -w vm.overcommit_memory=2", host(1))),
        (
            vec![DriftChange::KernelParam { key: "vm.overcommit_memory".into(), value: "2".into() }],
            "vm.overcommit_memory = 2\n".to_owned()
        )
    );
    assert_eq!(
        change(&format!("ssh {} \"echo '*/5 * * * * /usr/local/bin/sync' | crontab -\"", host(2))).0,
        [DriftChange::AddCron { line: "*/5 * * * * /usr/local/bin/sync".into() }]
    );
    assert_eq!(
        change(&format!("ssh {} 'sudo apt-get install -y htop'", host(3))).0,
        [DriftChange::InstallTool { name: "htop".into(), requires: None }]
    );
    // Named without a version, a package is upgraded to the release that fixes what is known.
    assert_eq!(
        change(&format!(
            "ssh {} 'sudo apt-get update && sudo apt-get install --only-upgrade openssl'",
            host(3)
        ))
        .0,
        [DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.12".into() }]
    );
    assert_eq!(
        change(&format!("ssh {} 'sudo dd if=/dev/zero of=/var/lib/web/cache bs=1M count=500'", host(4))).0,
        [DriftChange::WriteLocalData { mb: 525 }]
    );
    assert_eq!(
        change(&format!("ssh {} vi /opt/app/config.js", host(5))).0,
        [DriftChange::EditAppFile { path: "config.js".into() }]
    );
    // Two packages, two changes.
    assert_eq!(
        change(&format!("ssh {} 'sudo apt-get install -y openssl=3.0.13 curl=8.5.0'", host(6))).0.len(),
        2
    );

    // The changes land; read-only commands show them and change nothing.
    let (first, ip) = (hosts[0].id, hosts[0].address_text());
    let act =
        acted(&world, &format!("ssh {ip} \"sudo sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL=debug/' /etc/web/env\""));
    assert_eq!(apply(&mut world, &act), "");
    let before = fingerprint(&world);
    assert_eq!(printed(&world, &format!("ssh {first} cat /etc/web/env")).text, "LOG_LEVEL=debug\n");
    assert_eq!(
        printed(&world, &format!("ssh {first} hostname")).text,
        format!("ip-{}\n", ip.replace('.', "-"))
    );
    assert_eq!(printed(&world, &format!("ssh {first} 'sudo systemctl restart web'")).text, "");
    assert!(
        printed(&world, &format!("ssh {first} dpkg -l openssl"))
            .text
            .contains("\nii  openssl        3.0.2        amd64")
    );
    assert_eq!(printed(&world, &format!("ssh {first} crontab -l")).text, "no crontab for you\n");
    assert_eq!(fingerprint(&world), before);
}

#[test]
fn ssh_errors_read_as_ssh_and_the_lab() {
    let world = world(SNOWFLAKES);
    let before = fingerprint(&world);
    let out = printed(&world, "ssh web-42 uptime");
    assert!(out.failed);
    assert!(out.text.starts_with("ssh: Could not resolve hostname web-42: Name or service not known\n"));
    assert!(
        printed(&world, "ssh I-9999 hostname").text.starts_with("ssh: Could not resolve hostname i-9999: ")
    );
    let host = live(&world)[0].id;
    let out = printed(&world, &format!("ssh {host} 'sudo rm -rf /tmp/x'"));
    assert!(out.failed);
    assert!(out.text.contains("do not model `rm -rf /tmp/x`"), "{}", out.text);
    assert!(out.text.contains(&format!("  ssh {host} 'sudo apt-get install -y openssl=3.0.12'\n")));
    let out = printed(&world, &format!("ssh {host} frobnicate"));
    assert!(out.text.starts_with("bash: line 1: frobnicate: command not found\n"));
    let out = printed(&world, &format!("ssh {host} 'sudo apt-get install -y openssl=not!a!version'"));
    assert!(out.text.starts_with("E: Version 'not!a!version' for 'openssl' was not found\n"), "{}", out.text);
    let out = printed(&world, &format!("ssh {host}"));
    assert!(out.failed && out.text.contains("one command per ssh"));
    let out = printed(&world, "ssh -Z host");
    assert!(out.text.starts_with("unknown option -- Z\nusage: ssh "));
    assert!(printed(&world, "ssh").text.starts_with("usage: ssh "));
    assert!(printed(&world, "ssh --help").text.contains("--break-glass"));
    assert_eq!(fingerprint(&world), before);

    let act = acted(&world, &format!("ssh {host} 'sudo sysctl -w a.b=1'"));
    assert_eq!(
        act.refused(&CommandError::UnknownInstance { instance: lab_engine::InstanceId(77) }),
        "ssh: Could not resolve hostname i-0077: Name or service not known\n"
    );
}

// ---------------------------------------------------------------------------------------------
// ansible-playbook

#[test]
fn ansible_playbook_converges_what_it_manages() {
    let mut world = world(SNOWFLAKES);
    let hosts: Vec<String> = live(&world).iter().map(|i| i.id.to_string()).collect();
    let mut by_hand = |line: String| {
        let act = acted(&world, &line);
        apply(&mut world, &act);
    };
    // A setting edited, a package patched, a kernel parameter (unmanaged), and a patch pinned by
    // a tool built against it (the run cannot put that package back).
    by_hand(format!("ssh {} \"sudo sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL=debug/' /etc/web/env\"", hosts[1]));
    by_hand(format!("ssh {} 'sudo apt-get install -y curl=8.5.0'", hosts[2]));
    by_hand(format!("ssh {} 'sudo sysctl -w net.core.somaxconn=4096'", hosts[3]));
    by_hand(format!("ssh {} 'sudo apt-get install -y openssl=3.0.12'", hosts[4]));
    world
        .apply(Command::Ssh {
            instances: vec![live(&world)[4].id.0],
            actor: "you".into(),
            change: DriftChange::InstallTool { name: "tcpflow".into(), requires: Some("openssl".into()) },
            break_glass: false,
        })
        .expect("applied");

    let before = fingerprint(&world);
    let checked = printed(&world, "ansible-playbook --check site.yml");
    assert!(checked.failed, "a host fails");
    assert_eq!(fingerprint(&world), before, "check mode changes nothing");

    let act = acted(&world, "ansible-playbook -i inventory.ini site.yml");
    assert_eq!(act.commands, [Command::ConfigurationRun]);
    assert_eq!(act.done, checked.text);
    let lines: Vec<&str> = act.done.lines().collect();
    assert_eq!(lines[0], "");
    assert_eq!(lines[1], format!("PLAY [all] {}", "*".repeat(69)));
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with("PLAY") || line.starts_with("TASK") {
            assert_eq!(line.chars().count(), 80, "{line}");
            assert!(line.ends_with("***"));
            assert_eq!(lines[index - 1], "", "a blank line before each banner");
        }
    }
    assert!(lines.contains(&format!("TASK [Gathering Facts] {}", "*".repeat(57)).as_str()));
    let task = |name: &str| -> Vec<&str> {
        let start =
            lines.iter().position(|l| l.starts_with(&format!("TASK [{name}]"))).expect("the task") + 1;
        lines[start..].iter().take_while(|l| !l.is_empty()).copied().collect()
    };
    let facts = task("Gathering Facts");
    assert_eq!(facts.len(), 13, "twelve hosts, then the rest summed up");
    assert_eq!(facts[12], format!("... and {} more hosts", hosts.len() - 12));
    let packages = task("Pin packages to the image's versions");
    assert!(packages.contains(&format!("changed: [{}]", hosts[2]).as_str()));
    let fatal = packages.iter().find(|l| l.starts_with("fatal: ")).expect("a failure");
    assert!(fatal.starts_with(&format!("fatal: [{}]: FAILED! => {{\"changed\": false, \"msg\": \"tcpflow, installed by hand, depends on openssl (= 3.0.12)", hosts[4])), "{fatal}");
    let config = task("Write the image's configuration");
    assert!(config.contains(&format!("changed: [{}]", hosts[1]).as_str()));
    assert!(!config.iter().any(|l| l.contains(&hosts[4])), "a failed host runs no more tasks");

    let recap_at = lines.iter().position(|l| l.starts_with("PLAY RECAP ")).expect("a recap");
    let recap: Vec<&str> = lines[recap_at + 1..].iter().take_while(|l| !l.is_empty()).copied().collect();
    assert!(recap.contains(&format!("{:<26} : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ", hosts[1]).as_str()), "{recap:?}");
    assert!(recap.contains(&format!("{:<26} : ok=1    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ", hosts[4]).as_str()), "{recap:?}");
    assert!(recap.contains(&format!("{:<26} : ok=3    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ", hosts[3]).as_str()), "{recap:?}");
    assert_eq!(lines.get(recap_at + 1 + recap.len()), Some(&""), "a blank line after the recap");
    assert!(act.done.contains("keep hand-made changes the playbook does not manage"));

    apply(&mut world, &act);
    let state = |n: usize| world.fleet_view().live().nth(n).and_then(|i| i.observed.as_deref().cloned());
    assert_eq!(state(1), None, "converged back to the image");
    assert_eq!(state(2), None);
    assert!(state(3).is_some_and(|o| o.kernel.contains_key("net.core.somaxconn")), "unmanaged drift stays");
    assert!(
        state(4).is_some_and(|o| o.packages.get("openssl").is_some_and(|v| v == "3.0.12")),
        "the pinned host failed"
    );

    // Run again: nothing left to change.
    let again = printed_or_done(&world, "ansible-playbook site.yml");
    assert!(!again.contains(&format!("changed: [{}]", hosts[1])));
}

fn printed_or_done(world: &World, line: &str) -> String {
    match run(world, line) {
        Reply::Act(act) => act.done,
        Reply::Print(output) => output.text,
    }
}

#[test]
fn ansible_playbook_knows_one_playbook() {
    let world = world(SANDBOX);
    let out = printed(&world, "ansible-playbook deploy.yml");
    assert!(out.failed);
    assert!(out.text.starts_with("ERROR! the playbook: deploy.yml could not be found\n"));
    let out = printed(&world, "ansible-playbook");
    assert!(out.text.ends_with("ansible-playbook: error: the following arguments are required: playbook\n"));
    let out = printed(&world, "ansible-playbook --bogus site.yml");
    assert!(out.text.ends_with("ansible-playbook: error: unrecognized arguments: --bogus\n"));
    // A clean fleet: every host ok, nothing changed.
    let act = acted(&world, "ansible-playbook ./site.yml");
    assert!(!act.done.contains("changed: ["));
    assert!(!act.done.contains("lab:"));
    let recap = act.done.lines().skip_while(|l| !l.starts_with("PLAY RECAP")).nth(1).expect("a recap line");
    assert!(
        recap.ends_with(
            ": ok=3    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   "
        ),
        "{recap}"
    );
}
