//! What a pipeline checks an image for before it may ship: known vulnerabilities in its packages
//! (against a small advisory list) and secrets baked into its configuration.

mod advisory;
mod secrets;
mod version;

pub(crate) use advisory::built_in as built_in_advisories;
pub use advisory::{Advisory, BUILT_IN_ADVISORIES, Severity, affecting, findings};
pub use secrets::find_baked_secret;
pub use version::version_less;
