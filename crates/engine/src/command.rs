//! What a learner, a lesson or a scenario can ask the world to do.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Digest, ImageSpec, SpecError};

/// A request to the world. Closed: every way to change the world is listed here, which is what lets
/// a share link or a grader replay a session from its command log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Build an image from a spec and push it to the registry.
    BuildImage(ImageSpec),
    /// Roll the fleet out to an image already in the registry.
    Deploy {
        /// Which image: a digest (or its unique prefix) or an application version.
        image: ImageRef,
    },
    /// Change how many instances the fleet should run.
    Scale {
        /// The new fleet size.
        replicas: u32,
    },
}

/// How a command names an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageRef {
    /// `sha256:` and at least twelve hex characters: a digest or a unique prefix of one.
    Digest(String),
    /// The application version of the most recently built image that carries it.
    Version(String),
}

impl ImageRef {
    /// Names an image by its full digest.
    pub fn digest(digest: Digest) -> Self {
        ImageRef::Digest(digest.hex())
    }

    fn parse(text: &str) -> Result<Self, String> {
        if let Some(hex_part) = text.strip_prefix("sha256:") {
            let hex_ok = hex_part.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
            if !hex_ok || !(Digest::SHORT_HEX_LEN..=64).contains(&hex_part.len()) {
                return Err(format!(
                    "`{text}` is not a digest: write `sha256:` and 12 to 64 lowercase hex characters"
                ));
            }
            return Ok(ImageRef::Digest(hex_part.to_owned()));
        }
        if text.is_empty() || text.len() > 128 || text.chars().any(char::is_whitespace) {
            return Err(format!("`{text}` is neither a digest nor an application version"));
        }
        Ok(ImageRef::Version(text.to_owned()))
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageRef::Digest(hex_part) => write!(f, "sha256:{hex_part}"),
            ImageRef::Version(version) => f.write_str(version),
        }
    }
}

impl Serialize for ImageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ImageRef::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why the world refused a command. The world is unchanged when one is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The image spec is invalid.
    #[error("image spec rejected: {0}")]
    InvalidSpec(#[from] SpecError),
    /// The registry holds its maximum number of images.
    #[error("the registry is full ({max} images); no new image was built")]
    RegistryFull {
        /// The limit.
        max: usize,
    },
    /// No image in the registry matches the reference.
    #[error("no image in the registry matches `{reference}`")]
    UnknownImage {
        /// What the command asked for.
        reference: String,
    },
    /// A digest prefix matches more than one image.
    #[error("`{reference}` matches more than one image; give more of the digest")]
    AmbiguousImage {
        /// What the command asked for.
        reference: String,
    },
    /// The fleet already runs (or is rolling out to) that image.
    #[error("the fleet is already on {image:?}; nothing to deploy")]
    AlreadyTarget {
        /// The current target image.
        image: Digest,
    },
    /// The requested fleet size is outside what the lab simulates.
    #[error("a fleet of {requested} is outside 0..={max}")]
    FleetTooLarge {
        /// What the command asked for.
        requested: u32,
        /// The largest fleet the lab runs.
        max: u32,
    },
}
