//! `docker`, `trivy`, `ssh` and `ansible-playbook` typed against real worlds: the commands they
//! give the engine, and their output checked line by line against the shapes of
//! docs/reference/tool-formats.md (sections 8 and 9).

use lab_engine::drift::DriftChange;
use lab_engine::scan::{Advisory, Severity};
use lab_engine::{Command, CommandError, Digest, ImageRef, Instance, Scenario, World};
use lab_tools::{Act, Reply, run};
use proptest::prelude::*;

/// The sandbox: twelve servers on `web:v1.0.0` (ubuntu-22.04, curl 8.4.0, openssl 3.0.11, nodejs
/// 20.9.0), an immutable fleet (the default mode), mutable tags.
const SANDBOX: &str = include_str!("../../../scenarios/sandbox.json");
/// Thirty servers run by hand: a mutable fleet (openssl 3.0.2).
const SNOWFLAKES: &str = include_str!("../../../scenarios/seed-004.json");
/// Six servers on an image with nothing known against it (openssl 3.0.12, curl 8.4.0).
const PINNED: &str = include_str!("../../../scenarios/latest-pinned.json");

fn world(json: &str) -> World {
    World::new(&Scenario::from_json(json).expect("the scenario parses"))
}

/// The sandbox with immutable tags.
fn immutable_tags_world() -> World {
    let mut scenario = Scenario::from_json(SANDBOX).expect("the scenario parses");
    scenario.registry.immutable_tags = true;
    World::new(&scenario)
}

/// What a read-only command printed; fails if it would change anything.
fn printed(world: &World, line: &str) -> lab_tools::Output {
    match run(world, line) {
        Reply::Print(output) => output,
        Reply::Act(act) => panic!("`{line}` should only print, but gives {:?}", act.commands),
    }
}

fn acted(world: &World, line: &str) -> Act {
    match run(world, line) {
        Reply::Act(act) => act,
        Reply::Print(output) => panic!("`{line}` should act, but prints:\n{}", output.text),
    }
}

/// Applies an act's commands as the shell does; returns the text it would print.
fn apply(world: &mut World, act: &Act) -> String {
    for command in &act.commands {
        if let Err(error) = world.apply(command.clone()) {
            return act.refused(&error);
        }
    }
    act.done.clone()
}

/// Everything about a world that a command could change.
fn fingerprint(world: &World) -> (Digest, String, String) {
    (world.trace_digest(), format!("{:?}", world.snapshot()), format!("{world:?}"))
}

fn image_with_tag(world: &World, tag: &str) -> Digest {
    let supply = world.supply_view();
    supply
        .images
        .iter()
        .find(|image| supply.tags_of(image.digest).any(|t| t == tag))
        .map(|image| image.digest)
        .expect("the tag names an image")
}

fn live(world: &World) -> Vec<Instance> {
    world.fleet_view().live().cloned().collect()
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

// ---------------------------------------------------------------------------------------------
// docker build

#[test]
fn docker_build_prints_buildkit_progress_and_builds_the_spec() {
    let mut world = world(SANDBOX);
    let act = acted(&world, "docker build -t web:v2 --build-arg APP_VERSION=2.0.0 .");
    let [Command::BuildImage(spec), Command::Tag { tag, image: ImageRef::Digest(hex) }] =
        act.commands.as_slice()
    else {
        panic!("a build and one tag: {:?}", act.commands);
    };
    assert_eq!(spec.app_version, "2.0.0");
    assert_eq!(spec.base, "ubuntu-22.04");
    assert_eq!(tag, "v2");
    assert_eq!(*hex, spec.digest().hex());

    let lines: Vec<&str> = act.done.lines().collect();
    assert_eq!(lines[0], "#0 building with \"default\" instance using docker driver");
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], "#1 [internal] load build definition from Dockerfile");
    assert!(
        lines[3].starts_with("#1 transferring dockerfile: ") && lines[3].ends_with("kB done"),
        "{}",
        lines[3]
    );
    assert_eq!(lines[4], "#1 DONE 0.0s");
    // A blank line before every vertex.
    for (index, line) in lines.iter().enumerate().skip(1) {
        let starts_vertex = index > 0 && lines[index - 1].is_empty();
        assert!(line.is_empty() || line.starts_with('#'), "{line}");
        if starts_vertex {
            assert!(line.starts_with('#'));
        }
    }
    // One vertex per layer: base, packages and runtime come from the cache, the application and
    // configuration are built.
    let vertex = |number: u32| -> Vec<&str> {
        let prefix = format!("#{number} ");
        lines.iter().filter(|line| line.starts_with(&prefix)).map(|line| &line[prefix.len()..]).collect()
    };
    assert_eq!(vertex(4), ["[1/5] FROM docker.io/library/ubuntu:22.04", "CACHED"]);
    assert!(vertex(5)[0].starts_with("[2/5] RUN apt-get update && "), "{:?}", vertex(5));
    assert!(vertex(5)[0].contains("curl=8.4.0 openssl=3.0.11"), "{:?}", vertex(5));
    assert_eq!(vertex(5)[1], "CACHED");
    assert_eq!(vertex(6), ["[3/5] COPY --from=node:20.9.0 /usr/local /usr/local", "CACHED"]);
    assert_eq!(vertex(7)[0], "[4/5] RUN make release VERSION=2.0.0 && make install PREFIX=/opt/app");
    // The application layer costs four ticks: a little over three seconds.
    assert!(vertex(7)[1].starts_with("DONE 3.") && vertex(7)[1].ends_with('s'), "{:?}", vertex(7));
    assert_eq!(vertex(8)[0], "[5/5] ENV LOG_LEVEL=\"info\"");
    assert!(vertex(8)[1].starts_with("DONE 0."), "{:?}", vertex(8));
    assert_eq!(
        vertex(9),
        [
            "exporting to image".to_owned(),
            "exporting layers 0.2s done".to_owned(),
            format!("writing image sha256:{hex} done"),
            "naming to docker.io/library/web:v2 done".to_owned(),
            "naming to docker.io/library/web:v2.0.0 done".to_owned(),
            "naming to docker.io/library/web:latest done".to_owned(),
            "DONE 0.2s".to_owned(),
        ]
    );
    assert_eq!(lines.last(), Some(&"#9 DONE 0.2s"));

    // The same line on the same world says the same thing.
    assert_eq!(
        run(&world, "docker build -t web:v2 --build-arg APP_VERSION=2.0.0 ."),
        Reply::Act(act.clone())
    );

    assert_eq!(apply(&mut world, &act), act.done);
    let built = image_with_tag(&world, "v2");
    assert_eq!(built.hex(), *hex);
    assert_eq!(image_with_tag(&world, "v2.0.0"), built);
    assert_eq!(image_with_tag(&world, "latest"), built);

    // Built again, every layer is cached and nothing is exported.
    let again = acted(&world, "docker build --build-arg APP_VERSION=2.0.0 .");
    assert_eq!(again.commands.len(), 1, "no -t: only the engine's own tags");
    assert!(again.done.contains("#8 CACHED\n"));
    assert!(!again.done.contains(" DONE 3."));
    assert!(again.done.contains("#9 exporting layers done\n"));
    assert!(!again.done.contains("naming to docker.io/library/web:v2 done"));
}

#[test]
fn docker_build_takes_the_engines_tag_without_a_second_command() {
    let world = world(SANDBOX);
    let act = acted(&world, "docker build -t web:v2.0.0 --build-arg=APP_VERSION=2.0.0 .");
    assert!(matches!(act.commands.as_slice(), [Command::BuildImage(_)]), "{:?}", act.commands);
    let act = acted(&world, "docker build -q --build-arg BASE=ubuntu-24.04 .");
    let [Command::BuildImage(spec)] = act.commands.as_slice() else { panic!() };
    assert_eq!(spec.base, "ubuntu-24.04");
    assert_eq!(spec.app_version, "1.0.0");
    assert_eq!(act.done, format!("sha256:{}\n", spec.digest().hex()));
    // A new base misses the cache from the bottom layer up.
    let act = acted(&world, "docker build --build-arg BASE=ubuntu-24.04 .");
    assert!(act.done.contains("#4 [1/5] FROM docker.io/library/ubuntu:24.04\n#4 DONE 5."), "{}", act.done);
    assert!(!act.done.contains("CACHED"));
}

#[test]
fn docker_build_refuses_in_dockers_words() {
    let world = world(SANDBOX);
    let before = fingerprint(&world);
    let out = printed(&world, "docker build -t web:v2");
    assert!(out.failed);
    assert!(out.text.starts_with(
        "ERROR: \"docker buildx build\" requires exactly 1 argument.\nSee 'docker buildx build --help'.\n"
    ));
    let out = printed(&world, "docker build --build-arg FOO=1 .");
    assert!(out.failed);
    assert!(
        out.text.starts_with("[Warning] One or more build-args [FOO] were not consumed\n"),
        "{}",
        out.text
    );
    assert!(out.text.contains("ARG APP_VERSION and ARG BASE"));
    let out = printed(&world, "docker build -t nginx:1 .");
    assert!(out.failed && out.text.contains("one repository, web"), "{}", out.text);
    let out = printed(&world, "docker build -t web:b@d .");
    assert_eq!(out.text, "ERROR: invalid tag \"web:b@d\": invalid reference format\n");
    let out = printed(&world, "docker build --nope .");
    assert_eq!(out.text, "unknown flag: --nope\nSee 'docker buildx build --help'.\n");
    let out = printed(&world, "docker build -t");
    assert_eq!(out.text, "flag needs an argument: 't' in -t\nSee 'docker buildx build --help'.\n");
    let out = printed(&world, "docker build --build-arg APP_VERSION= .");
    assert!(out.failed && out.text.starts_with("ERROR: failed to solve: "), "{}", out.text);
    let out = printed(&world, "docker build src");
    assert!(out.text.starts_with("ERROR: unable to prepare context: path \"src\" not found\n"));
    assert_eq!(fingerprint(&world), before);
}

#[test]
fn immutable_tags_refuse_a_rebuild_under_the_same_version() {
    let mut world = immutable_tags_world();
    let act = acted(&world, "docker build --build-arg BASE=ubuntu-24.04 .");
    let said = apply(&mut world, &act);
    assert!(
        said.starts_with("Error response from daemon: tag invalid: The image tag 'v1.0.0' already exists in the 'web' repository and cannot be overwritten because the repository is immutable.\n"),
        "{said}"
    );
    // No `latest` on an immutable registry.
    let act = acted(&world, "docker build -t web:v2 --build-arg APP_VERSION=2.0.0 .");
    assert!(!act.done.contains("web:latest"));
    apply(&mut world, &act);
    let act = acted(&world, "docker tag web:v1.0.0 web:v2");
    assert!(
        apply(&mut world, &act)
            .starts_with("Error response from daemon: tag invalid: The image tag 'v2' already exists")
    );
}

// ---------------------------------------------------------------------------------------------
// docker tag, push, image ls

#[test]
fn docker_tag_is_silent_and_points_the_tag() {
    let mut world = world(SANDBOX);
    let v1 = image_with_tag(&world, "v1.0.0");
    let act = acted(&world, "docker tag web:v1.0.0 web:stable");
    assert_eq!(act.commands, [Command::Tag { tag: "stable".into(), image: ImageRef::digest(v1) }]);
    assert_eq!(act.done, "");
    assert_eq!(apply(&mut world, &act), "");
    assert_eq!(image_with_tag(&world, "stable"), v1);
    // By image ID too.
    let act = acted(&world, &format!("docker tag {} registry.lab/web:ids-work", v1.short()));
    apply(&mut world, &act);
    assert_eq!(image_with_tag(&world, "ids-work"), v1);

    let out = printed(&world, "docker tag web:nope web:x");
    assert!(out.failed);
    assert!(out.text.starts_with("Error response from daemon: No such image: web:nope\n"));
    let out = printed(&world, "docker tag web:v1.0.0");
    assert!(out.text.starts_with("\"docker tag\" requires exactly 2 arguments.\nSee 'docker tag --help'.\n"));
    let out = printed(&world, "docker tag web:v1.0.0 'web:bad tag'");
    assert_eq!(
        out.text,
        "Error parsing reference: \"web:bad tag\" is not a valid repository/tag: invalid reference format\n"
    );
}

#[test]
fn docker_push_reports_the_layers_the_registry_has() {
    let mut world = world(SANDBOX);
    let before = fingerprint(&world);
    let out = printed(&world, "docker push web:v1.0.0");
    assert!(!out.failed);
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines.len(), 7, "{}", out.text);
    assert_eq!(lines[0], "The push refers to repository [registry.lab/web]");
    for line in &lines[1..6] {
        let (id, status) = line.split_once(": ").expect("id: status");
        assert!(is_hex(id, 12), "{line}");
        assert_eq!(status, "Pushed");
    }
    let v1 = image_with_tag(&world, "v1.0.0");
    let (head, size) = lines[6].split_once(" size: ").expect("a size");
    assert_eq!(head, format!("v1.0.0: digest: sha256:{}", v1.hex()));
    assert!(size.parse::<u32>().is_ok_and(|n| (1000..3000).contains(&n)), "{size}");
    assert_eq!(fingerprint(&world), before, "a push changes nothing");

    // A new version shares the lower layers, which the registry already has.
    let act = acted(&world, "docker build -t web:v2 --build-arg APP_VERSION=2.0.0 .");
    apply(&mut world, &act);
    let out = printed(&world, "docker push web:v2");
    let statuses: Vec<&str> =
        out.text.lines().skip(1).take(5).map(|line| line.split_once(": ").map_or("", |(_, s)| s)).collect();
    assert_eq!(
        statuses,
        ["Pushed", "Pushed", "Layer already exists", "Layer already exists", "Layer already exists"]
    );
    // Layers are listed top first: the last is the base.
    let spec = &world.supply_view().images[1].spec;
    assert!(out.text.lines().nth(5).is_some_and(|line| line.starts_with(&spec.layers()[0].digest.short())));

    let out = printed(&world, "docker push web");
    assert!(
        out.text.starts_with("Using default tag: latest\nThe push refers to repository [registry.lab/web]\n")
    );
    assert!(out.text.contains("\nlatest: digest: sha256:"));
    let out = printed(&world, "docker push web:v9");
    assert!(out.failed);
    assert!(out.text.starts_with("An image does not exist locally with the tag: web:v9\n"), "{}", out.text);
}

#[test]
fn docker_image_ls_is_dockers_table() {
    let mut world = world(SANDBOX);
    let before = fingerprint(&world);
    let out = printed(&world, "docker image ls");
    assert_eq!(fingerprint(&world), before);
    let v1 = image_with_tag(&world, "v1.0.0");
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(
        lines,
        [
            "REPOSITORY   TAG       IMAGE ID       CREATED                  SIZE".to_owned(),
            format!("web          latest    {}   Less than a second ago   513MB", v1.short()),
            format!("web          v1.0.0    {}   Less than a second ago   513MB", v1.short()),
        ]
    );
    assert_eq!(printed(&world, "docker images").text, out.text);

    for _ in 0..90 {
        world.step();
    }
    let act = acted(&world, "docker build -t web:v2 --build-arg APP_VERSION=2.0.0 .");
    apply(&mut world, &act);
    for _ in 0..5 {
        world.step();
    }
    let v2 = image_with_tag(&world, "v2");
    let out = printed(&world, "docker images");
    let lines: Vec<&str> = out.text.lines().collect();
    // Newest first; columns start where the header's do.
    let header = lines[0];
    let columns: Vec<usize> =
        ["TAG", "IMAGE ID", "CREATED", "SIZE"].iter().map(|h| header.find(h).expect("header")).collect();
    assert_eq!(columns, [13, 23, 38, 59]);
    let rows: Vec<(String, String, String, String)> = lines[1..]
        .iter()
        .map(|line| {
            let cell = |from: usize, to: Option<usize>| {
                line.get(from..to.unwrap_or(line.len())).unwrap_or("").trim_end().to_owned()
            };
            (
                cell(columns[0], Some(columns[1])),
                cell(columns[1], Some(columns[2])),
                cell(columns[2], Some(columns[3])),
                cell(columns[3], None),
            )
        })
        .collect();
    assert_eq!(rows.len(), 4, "{}", out.text);
    assert_eq!(rows[0].0, "latest");
    assert_eq!(rows[0].1, v2.short());
    assert_eq!(rows[0].2, "5 seconds ago");
    let tags: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(tags, ["latest", "v2", "v2.0.0", "v1.0.0"]);
    assert_eq!(
        rows[3],
        ("v1.0.0".to_owned(), v1.short(), "About a minute ago".to_owned(), "513MB".to_owned())
    );
    assert!(lines[1..].iter().all(|line| line.starts_with("web   ")));

    let ids = printed(&world, "docker images -q").text;
    assert_eq!(ids.lines().count(), 4);
    assert!(ids.lines().all(|id| is_hex(id, 12)));
    let one = printed(&world, "docker images web:v2").text;
    assert_eq!(one.lines().count(), 2);
    assert!(printed(&world, "docker images --no-trunc").text.contains(&format!("sha256:{}", v2.hex())));
    let out = printed(&world, "docker images --bogus");
    assert_eq!(out.text, "unknown flag: --bogus\nSee 'docker images --help'.\n");
}

#[test]
fn docker_unknown_commands_and_help() {
    let world = world(SANDBOX);
    let out = printed(&world, "docker biuld .");
    assert!(out.failed);
    assert_eq!(
        out.text,
        "docker: unknown command: docker biuld\n\nRun 'docker --help' for more information\n\nDid you mean this?\n\tbuild\n"
    );
    let out = printed(&world, "docker run web:v1.0.0");
    assert!(out.failed && out.text.contains("not part of the lab"));
    assert!(!printed(&world, "docker").failed);
    assert!(!printed(&world, "docker build --help").failed);
    let out = printed(&world, "docker image prune");
    assert!(out.text.starts_with("docker: unknown command: docker image prune\n"));
}

// ---------------------------------------------------------------------------------------------
// trivy

#[test]
fn trivy_reports_the_advisories_against_an_image() {
    let mut world = world(SANDBOX);
    let before = fingerprint(&world);
    let out = printed(&world, "trivy image web:v1.0.0");
    assert_eq!(fingerprint(&world), before);
    assert!(!out.failed);
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines[0], "");
    assert_eq!(lines[1], "web:v1.0.0 (ubuntu 22.04)");
    assert_eq!(lines[2], "=".repeat(lines[1].len()));
    assert_eq!(lines[3], "Total: 1 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0)");
    assert_eq!(lines[4], "");
    let table = &lines[5..];
    assert!(
        table[0].starts_with(
            "┌─────────┬───────────────┬──────────┬────────┬───────────────────┬───────────────┬"
        )
    );
    assert!(
        table[1].starts_with(
            "│ Library │ Vulnerability │ Severity │ Status │ Installed Version │ Fixed Version │"
        )
    );
    assert!(table[2].starts_with("├─────────┼"));
    assert!(table[3].starts_with("│ openssl │ CVE-2023-5363 │ HIGH     │ fixed  │ 3.0.11            │ 3.0.12        │ OpenSSL before 3.0.12 may process cipher key and IV lengths "), "{}", table[3]);
    // The title is cut to twelve words and wrapped at sixty columns; the advisory's page follows.
    assert!(table[4].contains("│ incorrectly, weakening..."), "{}", table[4]);
    assert!(table[5].contains("│ https://avd.aquasec.com/nvd/cve-2023-5363"), "{}", table[5]);
    assert!(table[6].starts_with("└─────────┴"));
    assert_eq!(table.len(), 7);
    // A box: every line as wide as the first.
    let width = table[0].chars().count();
    assert!(table.iter().all(|line| line.chars().count() == width && line.ends_with(['┐', '│', '┤', '┘'])));
    let centred = format!("│{}Title{}│", " ".repeat(28), " ".repeat(28));
    assert!(table[1].ends_with(&centred), "headers are centred: {}", table[1]);

    // Two advisories on one package: equal cells merge down their column.
    let critical = Advisory {
        id: "CVE-2099-0001".into(),
        package: "openssl".into(),
        fixed_in: "3.0.13".into(),
        severity: Severity::Critical,
        summary: "A short one".into(),
    };
    world.apply(Command::PublishAdvisory(critical)).expect("published");
    let out = printed(&world, "trivy image web:v1.0.0");
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines[3], "Total: 2 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 1)");
    assert!(
        lines[8].starts_with(
            "│ openssl │ CVE-2099-0001 │ CRITICAL │ fixed  │ 3.0.11            │ 3.0.13        │ A short one"
        ),
        "{}",
        out.text
    );
    assert!(
        lines[10].starts_with(
            "│         ├───────────────┼──────────┤        │                   ├───────────────┼"
        ),
        "{}",
        out.text
    );
    assert!(
        lines[11].starts_with(
            "│         │ CVE-2023-5363 │ HIGH     │        │                   │ 3.0.12        │"
        ),
        "{}",
        out.text
    );

    let out = printed(&world, "trivy image --severity CRITICAL web:v1.0.0");
    assert_eq!(out.text.lines().nth(3), Some("Total: 1 (CRITICAL: 1)"));
    let out = printed(&world, "trivy image --exit-code 1 --severity HIGH,CRITICAL web:v1.0.0");
    assert!(out.failed);
    let out = printed(&world, "trivy image web:v9");
    assert!(out.failed && out.text.contains("unable to find the specified image \"web:v9\""));
}

#[test]
fn trivy_on_a_clean_image_prints_the_header_only() {
    let world = world(PINNED);
    let out = printed(&world, "trivy image web:v2.3.0");
    let target = "web:v2.3.0 (ubuntu 22.04)";
    assert_eq!(
        out.text,
        format!(
            "\n{target}\n{}\nTotal: 0 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0)\n\n",
            "=".repeat(target.len())
        )
    );
    let out = printed(&world, "trivy imgae web:v2.3.0");
    assert_eq!(
        out.text,
        "Error: unknown command \"imgae\" for \"trivy\"\n\nDid you mean this?\n\timage\n\nRun 'trivy --help' for usage.\n"
    );
    assert!(printed(&world, "trivy image").failed);
}

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
