//! A Packer template for an image spec: the same layers, installed on an EC2 instance that Packer
//! then saves as an Amazon machine image (AMI).

use super::{
    APP_HOME, Os, PackageManager, RuntimeRecipe, build_commands, comment_lines, hcl_attributes, hcl_string,
    layer_heading, shell_word,
};
use crate::{ImageSpec, LayerKind};

/// Where the configuration is written on the machine, one `KEY="value"` line per entry.
const CONFIG_FILE: &str = "/etc/app/app.env";

/// A Packer HCL2 template that builds `spec` into an AMI named after `tag`: an `amazon-ebs` source
/// starting from the base's vendor AMI, one shell provisioner per lab layer (pinned packages,
/// runtime, application, configuration), and AMI tags carrying the tag, the application version
/// and the spec's digest, which is what [`terraform_launch_template`](super::terraform_launch_template)
/// looks the AMI up by.
pub fn packer(spec: &ImageSpec, tag: &str) -> String {
    let os = Os::of(&spec.base);
    let manager = os.packages_for(spec.minimal_base);
    let digest = spec.digest().to_string();
    let ami_name = format!("lab-golden-{tag}");
    let mut lines = Vec::new();
    note(
        &mut lines,
        "",
        &format!("Written by the Immutable Infrastructure Lab for image {digest} (tag {tag})."),
    );
    note(
        &mut lines,
        "",
        "Packer starts an instance from the base AMI, runs one provisioner per lab layer and saves the \
         result as a new AMI. Nothing changes that AMI afterwards: a change means a new build.",
    );
    lines.extend([String::new(), "packer {".into(), "  required_plugins {".into(), "    amazon = {".into()]);
    lines.extend(hcl_attributes(
        "      ",
        &[("version", hcl_string(">= 1.3.0")), ("source", hcl_string("github.com/hashicorp/amazon"))],
    ));
    lines.extend(["    }".into(), "  }".into(), "}".into(), String::new(), "variable \"region\" {".into()]);
    lines.extend(hcl_attributes("  ", &[("type", "string".into()), ("default", hcl_string("us-east-1"))]));
    lines.extend(["}".into(), String::new(), "locals {".into()]);
    note(
        &mut lines,
        "  ",
        &format!(
            "Provisioners run as root; the base AMI's login user gets there through {}.",
            os.become_root
        ),
    );
    let as_root = format!("chmod +x {{{{ .Path }}}}; {} env {{{{ .Vars }}}} {{{{ .Path }}}}", os.become_root);
    lines.push(format!("  as_root = {}", hcl_string(&as_root)));
    lines.extend(["}".into(), String::new()]);

    source(&mut lines, spec, &os, tag, &ami_name, &digest);

    lines.extend([String::new(), "build {".into()]);
    lines.push(format!("  sources = [{}]", hcl_string("source.amazon-ebs.golden")));

    let heading = layer_heading(LayerKind::Packages);
    if spec.packages.is_empty() {
        step(&mut lines, &format!("{heading}: none beyond the base."));
    } else {
        step(&mut lines, &format!("{heading}: every version pinned, so a rebuild installs exactly these."));
        let pinned: Vec<String> =
            spec.packages.iter().map(|(name, version)| manager.pin(name, version)).collect();
        shell(&mut lines, &manager.commands(&pinned));
    }

    runtime(&mut lines, spec, &os, manager);
    application(&mut lines, spec, manager);

    let heading = layer_heading(LayerKind::Config);
    if spec.config.is_empty() {
        step(&mut lines, &format!("{heading}: none."));
    } else {
        step(
            &mut lines,
            &format!(
                "{heading}: written to {CONFIG_FILE}, one KEY=\"value\" line each, for the application to \
                 load."
            ),
        );
        let mut commands = vec!["install -d -m 0755 /etc/app".to_owned()];
        commands.extend(spec.config.iter().enumerate().map(|(index, (key, value))| {
            // The first line replaces whatever an earlier provisioner left; the rest append.
            let redirect = if index == 0 { ">" } else { ">>" };
            format!("printf '%s\\n' {} {redirect} {CONFIG_FILE}", shell_word(&env_line(key, value)))
        }));
        shell(&mut lines, &commands);
    }
    lines.push("}".into());

    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The `source` block: which AMI to start from, and the name and tags of the AMI to save.
fn source(lines: &mut Vec<String>, spec: &ImageSpec, os: &Os, tag: &str, ami_name: &str, digest: &str) {
    let minimal_ami = os.minimal_ami_name.as_ref().filter(|_| spec.minimal_base);
    let variant = match (spec.minimal_base, minimal_ami) {
        (false, _) => "",
        (true, Some(_)) => ", minimal AMI",
        (true, None) => ", standard AMI (the vendor publishes no minimal one)",
    };
    note(lines, "", &format!("{}: {}{variant}.", layer_heading(LayerKind::Base), spec.base));
    note(
        lines,
        "",
        &format!(
            "most_recent takes the vendor's newest patched AMI whenever Packer runs, as the lab's nightly \
             base refresh does (this image used snapshot {}).",
            spec.base_snapshot
        ),
    );
    if os.ami_owner == "self" {
        note(
            lines,
            "",
            "The lab does not know who publishes this base, so the filter looks in your own account.",
        );
    }
    lines.push("source \"amazon-ebs\" \"golden\" {".into());
    note(
        lines,
        "  ",
        "AMI names are unique in a region, so building the same tag twice fails, like an immutable tag.",
    );
    lines.extend(hcl_attributes(
        "  ",
        &[
            ("ami_name", hcl_string(ami_name)),
            ("instance_type", hcl_string("t3.micro")),
            ("region", "var.region".into()),
            ("ssh_username", hcl_string(os.ssh_username)),
        ],
    ));
    lines.extend([String::new(), "  source_ami_filter {".into(), "    filters = {".into()]);
    lines.extend(hcl_attributes(
        "      ",
        &[
            ("name", hcl_string(minimal_ami.unwrap_or(&os.ami_name))),
            ("root-device-type", hcl_string("ebs")),
            ("virtualization-type", hcl_string("hvm")),
        ],
    ));
    lines.push("    }".into());
    lines.extend(hcl_attributes(
        "    ",
        &[("owners", format!("[{}]", hcl_string(os.ami_owner))), ("most_recent", "true".into())],
    ));
    lines.extend(["  }".into(), String::new()]);
    note(
        lines,
        "  ",
        "Terraform finds this AMI by these tags: by ImageDigest to pin it, by Tag to follow the tag.",
    );
    lines.push("  tags = {".into());
    lines.extend(hcl_attributes(
        "    ",
        &[
            ("Name", hcl_string(ami_name)),
            ("Tag", hcl_string(tag)),
            ("Version", hcl_string(&spec.app_version)),
            ("ImageDigest", hcl_string(digest)),
            ("BaseOS", hcl_string(&spec.base)),
            ("BaseSnapshot", hcl_string(&spec.base_snapshot.to_string())),
        ],
    ));
    lines.extend(["  }".into(), "}".into()]);
}

/// The runtime layer: the vendor's tarball where there is one for this base, so the version is
/// exact, and the distribution's package otherwise.
fn runtime(lines: &mut Vec<String>, spec: &ImageSpec, os: &Os, manager: PackageManager) {
    let heading = layer_heading(LayerKind::Runtime);
    let Some(runtime) = &spec.runtime else {
        step(lines, &format!("{heading}: none."));
        return;
    };
    let recipe = RuntimeRecipe::of(&runtime.name);
    let (name, version) = (&runtime.name, &runtime.version);
    if recipe.build_only && spec.multi_stage {
        step(
            lines,
            &format!(
                "{heading}: none here. {name} {version} is only needed where the application is built: its \
                 programs carry their own runtime."
            ),
        );
        return;
    }
    let mut commands = Vec::new();
    match recipe.tarball_at(version, os) {
        Some((url, strip)) => {
            step(
                lines,
                &format!("{heading}: {name} {version} from the vendor's tarball, so the version is exact."),
            );
            commands.push(format!("curl -fsSLo /tmp/runtime.tar.gz {}", shell_word(&url)));
            let strip = if strip > 0 { format!(" --strip-components={strip}") } else { String::new() };
            commands.push(format!("tar -xzf /tmp/runtime.tar.gz -C /usr/local{strip}"));
            commands.push("rm -f /tmp/runtime.tar.gz".into());
        }
        None => {
            step(
                lines,
                &format!(
                    "{heading}: {name} {version} from the distribution's packages, pinned (add the vendor's \
                     repository first if the distribution lacks that version)."
                ),
            );
            commands.extend(manager.commands(&[manager.pin(name, version)]));
        }
    }
    if let Some(bin) = recipe.bin {
        let profile = format!("export PATH=\"$PATH:{bin}\"");
        commands.push(format!("echo {} > /etc/profile.d/lab-runtime.sh", shell_word(&profile)));
    }
    shell(lines, &commands);
}

/// The application layer: a multi-stage image receives only the built artifact; a single-stage one
/// is compiled on the instance, and the compilers stay in the AMI.
fn application(lines: &mut Vec<String>, spec: &ImageSpec, manager: PackageManager) {
    let heading = layer_heading(LayerKind::Application);
    let version = &spec.app_version;
    if spec.multi_stage {
        step(
            lines,
            &format!(
                "{heading} {version}: built elsewhere (a build stage or CI) and only the artifact uploaded, \
                 so no compilers reach the AMI."
            ),
        );
        file(lines, &format!("dist/app-{version}.tar.gz"), "/tmp/app.tar.gz");
        shell(
            lines,
            &[
                format!("mkdir -p {APP_HOME}"),
                format!("tar -xzf /tmp/app.tar.gz -C {APP_HOME}"),
                "rm -f /tmp/app.tar.gz".into(),
            ],
        );
    } else {
        step(
            lines,
            &format!(
                "{heading} {version}: built on the instance, so the compilers installed for it stay in the \
                 AMI (a multi-stage build would leave them behind)."
            ),
        );
        file(lines, "app", "/tmp");
        let toolchain: Vec<String> =
            manager.toolchain().iter().map(|package| (*package).to_owned()).collect();
        let mut commands = manager.commands(&toolchain);
        commands.extend(build_commands("make -C /tmp/app", version));
        commands.push("rm -rf /tmp/app".into());
        shell(lines, &commands);
    }
}

/// A comment wrapped to the comment width.
fn note(lines: &mut Vec<String>, indent: &str, text: &str) {
    lines.extend(comment_lines(indent, text));
}

/// A blank line and a comment opening a step of the `build` block.
fn step(lines: &mut Vec<String>, text: &str) {
    lines.push(String::new());
    note(lines, "  ", text);
}

fn shell(lines: &mut Vec<String>, commands: &[String]) {
    lines.push("  provisioner \"shell\" {".into());
    lines.push("    execute_command = local.as_root".into());
    lines.push("    inline = [".into());
    lines.extend(commands.iter().map(|command| format!("      {},", hcl_string(command))));
    lines.extend(["    ]".into(), "  }".into()]);
}

fn file(lines: &mut Vec<String>, source: &str, destination: &str) {
    lines.push("  provisioner \"file\" {".into());
    lines.extend(hcl_attributes(
        "    ",
        &[("source", hcl_string(source)), ("destination", hcl_string(destination))],
    ));
    lines.push("  }".into());
}

/// `KEY="value"`, escaped as a POSIX shell reads a double-quoted word, so the file can be sourced.
fn env_line(key: &str, value: &str) -> String {
    let mut line = format!("{key}=\"");
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            line.push('\\');
        }
        line.push(c);
    }
    line.push('"');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Runtime;

    fn spec() -> ImageSpec {
        let mut spec = ImageSpec::new("ubuntu-22.04", "1.4.2");
        spec.packages.insert("openssl".into(), "3.0.12".into());
        spec.packages.insert("curl".into(), "7.81.0".into());
        spec.runtime = Some(Runtime { name: "nodejs".into(), version: "20.9.0".into() });
        spec
    }

    #[test]
    fn the_tag_names_the_ami_and_the_digest_tags_it() {
        let spec = spec();
        let text = packer(&spec, "v1.4.2");
        assert!(text.contains("  ami_name      = \"lab-golden-v1.4.2\"\n"), "{text}");
        assert!(text.contains(&format!("    ImageDigest  = \"{}\"\n", spec.digest())), "{text}");
        assert!(text.contains("    Tag          = \"v1.4.2\"\n"), "{text}");
        assert!(
            text.contains("      name                = \"ubuntu/images/*/ubuntu-*-22.04-amd64-server-*\"\n")
        );
        assert!(text.contains("    owners      = [\"099720109477\"]\n"), "{text}");
    }

    #[test]
    fn packages_are_pinned_in_one_install_command() {
        let text = packer(&spec(), "v1.4.2");
        assert!(text.contains(
            "      \"DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl=7.81.0 \
             openssl=3.0.12\",\n"
        ));
        assert!(text.contains("https://nodejs.org/dist/v20.9.0/node-v20.9.0-linux-x64.tar.gz"), "{text}");
    }

    #[test]
    fn a_multi_stage_image_uploads_the_artifact_instead_of_compiling() {
        let mut spec = spec();
        let single = packer(&spec, "v1.4.2");
        assert!(single.contains("build-essential"), "{single}");
        assert!(single.contains("\"make -C /tmp/app release VERSION=1.4.2\""), "{single}");

        spec.multi_stage = true;
        let multi = packer(&spec, "v1.4.2");
        assert!(multi.contains("source      = \"dist/app-1.4.2.tar.gz\""), "{multi}");
        assert!(!multi.contains("build-essential"), "{multi}");
        assert!(!multi.contains("make "), "{multi}");
    }

    #[test]
    fn config_survives_shell_and_hcl_quoting() {
        let mut spec = spec();
        spec.config.insert("GREETING".into(), r#"say "hi" to $USER's ${HOME}"#.into());
        let text = packer(&spec, "v1.4.2");
        // The shell command is: printf '%s\n' 'GREETING="say \"hi\" to \$USER'\''s \${HOME}"' > …
        let expected = r#""printf '%s\\n' 'GREETING=\"say \\\"hi\\\" to \\$USER'\\''s \\$${HOME}\"' > "#;
        assert!(text.contains(&format!("{expected}/etc/app/app.env\",")), "{text}");
    }

    #[test]
    fn alpine_becomes_root_with_doas_and_takes_its_runtime_from_apk() {
        let mut spec = spec();
        spec.base = "alpine-3.19".into();
        let text = packer(&spec, "v1");
        assert!(
            text.contains("as_root = \"chmod +x {{ .Path }}; doas env {{ .Vars }} {{ .Path }}\""),
            "{text}"
        );
        assert!(text.contains("\"apk add --no-cache curl=7.81.0 openssl=3.0.12\""), "{text}");
        // Node's own tarballs are built for glibc and would not run on Alpine's musl.
        assert!(text.contains("\"apk add --no-cache nodejs=20.9.0\""), "{text}");
        assert!(!text.contains("nodejs.org"), "{text}");
    }
}
