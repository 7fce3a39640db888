//! The agent model: the tools a file declares, what the model is told about them, and (later) what
//! their code does.

pub mod text;
pub mod tools;

pub use text::DecodedText;
pub use tools::{Description, DescriptionSource, Tool, tools};
