//! The agent model: the tools a file declares, what the model is told about them, and (later) what
//! their code does.

pub mod capabilities;
pub mod card;
pub mod external;
pub mod text;
pub mod tools;

pub use external::{ExternalRead, external_read};
pub use text::DecodedText;
pub use tools::{Description, DescriptionSource, Tool, ToolKind, ToolParameter, tools};
