//! AL3xx: secrets in the source. The formats are data (`rules/data/secrets.toml`); messages show
//! only a redacted form of what was found.

mod flow;
mod keys;
mod named;

pub use flow::SecretSentToModelOrLog;
pub(crate) use keys::environment_name;
pub use keys::{CredentialsInUrl, HardcodedProviderKey, PrivateKeyMaterial};
pub use named::HardcodedSecret;
