//! The exports, checked case by case: each case is a spec and what its Dockerfile, Packer template
//! and Terraform must say about it, and one `check` runs every assertion against every case.

use std::collections::BTreeMap;

use lab_engine::export::{dockerfile, packer, terraform_launch_template};
use lab_engine::{ImageSpec, Runtime, tag_for_version};

/// A spec and the parts of its exports that depend on how it is written out.
struct Case {
    spec: ImageSpec,
    /// The `FROM` line of the final image.
    from: &'static str,
    /// The runtime's `COPY --from` line, when there is one.
    runtime_copy: Option<&'static str>,
    /// Every config entry as its Dockerfile line, quoted as Docker needs it.
    env_lines: &'static [&'static str],
}

fn spec(
    base: &str,
    app_version: &str,
    packages: &[(&str, &str)],
    runtime: Option<(&str, &str)>,
    config: &[(&str, &str)],
) -> ImageSpec {
    let owned = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()
    };
    let mut spec = ImageSpec::new(base, app_version);
    spec.packages = owned(packages);
    spec.runtime = runtime.map(|(name, version)| Runtime { name: name.into(), version: version.into() });
    spec.config = owned(config);
    spec.validate().expect("test specs are valid");
    spec
}

fn ubuntu_with_nodejs() -> Case {
    Case {
        spec: spec(
            "ubuntu-22.04",
            "1.4.2",
            &[("openssl", "3.0.2-0ubuntu1.12"), ("curl", "7.81.0-1ubuntu1.15")],
            Some(("nodejs", "20.9.0")),
            &[("LOG_LEVEL", "info"), ("PORT", "8080")],
        ),
        from: "FROM ubuntu:22.04\n",
        runtime_copy: Some("COPY --from=node:20.9.0 /usr/local /usr/local\n"),
        env_lines: &["ENV LOG_LEVEL=\"info\"\n", "ENV PORT=\"8080\"\n"],
    }
}

fn alpine_minimal_multi_stage_with_python() -> Case {
    let mut spec = spec(
        "alpine-3.19",
        "3.0.0-rc.1",
        &[("ca-certificates", "20240226-r0"), ("openssl", "3.1.4-r5")],
        Some(("python", "3.12.1")),
        &[("WORKERS", "4")],
    );
    spec.minimal_base = true;
    spec.multi_stage = true;
    Case {
        spec,
        from: "FROM alpine:3.19\n",
        runtime_copy: Some("COPY --from=python:3.12.1-alpine /usr/local /usr/local\n"),
        env_lines: &["ENV WORKERS=\"4\"\n"],
    }
}

fn debian_slim_with_awkward_config() -> Case {
    let mut spec = spec(
        "debian-12",
        "2.7.0",
        &[("nginx", "1.22.1-9"), ("libssl3", "3.0.11-1~deb12u2")],
        None,
        &[
            ("GREETING", r#"say "hello" to the fleet"#),
            ("LOG_FORMAT", r#"%h %l "%r" %>s"#),
            ("WINDOWS_PATH", r"C:\lab\$data"),
        ],
    );
    spec.minimal_base = true;
    Case {
        spec,
        from: "FROM debian:12-slim\n",
        runtime_copy: None,
        env_lines: &[
            "ENV GREETING=\"say \\\"hello\\\" to the fleet\"\n",
            "ENV LOG_FORMAT=\"%h %l \\\"%r\\\" %>s\"\n",
            "ENV WINDOWS_PATH=\"C:\\\\lab\\\\\\$data\"\n",
        ],
    }
}

/// How each package appears pinned on the base's package manager.
fn pinned(spec: &ImageSpec) -> Vec<String> {
    spec.packages.iter().map(|(name, version)| format!("{name}={version}")).collect()
}

/// A word as the exports write it for a shell: bare, or single-quoted when it holds `~`.
fn shell_word(word: &str) -> String {
    if word.contains('~') { format!("'{word}'") } else { word.to_owned() }
}

fn check(case: &Case) {
    let spec = &case.spec;
    let tag = tag_for_version(&spec.app_version);
    let digest = spec.digest().to_string();

    let docker = dockerfile(spec);
    assert!(docker.contains(case.from), "base image {:?} missing:\n{docker}", case.from);
    for package in pinned(spec) {
        assert!(docker.contains(&format!("      {}", shell_word(&package))), "{package} missing:\n{docker}");
    }
    match (&spec.runtime, case.runtime_copy) {
        (Some(runtime), Some(copy)) => {
            assert!(docker.contains(copy), "runtime copy {copy:?} missing:\n{docker}");
            assert!(docker.contains(&format!("{} {}", runtime.name, runtime.version)), "{docker}");
        }
        (None, None) => assert!(!docker.contains("COPY --from=") || spec.multi_stage, "{docker}"),
        _ => panic!("the case's runtime and its expected COPY line disagree"),
    }
    let version_label = format!("LABEL org.opencontainers.image.version=\"{}\"", spec.app_version);
    assert!(docker.contains(&version_label), "version label missing:\n{docker}");
    assert!(docker.contains(&format!("make release VERSION={}", spec.app_version)), "{docker}");
    for line in case.env_lines {
        assert!(docker.contains(line), "config line {line:?} missing:\n{docker}");
    }
    assert_eq!(docker.contains(" AS build\n"), spec.multi_stage, "{docker}");
    if spec.multi_stage {
        let final_stage = docker.rfind("\nFROM ").map_or("", |start| &docker[start..]);
        assert!(final_stage.contains("COPY --from=build /opt/app /opt/app"), "{docker}");
        for compiler in ["build-essential", "build-base", "make "] {
            assert!(!final_stage.contains(compiler), "{compiler} in the final stage:\n{docker}");
        }
    }

    let template = packer(spec, &tag);
    assert!(template.contains(&format!("\"lab-golden-{tag}\"")), "tag missing:\n{template}");
    assert!(template.contains(&format!("ImageDigest  = \"{digest}\"")), "digest missing:\n{template}");
    assert!(template.contains(&format!("Version      = \"{}\"", spec.app_version)), "{template}");
    for package in pinned(spec) {
        assert!(template.contains(&format!(" {}", shell_word(&package))), "{package} missing:\n{template}");
    }
    for key in spec.config.keys() {
        assert!(template.contains(&format!("'{key}=")), "config {key} missing:\n{template}");
    }

    for reference in [digest.as_str(), tag.as_str()] {
        let terraform = terraform_launch_template(spec, reference);
        assert!(
            terraform.contains(&format!("values = [\"{reference}\"]")),
            "{reference} missing:\n{terraform}"
        );
        assert!(terraform.contains(&format!("ImageReference = \"{reference}\"")), "{terraform}");
        assert!(terraform.contains(&format!("Version        = \"{}\"", spec.app_version)), "{terraform}");
        assert!(terraform.contains("resource \"aws_launch_template\" \"fleet\""), "{terraform}");
        assert!(terraform.contains("version = aws_launch_template.fleet.latest_version"), "{terraform}");
    }
}

#[test]
fn ubuntu_single_stage_with_a_nodejs_runtime() {
    check(&ubuntu_with_nodejs());
}

#[test]
fn alpine_minimal_multi_stage_with_a_python_runtime() {
    check(&alpine_minimal_multi_stage_with_python());
}

#[test]
fn debian_slim_with_spaces_and_quotes_in_config_and_no_runtime() {
    check(&debian_slim_with_awkward_config());
}

#[test]
fn the_same_spec_always_exports_the_same_text() {
    for case in
        [ubuntu_with_nodejs(), alpine_minimal_multi_stage_with_python(), debian_slim_with_awkward_config()]
    {
        let copy = case.spec.clone();
        assert_eq!(dockerfile(&case.spec), dockerfile(&copy));
        assert_eq!(packer(&case.spec, "v9"), packer(&copy, "v9"));
        assert_eq!(terraform_launch_template(&case.spec, "v9"), terraform_launch_template(&copy, "v9"));
    }
}

#[test]
fn changing_one_package_version_changes_one_dockerfile_line() {
    let before = ubuntu_with_nodejs().spec;
    let mut after = before.clone();
    after.packages.insert("openssl".into(), "3.0.2-0ubuntu1.13".into());

    let (old, new) = (dockerfile(&before), dockerfile(&after));
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    assert_eq!(old_lines.len(), new_lines.len());
    let changed: Vec<(&str, &str)> =
        old_lines.iter().zip(&new_lines).filter(|(a, b)| a != b).map(|(a, b)| (*a, *b)).collect();
    assert_eq!(changed, [("      openssl=3.0.2-0ubuntu1.12 \\", "      openssl=3.0.2-0ubuntu1.13 \\")]);
}
