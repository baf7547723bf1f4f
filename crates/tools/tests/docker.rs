//! `docker` and `trivy` typed against real worlds: the commands they give the engine, and their output checked
//! line by line against the shapes of docs/reference/tool-formats.md (section 8).

mod common;

use common::*;
use lab_engine::scan::{Advisory, Severity};
use lab_engine::{Command, ImageRef};
use lab_tools::{Reply, run};

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
