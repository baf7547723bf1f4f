//! A Terraform snippet that runs a fleet from the image: a launch template naming the AMI, and an
//! Auto Scaling group that rolls its instances onto each new version of that template.

use super::{comment_lines, hcl_attributes, hcl_string};
use crate::{Digest, ImageSpec};

/// Terraform for a fleet launched from the AMI that [`packer`](super::packer) built for `spec`:
/// an `aws_ami` lookup by `image_reference`, an `aws_launch_template` "fleet" whose `image_id` is
/// that AMI and whose instances are tagged with the application version, and an
/// `aws_autoscaling_group` that follows the template's latest version with a rolling instance
/// refresh.
///
/// `image_reference` is a digest (`sha256:…`, or its 64 hex characters alone) or a tag such as
/// `v1.4.2`. EC2 launches instances from AMI IDs, not from the lab's names, so the reference selects
/// the AMI by the `ImageDigest` or `Tag` tag the Packer template gave it.
pub fn terraform_launch_template(spec: &ImageSpec, image_reference: &str) -> String {
    let digest = Digest::parse(image_reference)
        .or_else(|_| Digest::parse(&format!("sha256:{image_reference}")))
        .ok()
        .map(|digest| digest.to_string());
    let (ami_tag, reference, explanation) = match &digest {
        Some(digest) => (
            "ImageDigest",
            digest.as_str(),
            "Pinned by digest: it names exactly one image, so every launch, scale-out and replacement runs \
             the same image until this reference is changed."
                .to_owned(),
        ),
        None => (
            "Tag",
            image_reference,
            format!(
                "A floating tag: {image_reference} can be moved to a newer build, and the next apply then \
                 quietly rolls the fleet onto a different image. Pin by digest (sha256:…) to keep every \
                 launch on the same one."
            ),
        ),
    };

    let mut lines = comment_lines(
        "",
        &format!("Written by the Immutable Infrastructure Lab for application {}.", spec.app_version),
    );
    lines.extend([String::new(), "variable \"subnet_ids\" {".into()]);
    lines.extend(hcl_attributes(
        "  ",
        &[("description", hcl_string("Subnets the fleet runs in.")), ("type", "list(string)".into())],
    ));
    lines.extend(["}".into(), String::new(), "variable \"fleet_size\" {".into()]);
    lines.extend(hcl_attributes(
        "  ",
        &[
            ("description", hcl_string("How many instances the fleet runs.")),
            ("type", "number".into()),
            ("default", "3".into()),
        ],
    ));
    lines.extend(["}".into(), String::new()]);
    lines.extend(comment_lines(
        "",
        "The AMI the lab's Packer template built, found by the tags it carries: EC2 launches instances from \
         AMI IDs, so the lab's image reference becomes one here.",
    ));
    lines.extend(comment_lines("", &explanation));
    lines.push("data \"aws_ami\" \"golden\" {".into());
    lines.extend(hcl_attributes(
        "  ",
        &[("owners", format!("[{}]", hcl_string("self"))), ("most_recent", "true".into())],
    ));
    lines.extend([String::new(), "  filter {".into()]);
    lines.extend(hcl_attributes(
        "    ",
        &[
            ("name", hcl_string(&format!("tag:{ami_tag}"))),
            ("values", format!("[{}]", hcl_string(reference))),
        ],
    ));
    lines.extend([
        "  }".into(),
        "}".into(),
        String::new(),
        "resource \"aws_launch_template\" \"fleet\" {".into(),
    ]);
    lines.extend(hcl_attributes(
        "  ",
        &[
            ("name_prefix", hcl_string("lab-fleet-")),
            ("image_id", "data.aws_ami.golden.id".into()),
            ("instance_type", hcl_string("t3.micro")),
        ],
    ));
    lines.extend([String::new(), "  tag_specifications {".into()]);
    lines.extend(hcl_attributes("    ", &[("resource_type", hcl_string("instance"))]));
    lines.push("    tags = {".into());
    lines.extend(hcl_attributes(
        "      ",
        &[("Version", hcl_string(&spec.app_version)), ("ImageReference", hcl_string(reference))],
    ));
    lines.extend([
        "    }".into(),
        "  }".into(),
        "}".into(),
        String::new(),
        "resource \"aws_autoscaling_group\" \"fleet\" {".into(),
    ]);
    lines.extend(hcl_attributes(
        "  ",
        &[
            ("name_prefix", hcl_string("lab-fleet-")),
            ("min_size", "var.fleet_size".into()),
            ("max_size", "var.fleet_size".into()),
            ("desired_capacity", "var.fleet_size".into()),
            ("vpc_zone_identifier", "var.subnet_ids".into()),
        ],
    ));
    lines.extend([String::new(), "  launch_template {".into()]);
    lines.extend(hcl_attributes(
        "    ",
        &[
            ("id", "aws_launch_template.fleet.id".into()),
            ("version", "aws_launch_template.fleet.latest_version".into()),
        ],
    ));
    lines.extend(["  }".into(), String::new()]);
    lines.extend(comment_lines(
        "  ",
        "A new image gives the launch template a new version, and that change starts an instance refresh: \
         the group replaces instances in batches while at least 90% of the fleet stays healthy, as the lab's \
         rolling strategy does.",
    ));
    lines.extend([
        "  instance_refresh {".into(),
        format!("    strategy = {}", hcl_string("Rolling")),
        "    preferences {".into(),
        "      min_healthy_percentage = 90".into(),
        "    }".into(),
        "  }".into(),
        "}".into(),
    ]);

    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_selects_one_ami_and_a_tag_follows_the_tag() {
        let spec = ImageSpec::new("ubuntu-22.04", "1.4.2");
        let digest = spec.digest().to_string();

        let pinned = terraform_launch_template(&spec, &digest);
        assert!(pinned.contains("    name   = \"tag:ImageDigest\"\n"), "{pinned}");
        assert!(pinned.contains(&format!("    values = [\"{digest}\"]\n")), "{pinned}");
        assert!(pinned.contains("# Pinned by digest"), "{pinned}");

        let floating = terraform_launch_template(&spec, "v1.4.2");
        assert!(floating.contains("    name   = \"tag:Tag\"\n"), "{floating}");
        assert!(floating.contains("    values = [\"v1.4.2\"]\n"), "{floating}");
        assert!(floating.contains("# A floating tag: v1.4.2 can be moved"), "{floating}");
    }

    #[test]
    fn a_digest_without_its_prefix_is_still_a_digest() {
        let spec = ImageSpec::new("ubuntu-22.04", "1.4.2");
        let digest = spec.digest();
        let text = terraform_launch_template(&spec, &digest.hex());
        assert!(text.contains(&format!("    values = [\"{digest}\"]\n")), "{text}");
        assert!(text.contains("\"tag:ImageDigest\""), "{text}");
    }

    #[test]
    fn the_group_rolls_onto_the_latest_template_version() {
        let text = terraform_launch_template(&ImageSpec::new("debian-12", "2.0.0"), "v2.0.0");
        assert!(text.contains("  image_id      = data.aws_ami.golden.id\n"), "{text}");
        assert!(text.contains("    version = aws_launch_template.fleet.latest_version\n"), "{text}");
        assert!(text.contains("    strategy = \"Rolling\"\n"), "{text}");
        assert!(text.contains("      min_healthy_percentage = 90\n"), "{text}");
        assert!(text.contains("      Version        = \"2.0.0\"\n"), "{text}");
    }
}
