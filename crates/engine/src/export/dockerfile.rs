//! A Dockerfile for an image spec: one group of instructions per lab layer and, for a multi-stage
//! build, a build stage whose compilers never reach the final image.

use super::{
    APP_HOME, Os, PackageManager, RuntimeRecipe, build_commands, comment_lines, layer_heading, shell_word,
};
use crate::{ImageSpec, LayerKind, Runtime};

/// A Dockerfile that builds `spec`: the base's registry image, every OS package pinned to its exact
/// version, the runtime copied from its official image, the application (built in a separate stage
/// when `spec.multi_stage` is set), and the configuration as environment variables. OCI labels carry
/// the application version and the base image's name.
pub fn dockerfile(spec: &ImageSpec) -> String {
    let os = Os::of(&spec.base);
    // A parser directive only counts before the first comment, so it comes first.
    let mut lines = vec!["# syntax=docker/dockerfile:1".to_owned()];
    note(
        &mut lines,
        "Written by the Immutable Infrastructure Lab. Each group below is one of the lab's layers, base OS \
         first: Docker rebuilds a changed group and every group after it, as the lab does.",
    );
    if spec.multi_stage {
        build_stage(&mut lines, spec, &os);
    }
    final_stage(&mut lines, spec, &os);
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The first stage of a multi-stage build: the full base, compilers and the runtime, and the
/// application built into [`APP_HOME`].
fn build_stage(lines: &mut Vec<String>, spec: &ImageSpec, os: &Os) {
    lines.push(String::new());
    note(
        lines,
        "Build stage: the compilers live here and are left behind; the final stage copies out only the \
         built application.",
    );
    lines.push(format!("FROM {} AS build", os.image));
    lines.push(install(os.packages, &toolchain(os.packages)));
    if let Some(runtime) = &spec.runtime {
        lines.extend(runtime_instructions(runtime, os));
    }
    lines.extend(build_instructions(spec));
}

/// The image itself, layer by layer.
fn final_stage(lines: &mut Vec<String>, spec: &ImageSpec, os: &Os) {
    let image = os.image_for(spec.minimal_base);
    let manager = os.packages_for(spec.minimal_base);

    lines.push(String::new());
    let heading = layer_heading(LayerKind::Base);
    if spec.minimal_base {
        note(lines, &format!("{heading}: {}, minimal variant. {}", spec.base, os.minimal_note));
    } else {
        note(lines, &format!("{heading}: {}.", spec.base));
    }
    note(
        lines,
        &format!(
            "Pin it by digest ({image}@sha256:…) for repeatable rebuilds; the lab's base snapshot {} \
             stands for that.",
            spec.base_snapshot
        ),
    );
    lines.push(format!("FROM {image}"));
    lines.push(format!("LABEL org.opencontainers.image.version={} \\", quoted(&spec.app_version)));
    lines.push(format!("      org.opencontainers.image.base.name={}", quoted(image)));

    lines.push(String::new());
    let heading = layer_heading(LayerKind::Packages);
    if spec.packages.is_empty() {
        note(lines, &format!("{heading}: none beyond the base."));
    } else {
        note(lines, &format!("{heading}: every version pinned, so a rebuild installs exactly these."));
        let pinned: Vec<String> =
            spec.packages.iter().map(|(name, version)| manager.pin(name, version)).collect();
        lines.push(install(manager, &pinned));
    }

    lines.push(String::new());
    let heading = layer_heading(LayerKind::Runtime);
    match &spec.runtime {
        None => note(lines, &format!("{heading}: none.")),
        Some(runtime) if spec.multi_stage && RuntimeRecipe::of(&runtime.name).build_only => note(
            lines,
            &format!(
                "{heading}: none here. {} {} stays in the build stage: its programs carry their own runtime.",
                runtime.name, runtime.version
            ),
        ),
        Some(runtime) => {
            note(
                lines,
                &format!(
                    "{heading}: {} {}, copied from its official image so the version is exact.",
                    runtime.name, runtime.version
                ),
            );
            lines.extend(runtime_instructions(runtime, os));
        }
    }

    lines.push(String::new());
    let heading = layer_heading(LayerKind::Application);
    let version = &spec.app_version;
    if spec.multi_stage {
        note(
            lines,
            &format!("{heading} {version}: only the built files, copied from the build stage; no compilers."),
        );
        lines.push(format!("COPY --from=build {APP_HOME} {APP_HOME}"));
    } else {
        note(
            lines,
            &format!(
                "{heading} {version}: built in place, so the compilers installed for it stay in the image (a \
                 multi-stage build would leave them behind)."
            ),
        );
        lines.push(install(manager, &toolchain(manager)));
        lines.extend(build_instructions(spec));
    }

    lines.push(String::new());
    let heading = layer_heading(LayerKind::Config);
    if spec.config.is_empty() {
        note(lines, &format!("{heading}: none."));
    } else {
        note(lines, &format!("{heading}: environment variables, last so a change rebuilds only this group."));
        lines.extend(spec.config.iter().map(|(key, value)| format!("ENV {key}={}", quoted(value))));
    }

    lines.push(String::new());
    note(lines, "The build installs the application's entry point here.");
    lines.push(format!("WORKDIR {APP_HOME}"));
    lines.push(format!("CMD [\"{APP_HOME}/bin/app\"]"));
}

fn note(lines: &mut Vec<String>, text: &str) {
    lines.extend(comment_lines("", text));
}

/// The runtime copied out of its official image, and `PATH` extended where that image relies on it.
fn runtime_instructions(runtime: &Runtime, os: &Os) -> Vec<String> {
    let recipe = RuntimeRecipe::of(&runtime.name);
    let home = recipe.home;
    let mut instructions =
        vec![format!("COPY --from={} {home} {home}", recipe.image_at(&runtime.version, os))];
    instructions.extend(recipe.bin.map(|bin| format!("ENV PATH=\"{bin}:$PATH\"")));
    instructions
}

/// The application's source copied in and built, its version passed to the build.
fn build_instructions(spec: &ImageSpec) -> Vec<String> {
    let [build, install] = build_commands("make", &spec.app_version);
    vec!["WORKDIR /src".into(), "COPY . .".into(), format!("RUN {build} \\\n && {install}")]
}

fn toolchain(manager: PackageManager) -> Vec<String> {
    manager.toolchain().iter().map(|package| (*package).to_owned()).collect()
}

/// One `RUN` that installs `packages`, one package per line so that changing a version changes
/// one line of the file.
fn install(manager: PackageManager, packages: &[String]) -> String {
    let steps = manager.steps();
    let mut lines: Vec<String> = steps.refresh.iter().map(|command| (*command).to_owned()).collect();
    lines.push(steps.install.to_owned());
    let first_package = lines.len();
    lines.extend(packages.iter().map(|package| format!("     {}", shell_word(package))));
    let commands_end = lines.len();
    lines.extend(steps.cleanup.iter().map(|command| (*command).to_owned()));
    for (index, line) in lines.iter_mut().enumerate() {
        let lead = match index {
            0 => "RUN ",
            index if (first_package..commands_end).contains(&index) => " ",
            _ => " && ",
        };
        line.insert_str(0, lead);
    }
    lines.join(" \\\n")
}

/// A double-quoted Dockerfile value. Inside double quotes Docker still expands `$` and treats `\` as
/// an escape, so both are escaped along with the quote itself.
fn quoted(value: &str) -> String {
    let mut text = String::with_capacity(value.len() + 2);
    text.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '$') {
            text.push('\\');
        }
        text.push(c);
    }
    text.push('"');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(base: &str, multi_stage: bool) -> ImageSpec {
        let mut spec = ImageSpec::new(base, "2.0.1");
        spec.multi_stage = multi_stage;
        spec.packages.insert("openssl".into(), "3.0.12".into());
        spec.packages.insert("curl".into(), "7.81.0".into());
        spec
    }

    /// The text from the last `FROM` on: what ends up in the image.
    fn final_stage_of(text: &str) -> &str {
        text.rfind("\nFROM ").map_or(text, |start| &text[start..])
    }

    #[test]
    fn packages_are_installed_one_pinned_package_per_line() {
        let text = dockerfile(&spec("ubuntu-22.04", false));
        assert!(text.contains(
            "RUN apt-get update \\\n \
             && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\\n      \
             curl=7.81.0 \\\n      openssl=3.0.12 \\\n \
             && rm -rf /var/lib/apt/lists/*\n"
        ));
    }

    #[test]
    fn a_multi_stage_build_keeps_compilers_out_of_the_final_stage() {
        let text = dockerfile(&spec("debian-12", true));
        assert!(text.contains("FROM debian:12 AS build\n"), "{text}");
        assert!(text.contains("make release VERSION=2.0.1"), "{text}");
        let final_stage = final_stage_of(&text);
        assert!(final_stage.starts_with("\nFROM debian:12\n"), "{final_stage}");
        assert!(final_stage.contains("COPY --from=build /opt/app /opt/app"), "{final_stage}");
        assert!(!final_stage.contains("build-essential"), "{final_stage}");
        assert!(!final_stage.contains("make "), "{final_stage}");

        let single = dockerfile(&spec("debian-12", false));
        assert!(!single.contains(" AS build"), "{single}");
        assert!(single.contains("build-essential"), "{single}");
    }

    #[test]
    fn config_values_are_quoted_so_docker_reads_them_back_unchanged() {
        let mut spec = spec("alpine-3.19", false);
        spec.config.insert("GREETING".into(), r#"say "hi" to C:\temp"#.into());
        spec.config.insert("PRICE".into(), "$5 or ${COST}".into());
        let text = dockerfile(&spec);
        assert!(text.contains(r#"ENV GREETING="say \"hi\" to C:\\temp""#), "{text}");
        assert!(text.contains(r#"ENV PRICE="\$5 or \${COST}""#), "{text}");
    }

    #[test]
    fn a_go_runtime_stays_in_the_build_stage_of_a_multi_stage_build() {
        let mut spec = spec("ubuntu-22.04", true);
        spec.runtime = Some(Runtime { name: "go".into(), version: "1.21.5".into() });
        let text = dockerfile(&spec);
        assert!(text.contains("COPY --from=golang:1.21.5 /usr/local/go /usr/local/go"), "{text}");
        assert!(!final_stage_of(&text).contains("golang:"), "{text}");

        spec.multi_stage = false;
        assert!(final_stage_of(&dockerfile(&spec)).contains("COPY --from=golang:1.21.5"));
    }

    #[test]
    fn a_minimal_base_uses_the_minimal_image_and_its_package_manager() {
        let mut spec = spec("rhel-9.3", false);
        spec.minimal_base = true;
        let text = dockerfile(&spec);
        assert!(text.contains("FROM registry.access.redhat.com/ubi9/ubi-minimal:9.3\n"), "{text}");
        assert!(
            text.contains("RUN microdnf install -y \\\n      curl-7.81.0 \\\n      openssl-3.0.12"),
            "{text}"
        );
    }
}
