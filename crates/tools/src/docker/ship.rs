//! `docker tag` and `docker push`: a tag pointed at an image the registry holds (silent, as docker
//! is), and the push log (`distribution/push_v2.go`) for layers the lab's registry already has.

use lab_engine::{Command, Digest, Image, ImageRef, World};

use super::{
    Flags, NameError, Named, PUSH_USAGE, REGISTRY, TAG_USAGE, find, flag_error, only_web, parse_reference,
    parse_source, print,
};
use crate::names::NAME;
use crate::words::shown;
use crate::{Act, Output, Reply, Tool};

pub(super) fn tag(world: &World, words: &[&str]) -> Reply {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return print(TAG_USAGE);
    }
    let flags = match Flags::read(words, &[], &[]) {
        Ok(flags) => flags,
        Err(error) => return flag_error(&error, "docker tag"),
    };
    let [source, target] = flags.positional.as_slice() else {
        return Reply::Print(Output::error(format!(
            "\"docker tag\" requires exactly 2 arguments.\nSee 'docker tag --help'.\n\n{TAG_USAGE}"
        )));
    };
    let image = match parse_source(source) {
        Ok(named) => match find(world, &named) {
            Some(image) => image,
            None => return Reply::Print(Output::error(no_such_image(source))),
        },
        Err(NameError::Format) => {
            return Reply::Print(Output::error(format!(
                "Error response from daemon: invalid reference format: \"{}\"\n",
                shown(source)
            )));
        }
        Err(NameError::Repository) => return Reply::Print(Output::error(no_such_image(source))),
    };
    let tag = match parse_reference(target) {
        Ok(Named::Tag(tag)) => tag,
        Ok(Named::Digest(_)) => {
            return Reply::Print(Output::error(format!(
                "refusing to create a tag with a digest reference: \"{}\"\n",
                shown(target)
            )));
        }
        Err(NameError::Format) => {
            return Reply::Print(Output::error(format!(
                "Error parsing reference: \"{}\" is not a valid repository/tag: invalid reference format\n",
                shown(target)
            )));
        }
        Err(NameError::Repository) => {
            return Reply::Print(Output::error(format!("Error response from daemon: {}", only_web(target))));
        }
    };
    Act::new(Tool::Docker, vec![Command::Tag { tag, image: ImageRef::digest(image.digest) }], "")
}

fn no_such_image(typed: &str) -> String {
    format!(
        "Error response from daemon: No such image: {}\nhint: list the lab's images with 'docker image ls'\n",
        shown(typed)
    )
}

pub(super) fn push(world: &World, words: &[&str]) -> Reply {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return print(PUSH_USAGE);
    }
    let flags = match Flags::read(words, &[], &[("quiet", "-q"), ("quiet", "--quiet")]) {
        Ok(flags) => flags,
        Err(error) => return flag_error(&error, "docker push"),
    };
    let [typed] = flags.positional.as_slice() else {
        return Reply::Print(Output::error(format!(
            "\"docker push\" requires exactly 1 argument.\nSee 'docker push --help'.\n\n{PUSH_USAGE}"
        )));
    };
    let named = match parse_reference(typed) {
        Ok(named) => named,
        Err(NameError::Format) => {
            return Reply::Print(Output::error(format!("invalid reference format: \"{}\"\n", shown(typed))));
        }
        Err(NameError::Repository) => {
            return Reply::Print(Output::error(format!(
                "An image does not exist locally with the tag: {}\nhint: {}",
                shown(typed),
                only_web(typed)
            )));
        }
    };
    let mut text = String::new();
    let tag = match &named {
        Named::Tag(tag) => {
            if !typed.contains(':') {
                text.push_str("Using default tag: latest\n");
            }
            tag.clone()
        }
        Named::Digest(hex) => format!("sha256:{hex}"),
    };
    let Some(image) = find(world, &named) else {
        return Reply::Print(Output::error(format!(
            "{text}An image does not exist locally with the tag: {NAME}:{}\nhint: build it first ('docker build -t {NAME}:<tag> .'), or list what there is with 'docker image ls'\n",
            shown(&tag)
        )));
    };
    if flags.on("quiet") {
        return Reply::Print(Output::ok(format!("{REGISTRY}/{NAME}:{tag}\n")));
    }
    text.push_str(&format!("The push refers to repository [{REGISTRY}/{NAME}]\n"));
    let supply = world.supply_view();
    // A layer another image already brought is not sent again; layer digests are chained, so a
    // shared layer sits at the same depth in both images.
    let others: Vec<_> = supply
        .images
        .iter()
        .filter(|other| other.digest != image.digest)
        .map(|other| other.spec.layers())
        .collect();
    let layers = image.spec.layers();
    for (index, layer) in layers.iter().enumerate().rev() {
        let exists = others.iter().any(|other| other.get(index).is_some_and(|o| o.digest == layer.digest));
        text.push_str(&format!(
            "{}: {}\n",
            layer.digest.short(),
            if exists { "Layer already exists" } else { "Pushed" }
        ));
    }
    text.push_str(&format!("{tag}: digest: sha256:{} size: {}\n", image.digest.hex(), manifest_size(image)));
    Reply::Print(Output::ok(text))
}

/// The size in bytes of the image's registry manifest (schema 2, pretty-printed with three-space
/// indents as the registry stores it): a config descriptor and one descriptor per layer.
fn manifest_size(image: &Image) -> usize {
    let descriptor = |media: &str, size: u64, digest: Digest, indent: &str| {
        format!(
            "{indent}{{\n{indent}   \"mediaType\": \"{media}\",\n{indent}   \"size\": {size},\n{indent}   \"digest\": \"sha256:{}\"\n{indent}}}",
            digest.hex()
        )
    };
    let config_size = 1_500 + 64 * (image.spec.packages.len() + image.spec.config.len()) as u64;
    let layers: Vec<String> = image
        .spec
        .layers()
        .iter()
        .map(|layer| {
            descriptor(
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                u64::from(layer.size_kb) * 1000,
                layer.digest,
                "      ",
            )
        })
        .collect();
    let manifest = format!(
        "{{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n   \"config\": {},\n   \"layers\": [\n{}\n   ]\n}}",
        descriptor("application/vnd.docker.container.image.v1+json", config_size, image.digest, "   ")
            .trim_start(),
        layers.join(",\n")
    );
    manifest.len()
}
