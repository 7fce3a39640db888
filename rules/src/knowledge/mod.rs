//! Knowledge as data: the tables in `rules/data/*.toml`, embedded at build time and extensible by
//! users with files of the same format (config key `extend`).

pub(crate) mod providers;

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::syntax::Family;

const BUILTIN_TABLES: &[(&str, &str)] = &[
    (
        "rules/data/sinks.toml",
        include_str!("../../data/sinks.toml"),
    ),
    (
        "rules/data/frameworks.toml",
        include_str!("../../data/frameworks.toml"),
    ),
    (
        "rules/data/descriptions.toml",
        include_str!("../../data/descriptions.toml"),
    ),
    (
        "rules/data/sandboxes.toml",
        include_str!("../../data/sandboxes.toml"),
    ),
    (
        "rules/data/secrets.toml",
        include_str!("../../data/secrets.toml"),
    ),
    (
        "rules/data/providers.toml",
        include_str!("../../data/providers.toml"),
    ),
    (
        "rules/data/sdks/python.toml",
        include_str!("../../data/sdks/python.toml"),
    ),
    (
        "rules/data/sdks/javascript.toml",
        include_str!("../../data/sdks/javascript.toml"),
    ),
];

/// What a call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Runs a string as code in this process.
    CodeEval,
    /// Reads one environment variable.
    EnvRead,
    /// Reads files.
    FsRead,
    /// Receives data over the network.
    NetworkRead,
    /// Sends data over the network (POST/PUT/PATCH, sockets, email, webhooks).
    NetworkSend,
    /// Writes or creates files.
    FsWrite,
    /// Deletes files or directories.
    FsDelete,
    /// Starts a process.
    Process,
    /// Reads credentials: key files (`~/.ssh`, `~/.aws`, `.env`) or the whole environment.
    CredentialRead,
    /// Writes to a database.
    DatabaseWrite,
}

impl Effect {
    pub const ALL: [Effect; 10] = [
        Effect::CodeEval,
        Effect::EnvRead,
        Effect::FsRead,
        Effect::NetworkRead,
        Effect::NetworkSend,
        Effect::FsWrite,
        Effect::FsDelete,
        Effect::Process,
        Effect::CredentialRead,
        Effect::DatabaseWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Effect::CodeEval => "code-eval",
            Effect::EnvRead => "env-read",
            Effect::FsRead => "fs-read",
            Effect::NetworkRead => "network-read",
            Effect::NetworkSend => "network-send",
            Effect::FsWrite => "fs-write",
            Effect::FsDelete => "fs-delete",
            Effect::Process => "process",
            Effect::CredentialRead => "credential-read",
            Effect::DatabaseWrite => "database-write",
        }
    }

    pub fn parse(text: &str) -> Option<Effect> {
        Effect::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// What the effect does, for messages: "sends data over the network".
    pub fn verb(self) -> &'static str {
        match self {
            Effect::CodeEval => "runs generated code",
            Effect::EnvRead => "reads an environment variable",
            Effect::FsRead => "reads files",
            Effect::NetworkRead => "fetches data from the network",
            Effect::NetworkSend => "sends data over the network",
            Effect::FsWrite => "writes files",
            Effect::FsDelete => "deletes files",
            Effect::Process => "runs processes",
            Effect::CredentialRead => "reads credentials",
            Effect::DatabaseWrite => "writes to a database",
        }
    }

    /// Text comes from outside the program (a rug-pull risk for descriptions).
    pub fn is_external_read(self) -> bool {
        matches!(self, Effect::EnvRead | Effect::FsRead | Effect::NetworkRead)
    }
}

/// A condition on an argument of a sink: the effect applies when the argument's constant text
/// matches `pattern` (`open(path, "w")`, `fetch(url, { method: "POST" })`); otherwise the sink's
/// `otherwise` effect does, if any.
#[derive(Clone, Debug)]
pub struct Condition {
    /// A position (`1`), or a position and a property of an object literal (`1.method`).
    pub argument: Option<(usize, Option<String>)>,
    pub keyword: Option<String>,
    /// The argument's constant text matches this.
    pub pattern: Option<crate::pattern::Pattern>,
    /// Or the argument is one of these names, resolved (`os.environ` in `dict(os.environ)`).
    pub resolves: Vec<String>,
}

impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.argument == other.argument
            && self.keyword == other.keyword
            && self.pattern.as_ref().map(|p| p.as_str())
                == other.pattern.as_ref().map(|p| p.as_str())
            && self.resolves == other.resolves
    }
}

impl Eq for Condition {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionRecord {
    #[serde(default)]
    argument: Option<String>,
    #[serde(default)]
    keyword: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    resolves: Vec<String>,
}

/// Which argument of a call carries the payload.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ArgumentSpec {
    /// The argument at this position (0 = first).
    Position(usize),
    /// Every argument is payload (`argument = "any"`).
    Any(AnyMarker),
}

/// The word `"any"` in `argument = "any"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnyMarker {
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum LanguageName {
    Python,
    Javascript,
}

impl From<LanguageName> for Family {
    fn from(value: LanguageName) -> Self {
        match value {
            LanguageName::Python => Family::Python,
            LanguageName::Javascript => Family::JavaScript,
        }
    }
}

/// A call with an effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sink {
    pub family: Family,
    pub call: String,
    pub effect: Effect,
    /// The effect applies only when this holds...
    pub when: Option<Condition>,
    /// The sink has no effect at all when this holds (`yaml.load(s, Loader=yaml.SafeLoader)`).
    pub unless: Option<Condition>,
    /// ...and this one applies otherwise.
    pub otherwise: Option<Effect>,
    pub argument: ArgumentSpec,
    pub keyword: Option<String>,
    pub runs: String,
    pub advice: String,
    pub safer: Option<SaferCall>,
    /// (process) Whether a shell interprets the command.
    pub shell: Option<ShellUse>,
    /// Whether the effect is part of what the call's function does for AL101–AL105; `false`
    /// for calls only their own rule reports (a deserialiser: AL203).
    pub capability: bool,
    /// The severity when nothing says the model chose the payload, if not the rule's default
    /// (`hint` for deserialisers: almost every use reads a file the program wrote itself).
    pub untainted: Option<crate::diagnostic::Severity>,
    /// (code-eval) The call builds code without running it (`compile`): its result discarded
    /// is a syntax check, not reported; given a constant, what it builds is a constant.
    pub builds: bool,
}

/// When a process sink hands its command to a shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShellUse {
    /// Always (`os.system`, `child_process.exec`).
    Always,
    /// When the call's `shell` option is set (`shell=True`, `{ shell: true }`).
    Option,
    /// A tagged template that quotes what it interpolates, except `{ raw: ... }` (Bun's `$`).
    Raw,
}

/// A drop-in replacement for a sink, offered as a quick fix.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaferCall {
    pub call: String,
    #[serde(default)]
    pub import: Option<String>,
    pub title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SinkRecord {
    language: LanguageName,
    call: String,
    effect: Effect,
    #[serde(default)]
    when: Option<ConditionRecord>,
    #[serde(default)]
    unless: Option<ConditionRecord>,
    #[serde(default)]
    otherwise: Option<Effect>,
    #[serde(default = "first_argument")]
    argument: ArgumentSpec,
    #[serde(default)]
    keyword: Option<String>,
    #[serde(default)]
    runs: String,
    #[serde(default)]
    advice: String,
    #[serde(default)]
    safer: Option<SaferCall>,
    #[serde(default)]
    shell: Option<ShellUse>,
    #[serde(default = "yes")]
    capability: bool,
    #[serde(default)]
    untainted: Option<String>,
    #[serde(default)]
    builds: bool,
}

fn yes() -> bool {
    true
}

fn first_argument() -> ArgumentSpec {
    ArgumentSpec::Position(0)
}

/// What makes a declaration a tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A decorator on a Python function.
    Decorator,
    /// A call or construction.
    Call,
    /// A base class.
    Base,
}

/// Where a part of a tool (name, description, function) is found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A keyword argument of the decorator or call.
    Keyword(String),
    /// A positional argument; negative counts from the end.
    Argument(isize),
    /// A property of an object literal passed as a positional argument.
    ArgumentProperty(isize, String),
    /// The docstring of the tool's function.
    Docstring,
    /// The name of the tool's function.
    Function,
    /// The variable or property the call's result is assigned to.
    Variable,
    /// A class attribute or field.
    Attribute(String),
    /// A method of the class.
    Method(String),
}

impl Place {
    fn parse(text: &str) -> Result<Place, String> {
        let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
        let index = |s: &str| {
            s.parse::<isize>()
                .map_err(|_| format!("`{text}`: `{s}` is not an argument position"))
        };
        Ok(match (kind, rest) {
            ("keyword", name) if !name.is_empty() => Place::Keyword(name.to_string()),
            ("argument", spec) => match spec.split_once('.') {
                Some((n, key)) if !key.is_empty() => {
                    Place::ArgumentProperty(index(n)?, key.to_string())
                }
                _ => Place::Argument(index(spec)?),
            },
            ("docstring", "") => Place::Docstring,
            ("function", "") => Place::Function,
            ("variable", "") => Place::Variable,
            ("attribute", name) if !name.is_empty() => Place::Attribute(name.to_string()),
            ("method", name) if !name.is_empty() => Place::Method(name.to_string()),
            _ => {
                return Err(format!(
                    "`{text}` is not a place: use keyword:NAME, argument:N, argument:N.KEY, \
                     docstring, function, variable, attribute:NAME or method:NAME"
                ));
            }
        })
    }
}

/// How one framework declares tools.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolRecogniser {
    pub framework: String,
    pub family: Family,
    pub trigger: Trigger,
    pub name: Vec<Place>,
    pub description: Vec<Place>,
    pub function: Vec<Place>,
    /// Where the parameters' schema is (TypeScript); Python tools take theirs from the
    /// function's signature.
    pub parameters: Vec<Place>,
    /// For `*.method` triggers (an object whose class cannot be resolved, such as one returned by
    /// a helper in another module): the file must import one of these modules.
    pub requires_import: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolRecord {
    framework: String,
    language: LanguageName,
    #[serde(default)]
    decorator: Vec<String>,
    #[serde(default)]
    call: Vec<String>,
    #[serde(default)]
    base: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    description: Vec<String>,
    #[serde(default)]
    function: Vec<String>,
    #[serde(default)]
    parameters: Vec<String>,
    #[serde(default, rename = "requires-import")]
    requires_import: Vec<String>,
}

/// How sure a phrase makes a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strength {
    /// Rarely in honest descriptions: an error.
    Strong,
    /// Also in honest descriptions: a hint.
    Weak,
}

/// A phrase of the description vocabulary.
#[derive(Clone, Debug)]
pub struct Phrase {
    pub id: String,
    pub strength: Strength,
    /// What the phrase is, for messages; `{0}` is the match, `{1}` its first group.
    pub what: String,
    pub pattern: crate::pattern::Pattern,
}

impl Phrase {
    /// `what`, filled in from a match.
    pub fn describe(&self, captures: &regex::Captures<'_>) -> String {
        let group = |i: usize| captures.get(i).map_or("", |m| m.as_str());
        // Quoted in a one-sentence finding: a long match is cut.
        let whole = crate::syntax::excerpt(group(0), 30);
        self.what
            .replace("{0}", &whole)
            .replace("{1}", &crate::syntax::excerpt(group(1), 30))
    }
}

impl PartialEq for Phrase {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.pattern.as_str() == other.pattern.as_str()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseRecord {
    id: String,
    strength: Strength,
    what: String,
    pattern: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternRecord {
    pattern: String,
    #[serde(default)]
    imperative: bool,
}

/// A pattern of a sentence that asks the model to do something.
#[derive(Clone, Debug)]
pub struct RequestPattern {
    pub pattern: crate::pattern::Pattern,
    /// Matches a sentence in the imperative mood, which is also how docstrings summarise what a
    /// function does: not applied to a description's first sentence.
    pub imperative: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisclosureRecord {
    effect: Effect,
    pattern: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimRecord {
    id: String,
    what: String,
    contradicts: Vec<Effect>,
    pattern: String,
    #[serde(default)]
    weak: bool,
}

/// An explicit claim a description can make, and the effects that contradict it.
#[derive(Clone, Debug)]
pub struct Claim {
    pub id: String,
    /// Completes "`tool` says ...": "it is read-only".
    pub what: String,
    pub contradicts: Vec<Effect>,
    pub pattern: crate::pattern::Pattern,
    /// Contradicted only by effects the description does not otherwise disclose.
    pub weak: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InjectedRecord {
    types: Vec<String>,
}

/// The format of a data file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    #[serde(default)]
    sink: Vec<SinkRecord>,
    #[serde(default)]
    tool: Vec<ToolRecord>,
    #[serde(default)]
    instruction: Vec<PhraseRecord>,
    #[serde(default)]
    sensitive: Vec<PhraseRecord>,
    #[serde(default)]
    request: Vec<PatternRecord>,
    #[serde(default)]
    shadowing: Vec<PhraseRecord>,
    #[serde(default)]
    injected: Vec<InjectedRecord>,
    #[serde(default)]
    disclosure: Vec<DisclosureRecord>,
    #[serde(default)]
    claim: Vec<ClaimRecord>,
    #[serde(default)]
    imposition: Vec<PatternRecord>,
    #[serde(default)]
    redirection: Vec<PatternRecord>,
    #[serde(default)]
    scratch: Vec<ScratchRecord>,
    #[serde(default)]
    placement: Vec<PatternRecord>,
    #[serde(default)]
    logging: Vec<LoggingRecord>,
    #[serde(default)]
    model_output: Vec<ModelOutputRecord>,
    #[serde(default)]
    reply_name: Vec<ModelOutputRecord>,
    #[serde(default)]
    warned_execution: Vec<ModelOutputRecord>,
    #[serde(default)]
    opt_in_execution: Vec<ModelOutputRecord>,
    #[serde(default)]
    shell: Vec<ShellRecord>,
    #[serde(default)]
    sandbox: Vec<SandboxRecord>,
    #[serde(default)]
    secret: Vec<crate::secrets::SecretRecord>,
    #[serde(default)]
    placeholder: Vec<crate::secrets::PlaceholderRecord>,
    #[serde(default)]
    publishable: Vec<crate::secrets::PublishableRecord>,
    #[serde(default)]
    known_example: Vec<crate::secrets::KnownExampleRecord>,
    #[serde(default)]
    secret_names: Option<crate::secrets::SecretNames>,
    #[serde(default)]
    secret_flow: Option<crate::secrets::SecretFlowRecord>,
    #[serde(default)]
    provider: Vec<providers::ProviderRecord>,
    #[serde(default)]
    kinds: Option<std::collections::HashMap<String, String>>,
    #[serde(default)]
    storage: Vec<providers::StorageRecord>,
    #[serde(default)]
    model: Vec<providers::SendsRecord>,
    #[serde(default)]
    client: Vec<providers::SendsRecord>,
    #[serde(default)]
    function: Vec<providers::SendsRecord>,
    #[serde(default)]
    router: Vec<providers::RouterRecord>,
    #[serde(default)]
    package: Vec<providers::PackageRecord>,
    #[serde(default)]
    unmapped: Vec<providers::UnmappedRecord>,
    #[serde(default)]
    sending: Option<providers::SendingRecord>,
}

/// A shell program and the flag after which it takes a command line (`sh -c`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ShellRecord {
    programs: Vec<String>,
    command_flag: String,
}

/// Shells: programs that interpret the argument after `flag` as a command line.
#[derive(Clone, Debug)]
pub struct Shell {
    pub programs: Vec<String>,
    pub flag: crate::pattern::Pattern,
}

/// A way of confining a process.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SandboxRecord {
    name: String,
    #[serde(default)]
    language: Option<LanguageName>,
    /// Programs that run the rest of their command line confined, as the command's first words
    /// (`bwrap`, `docker run`).
    #[serde(default)]
    programs: Vec<String>,
    /// Decorators whose function runs somewhere else (a Modal container).
    #[serde(default)]
    decorators: Vec<String>,
    /// Packages that run commands in a sandbox instead of here (their calls are never
    /// processes of this machine); named in advice.
    #[serde(default)]
    packages: Vec<String>,
}

/// A recognised sandbox.
#[derive(Clone, Debug)]
pub struct Sandbox {
    pub name: String,
    pub family: Option<Family>,
    /// Each program as its words (`["docker", "run"]`).
    pub programs: Vec<Vec<String>>,
    pub decorators: Vec<String>,
    pub packages: Vec<String>,
}

/// How a model's reply is read in code (`response.choices[0].message.content`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelOutputRecord {
    language: LanguageName,
    pattern: String,
}

/// Calls that print or log their arguments (where a value ends up in the server's logs).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoggingRecord {
    language: LanguageName,
    /// Resolved names (`print`, `logging.info`, `console.log`).
    #[serde(default)]
    calls: Vec<String>,
    /// Method names on an object whose name matches `object` (`logger.info`).
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    object: Option<String>,
    /// Words in a description that say the tool logs or prints what it is given.
    #[serde(default)]
    disclosed: Option<String>,
}

/// Logging calls of one language family.
#[derive(Clone, Debug, Default)]
pub struct Logging {
    pub calls: rustc_hash::FxHashSet<String>,
    pub methods: rustc_hash::FxHashSet<String>,
    pub objects: Vec<crate::pattern::Pattern>,
    pub disclosed: Vec<crate::pattern::Pattern>,
}

impl Logging {
    /// Whether a call (resolved name, callee as written) prints or logs.
    pub fn is_logging(&self, resolved: Option<&str>, callee: Option<&str>) -> bool {
        if resolved.is_some_and(|r| self.calls.contains(r)) {
            return true;
        }
        let Some((object, method)) = callee.and_then(|c| c.rsplit_once('.')) else {
            return false;
        };
        self.methods.contains(method) && self.objects.iter().any(|o| o.is_match(object))
    }
}

/// Where a tool keeps files for itself: the temporary directory.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScratchRecord {
    language: LanguageName,
    /// Calls that make or name a temporary path (`tempfile.mkstemp`, `os.tmpdir`).
    #[serde(default)]
    calls: Vec<String>,
    /// A constant path in the temporary directory.
    #[serde(default)]
    path: Option<String>,
}

/// Scratch space of one language family.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    pub calls: rustc_hash::FxHashSet<String>,
    pub paths: Vec<crate::pattern::Pattern>,
}

thread_local! {
    /// Whether the tables being read are the built-in ones: their expressions' syntax is not
    /// checked at every start (a quarter of the start-up: 4 of 16 ms), the tests check it.
    static READING_BUILTIN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn compile(origin: &str, pattern: &str) -> Result<crate::pattern::Pattern, KnowledgeError> {
    // The unit tests read the built-in tables: each of their expressions must compile.
    #[cfg(test)]
    if let Err(e) = regex::Regex::new(pattern) {
        panic!("{origin}: `{pattern}` does not compile: {e}");
    }
    if READING_BUILTIN.get() {
        return Ok(crate::pattern::Pattern::trusted(pattern));
    }
    crate::pattern::Pattern::new(pattern).map_err(|e| KnowledgeError {
        origin: origin.to_string(),
        message: format!("invalid pattern `{pattern}`: {e}"),
    })
}

/// A sink's `when` or `unless` table.
fn condition(
    origin: &str,
    call: &str,
    table: &str,
    c: ConditionRecord,
) -> Result<Condition, KnowledgeError> {
    let error = |message: String| KnowledgeError {
        origin: origin.to_string(),
        message,
    };
    let argument = match c.argument.as_deref() {
        None => None,
        Some(spec) => {
            let (position, property) = match spec.split_once('.') {
                Some((n, key)) => (n, Some(key.to_string())),
                None => (spec, None),
            };
            let position = position.parse::<usize>().map_err(|_| {
                error(format!(
                    "sink {call}: `{table}.argument = \"{spec}\"` is not N or N.KEY"
                ))
            })?;
            Some((position, property))
        }
    };
    if c.pattern.is_none() == c.resolves.is_empty() {
        return Err(error(format!(
            "sink `{call}`: `{table}` needs either `pattern` or `resolves`"
        )));
    }
    Ok(Condition {
        argument,
        keyword: c.keyword,
        pattern: c.pattern.map(|p| compile(origin, &p)).transpose()?,
        resolves: c.resolves,
    })
}

fn phrases(origin: &str, records: Vec<PhraseRecord>) -> Result<Vec<Phrase>, KnowledgeError> {
    records
        .into_iter()
        .map(|r| {
            Ok(Phrase {
                pattern: compile(origin, &r.pattern)?,
                id: r.id,
                strength: r.strength,
                what: r.what,
            })
        })
        .collect()
}

/// A data file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct KnowledgeError {
    pub origin: String,
    pub message: String,
}

/// Everything agentlint knows about libraries, indexed for the rules.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    sinks: Vec<Sink>,
    tools: Vec<ToolRecogniser>,
    /// Recogniser indexes by family, trigger and resolved name.
    tools_by_name: HashMap<(Family, Trigger), HashMap<String, Vec<usize>>>,
    /// `*.method` recognisers, for callees whose object cannot be resolved.
    tools_by_suffix: HashMap<(Family, Trigger), Vec<(String, usize)>>,
    /// AL110: phrases that address the model.
    pub instructions: Vec<Phrase>,
    /// AL111: sensitive resources.
    pub sensitive: Vec<Phrase>,
    /// AL111: patterns of a sentence that asks the model to do something.
    pub requests: Vec<RequestPattern>,
    /// Types of parameters a framework fills in itself (`Context`, `RunnableConfig`).
    pub injected_types: Vec<String>,
    /// AL101–AL104: words that disclose an effect.
    pub disclosures: Vec<(Effect, crate::pattern::Pattern)>,
    /// AL105: explicit claims.
    pub claims: Vec<Claim>,
    /// AL112: references to other tools (group 1 is the tool's name).
    pub shadowing: Vec<Phrase>,
    /// AL112: a sentence imposes something.
    pub impositions: Vec<crate::pattern::Pattern>,
    /// AL112: something is sent somewhere else.
    pub redirections: Vec<crate::pattern::Pattern>,
    /// Temporary paths, whose writes and deletes are not effects a description must disclose.
    pub scratch: HashMap<Family, Scratch>,
    /// AL115: a sentence tells the model what to put in a parameter.
    pub placements: Vec<crate::pattern::Pattern>,
    /// AL115: calls that print or log.
    pub logging: HashMap<Family, Logging>,
    /// AL203: expressions that read a model's reply.
    pub model_outputs: HashMap<Family, Vec<crate::pattern::Pattern>>,
    /// AL203: names that say they hold a model's reply (`assistant_reply`): a value followed
    /// back to one is the model's, but a file that only names one does not read a reply.
    pub reply_names: HashMap<Family, Vec<crate::pattern::Pattern>>,
    /// AL203: what a warning says when a function warns its caller that it runs code.
    pub execution_warnings: HashMap<Family, Vec<crate::pattern::Pattern>>,
    /// AL203: the flags a caller sets to accept running code (`unsafe_mode`).
    pub execution_opt_ins: HashMap<Family, Vec<crate::pattern::Pattern>>,
    /// AL201: shells and their command flags.
    pub shells: Vec<Shell>,
    /// AL202: recognised sandboxes.
    pub sandboxes: Vec<Sandbox>,
    /// AL301–AL304: secret formats and placeholders.
    pub secrets: crate::secrets::Secrets,
    /// AL401–AL403: third parties that receive users' data, and their SDK entry points.
    pub providers: providers::Providers,
    /// AL202: the project's own sandbox prefix (config `sandbox.command`), offered as a fix.
    pub sandbox_command: Option<Vec<String>>,
    /// Sink indexes by family, then by resolved call name.
    by_call: HashMap<Family, HashMap<String, Vec<usize>>>,
    /// A bit per [`call_bit`] of every sink's call name (empty: none): most calls are not
    /// sinks, and this tells without hashing their names (two lookups per call and keystroke,
    /// AL201's and AL203's, were 4% of a keystroke's analysis).
    call_filter: Vec<u64>,
    /// Which tables these are: a new number for every set of tables built (a copy keeps it), so
    /// results cached with one set are never taken for another's.
    id: u64,
}

/// Bits in [`Knowledge::call_filter`].
const CALL_FILTER_BITS: usize = 1 << 16;

/// A call name's bit in [`Knowledge::call_filter`]: from its length and its first, middle and
/// last bytes.
fn call_bit(name: &str) -> usize {
    let bytes = name.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return 0;
    };
    let middle = bytes[bytes.len() / 2];
    (bytes.len().wrapping_mul(0x9E37)
        ^ (usize::from(first) << 3)
        ^ (usize::from(middle) << 7)
        ^ (usize::from(last) << 11))
        & (CALL_FILTER_BITS - 1)
}

/// A number for a newly built set of tables.
fn next_knowledge_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Knowledge {
    /// Which tables these are (see the field): with the address, what caches key their entries
    /// by. `None` for tables not built by [`Knowledge::builtin`] or [`Knowledge::with_extensions`]
    /// (made field by field, as tests do): nothing is cached for them.
    pub(crate) fn identity(&self) -> Option<(usize, u64)> {
        (self.id != 0).then(|| (std::ptr::from_ref(self) as usize, self.id))
    }

    /// The tables shipped with agentlint.
    pub fn builtin() -> &'static Knowledge {
        static BUILTIN: OnceLock<Knowledge> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut knowledge = Knowledge::default();
            // The embedded tables are checked by `builtin_tables_parse` below; a failure here is a
            // build defect, not something a user can cause.
            READING_BUILTIN.set(true);
            for (origin, text) in BUILTIN_TABLES {
                #[allow(clippy::expect_used)]
                knowledge
                    .add_file(origin, text)
                    .expect("embedded data tables are valid");
            }
            READING_BUILTIN.set(false);
            knowledge.id = next_knowledge_id();
            knowledge
        })
    }

    /// The built-in tables plus user files, given as (origin for messages, TOML text).
    pub fn with_extensions<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Knowledge, KnowledgeError> {
        let mut knowledge = Knowledge::builtin().clone();
        knowledge.id = next_knowledge_id();
        for (origin, text) in files {
            knowledge.add_file(origin, text)?;
        }
        Ok(knowledge)
    }

    fn add_file(&mut self, origin: &str, text: &str) -> Result<(), KnowledgeError> {
        let file: DataFile = toml::from_str(text).map_err(|e| KnowledgeError {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for record in file.sink {
            let when = record
                .when
                .map(|c| condition(origin, &record.call, "when", c))
                .transpose()?;
            let unless = record
                .unless
                .map(|c| condition(origin, &record.call, "unless", c))
                .transpose()?;
            let sink_call_name = record.call.clone();
            let sink = Sink {
                family: record.language.into(),
                call: record.call,
                effect: record.effect,
                when,
                unless,
                otherwise: record.otherwise,
                argument: record.argument,
                keyword: record.keyword,
                runs: record.runs,
                advice: record.advice,
                safer: record.safer,
                shell: record.shell,
                capability: record.capability,
                builds: record.builds,
                untainted: match record.untainted.as_deref() {
                    None => None,
                    Some(text) => Some(crate::diagnostic::Severity::parse(text).ok_or_else(|| {
                        KnowledgeError {
                            origin: origin.to_string(),
                            message: format!(
                                "sink `{}`: `untainted = \"{text}\"` is not error, warning, info or hint",
                                sink_call_name
                            ),
                        }
                    })?),
                },
            };
            let bit = call_bit(&sink.call);
            self.call_filter.resize(CALL_FILTER_BITS / 64, 0);
            self.call_filter[bit / 64] |= 1 << (bit % 64);
            self.by_call
                .entry(sink.family)
                .or_default()
                .entry(sink.call.clone())
                .or_default()
                .push(self.sinks.len());
            self.sinks.push(sink);
        }
        for record in file.tool {
            let error = |message: String| KnowledgeError {
                origin: origin.to_string(),
                message: format!("tool recogniser for {}: {message}", record.framework),
            };
            let triggers = [
                (Trigger::Decorator, &record.decorator),
                (Trigger::Call, &record.call),
                (Trigger::Base, &record.base),
            ];
            let mut given = triggers.iter().filter(|(_, names)| !names.is_empty());
            let (Some((trigger, names)), None) = (given.next(), given.next()) else {
                return Err(error(
                    "give exactly one of `decorator`, `call` or `base`".into(),
                ));
            };
            let places = |list: &[String]| -> Result<Vec<Place>, KnowledgeError> {
                list.iter()
                    .map(|p| Place::parse(p).map_err(&error))
                    .collect()
            };
            let recogniser = ToolRecogniser {
                framework: record.framework.clone(),
                family: record.language.into(),
                trigger: *trigger,
                name: places(&record.name)?,
                description: places(&record.description)?,
                function: places(&record.function)?,
                parameters: places(&record.parameters)?,
                requires_import: record.requires_import.clone(),
            };
            let index = self.tools.len();
            for name in names.iter() {
                match name.strip_prefix('*') {
                    Some(suffix) => {
                        if recogniser.requires_import.is_empty() {
                            return Err(error(format!(
                                "`{name}` matches any object: give `requires-import`"
                            )));
                        }
                        self.tools_by_suffix
                            .entry((recogniser.family, *trigger))
                            .or_default()
                            .push((suffix.to_string(), index));
                    }
                    None => self
                        .tools_by_name
                        .entry((recogniser.family, *trigger))
                        .or_default()
                        .entry(name.clone())
                        .or_default()
                        .push(index),
                }
            }
            self.tools.push(recogniser);
        }
        self.instructions.extend(phrases(origin, file.instruction)?);
        self.sensitive.extend(phrases(origin, file.sensitive)?);
        self.shadowing.extend(phrases(origin, file.shadowing)?);
        for record in file.injected {
            self.injected_types.extend(record.types);
        }
        for record in file.disclosure {
            self.disclosures
                .push((record.effect, compile(origin, &record.pattern)?));
        }
        for record in file.claim {
            self.claims.push(Claim {
                pattern: compile(origin, &record.pattern)?,
                id: record.id,
                what: record.what,
                contradicts: record.contradicts,
                weak: record.weak,
            });
        }
        for record in file.imposition {
            self.impositions.push(compile(origin, &record.pattern)?);
        }
        for record in file.redirection {
            self.redirections.push(compile(origin, &record.pattern)?);
        }
        for record in file.placement {
            self.placements.push(compile(origin, &record.pattern)?);
        }
        for record in file.model_output {
            self.model_outputs
                .entry(record.language.into())
                .or_default()
                .push(compile(origin, &record.pattern)?);
        }
        for record in file.reply_name {
            self.reply_names
                .entry(record.language.into())
                .or_default()
                .push(compile(origin, &record.pattern)?);
        }
        for record in file.warned_execution {
            self.execution_warnings
                .entry(record.language.into())
                .or_default()
                .push(compile(origin, &record.pattern)?);
        }
        for record in file.opt_in_execution {
            self.execution_opt_ins
                .entry(record.language.into())
                .or_default()
                .push(compile(origin, &record.pattern)?);
        }
        if !file.secret.is_empty()
            || !file.placeholder.is_empty()
            || !file.publishable.is_empty()
            || !file.known_example.is_empty()
        {
            let compile_here = |p: &str| compile(origin, p).map_err(|e| e.message);
            // A key meant to be published is, as a secret, as good as a placeholder.
            let mut placeholders = file.placeholder;
            placeholders.extend(
                file.publishable
                    .into_iter()
                    .map(|p| crate::secrets::PlaceholderRecord { pattern: p.pattern }),
            );
            self.secrets
                .add(file.secret, placeholders, file.known_example, &compile_here)
                .map_err(|message| KnowledgeError {
                    origin: origin.to_string(),
                    message,
                })?;
        }
        let privacy = providers::PrivacyTables {
            providers: file.provider,
            kinds: file.kinds.map(|k| k.into_iter().collect()),
            storage: file.storage,
            models: file.model,
            clients: file.client,
            functions: file.function,
            routers: file.router,
            packages: file.package,
            unmapped: file.unmapped,
            sending: file.sending,
        };
        if !privacy.is_empty() {
            let compile_here = |p: &str| compile(origin, p).map_err(|e| e.message);
            self.providers
                .add(privacy, &compile_here)
                .map_err(|message| KnowledgeError {
                    origin: origin.to_string(),
                    message,
                })?;
        }
        if let Some(names) = file.secret_names {
            // A later file adds words; its thresholds replace the earlier ones.
            let current = &mut self.secrets.names;
            current.last.extend(names.last);
            current.key_after.extend(names.key_after);
            current.not_with.extend(names.not_with);
            current.published_beside.extend(names.published_beside);
            current.published_names.extend(names.published_names);
            if names.min_length > 0 {
                current.min_length = names.min_length;
            }
            if names.min_entropy > 0.0 {
                current.min_entropy = names.min_entropy;
            }
            self.secrets
                .index_names()
                .map_err(|message| KnowledgeError {
                    origin: origin.to_string(),
                    message,
                })?;
        }
        if let Some(flow) = file.secret_flow {
            for read in &flow.reads {
                let regex = compile(origin, read)?;
                if regex.capture_names().all(|n| n != Some("name")) {
                    return Err(KnowledgeError {
                        origin: origin.to_string(),
                        message: format!("secret_flow.reads: `{read}` has no group `name`"),
                    });
                }
                self.secrets.flow.reads.push(regex);
                self.secrets.flow.finder = Default::default();
            }
            self.secrets.flow.model_input.extend(flow.model_input);
            self.secrets.flow.not_secret.extend(flow.not_secret);
        }
        for record in file.shell {
            self.shells.push(Shell {
                programs: record.programs,
                flag: compile(origin, &record.command_flag)?,
            });
        }
        for record in file.sandbox {
            self.sandboxes.push(Sandbox {
                name: record.name,
                family: record.language.map(Family::from),
                programs: record
                    .programs
                    .iter()
                    .map(|p| p.split_whitespace().map(str::to_string).collect())
                    .filter(|words: &Vec<String>| !words.is_empty())
                    .collect(),
                decorators: record.decorators,
                packages: record.packages,
            });
        }
        for record in file.logging {
            let logging = self.logging.entry(record.language.into()).or_default();
            logging.calls.extend(record.calls);
            logging.methods.extend(record.methods);
            if let Some(object) = record.object {
                logging.objects.push(compile(origin, &object)?);
            }
            if let Some(disclosed) = record.disclosed {
                logging.disclosed.push(compile(origin, &disclosed)?);
            }
        }
        for record in file.scratch {
            let scratch = self.scratch.entry(record.language.into()).or_default();
            scratch.calls.extend(record.calls);
            if let Some(path) = record.path {
                scratch.paths.push(compile(origin, &path)?);
            }
        }
        for record in file.request {
            self.requests.push(RequestPattern {
                pattern: compile(origin, &record.pattern)?,
                imperative: record.imperative,
            });
        }
        Ok(())
    }

    /// Recognisers triggered by a resolved name.
    pub fn tool_recognisers<'k>(
        &'k self,
        family: Family,
        trigger: Trigger,
        name: &str,
    ) -> impl Iterator<Item = &'k ToolRecogniser> {
        self.tools_by_name
            .get(&(family, trigger))
            .and_then(|names| names.get(name))
            .into_iter()
            .flatten()
            .map(|&i| &self.tools[i])
    }

    /// Whether a description discloses an effect.
    pub fn discloses(&self, effect: Effect, text: &str) -> bool {
        self.disclosed(text).contains(&effect)
    }

    /// [`Knowledge::discloses`] for a tool's description, what its text discloses kept with it.
    pub fn description_discloses(
        &self,
        effect: Effect,
        description: &crate::agent::tools::Description,
    ) -> bool {
        match &description.value {
            Some(value) => crate::memo::read_kept(
                self,
                "disclosures",
                &value.text,
                &value.kept,
                || self.disclosures_in(&value.text),
                |disclosed| disclosed.contains(&effect),
            ),
            None => self.discloses(effect, ""),
        }
    }

    /// Every effect a text discloses: found once per text (a description is asked about each
    /// effect of its tool, on every keystroke).
    fn disclosed(&self, text: &str) -> std::sync::Arc<Vec<Effect>> {
        crate::memo::by_text(self, "disclosures", text, || self.disclosures_in(text))
    }

    fn disclosures_in(&self, text: &str) -> Vec<Effect> {
        let mut disclosed: Vec<Effect> = self
            .disclosures
            .iter()
            .filter(|(_, pattern)| pattern.is_match(text))
            .map(|(e, _)| *e)
            .collect();
        disclosed.dedup();
        disclosed
    }

    /// Recognisers for an unresolved callee as written (`server.tool`), by `*.tool` suffix.
    /// Whether `root` is the first part of a name some tool recogniser lists: a framework the
    /// recognisers describe.
    pub fn is_framework_root(&self, family: Family, root: &str) -> bool {
        self.tools_by_name.iter().any(|((f, _), names)| {
            *f == family
                && names
                    .keys()
                    .any(|name| name.split(['.', '#', '/']).next() == Some(root))
        })
    }

    pub fn tool_recognisers_by_suffix(
        &self,
        family: Family,
        trigger: Trigger,
        written: &str,
    ) -> Vec<&ToolRecogniser> {
        self.tools_by_suffix
            .get(&(family, trigger))
            .into_iter()
            .flatten()
            .filter(|(suffix, _)| {
                written.ends_with(suffix.as_str()) && written.len() > suffix.len()
            })
            .map(|&(_, i)| &self.tools[i])
            .collect()
    }

    /// Sinks for a resolved call name.
    pub fn sinks_for<'k>(&'k self, family: Family, call: &str) -> impl Iterator<Item = &'k Sink> {
        self.sink_indices_for(family, call).map(|i| &self.sinks[i])
    }

    /// [`Knowledge::sinks_for`], as indices of [`Knowledge::sink`].
    fn sink_indices_for<'k>(
        &'k self,
        family: Family,
        call: &str,
    ) -> impl Iterator<Item = usize> + 'k {
        let bit = call_bit(call);
        let listed = self
            .call_filter
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0);
        listed
            .then(|| self.by_call.get(&family).and_then(|calls| calls.get(call)))
            .flatten()
            .into_iter()
            .flatten()
            .copied()
    }

    /// A sink by its index (see [`Knowledge::sink_calls_since`]).
    pub(crate) fn sink(&self, index: usize) -> Option<&Sink> {
        self.sinks.get(index)
    }

    /// Each call of a sink (its index in `calls`) with each of its sinks' indices, in the calls'
    /// order. Given the last version's, and the index ranges of the changed statements' calls in
    /// the last version and in this one (every other call resolves as it did), only the changed
    /// calls are looked up: the others keep their sinks, moved past the change.
    pub(crate) fn sink_calls_since(
        &self,
        family: Family,
        calls: &[crate::facts::Call],
        previous: Option<(&[(usize, usize)], &crate::facts::IndexSplice)>,
    ) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let look_up = |range: std::ops::Range<usize>, out: &mut Vec<(usize, usize)>| {
            let start = range.start;
            for (offset, call) in calls.get(range).unwrap_or_default().iter().enumerate() {
                if let Some(resolved) = call.resolved.as_deref() {
                    out.extend(
                        self.sink_indices_for(family, resolved)
                            .map(|s| (start + offset, s)),
                    );
                }
            }
        };
        match previous {
            Some((old, splice))
                if splice.new.end <= calls.len() && splice.old.start == splice.new.start =>
            {
                let before = old.partition_point(|&(c, _)| c < splice.old.start);
                let after = old
                    .partition_point(|&(c, _)| c < splice.old.end)
                    .max(before);
                out.extend_from_slice(&old[..before]);
                look_up(splice.new.clone(), &mut out);
                out.extend(
                    old[after..]
                        .iter()
                        .map(|&(c, s)| (c - splice.old.end + splice.new.end, s)),
                );
            }
            _ => look_up(0..calls.len(), &mut out),
        }
        out
    }

    /// The project's own sandbox command (config `sandbox.command`): its program is recognised
    /// as a sandbox, and AL202 offers to put the command in front.
    pub fn set_sandbox_command(&mut self, command: Vec<String>) {
        if let Some(program) = command.first() {
            self.sandboxes.push(Sandbox {
                name: "the configured sandbox".to_string(),
                family: None,
                programs: vec![vec![
                    program
                        .rsplit(['/', '\\'])
                        .next()
                        .unwrap_or(program)
                        .to_string(),
                ]],
                decorators: Vec::new(),
                packages: Vec::new(),
            });
            self.sandbox_command = Some(command);
        }
    }

    /// The sandbox whose program starts a command line (given as its first constant words).
    pub fn sandbox_program(&self, words: &[&str]) -> Option<&Sandbox> {
        let first = words.first()?;
        let program = first.rsplit(['/', '\\']).next().unwrap_or(first);
        self.sandboxes.iter().find(|s| {
            s.programs.iter().any(|p| {
                p.first().is_some_and(|f| f == program)
                    && p.len() <= words.len()
                    && p[1..].iter().zip(&words[1..]).all(|(a, b)| a == b)
            })
        })
    }

    /// The shell a program is, by name (`/bin/sh`, `bash`, `cmd.exe`).
    pub fn shell(&self, program: &str) -> Option<&Shell> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        self.shells
            .iter()
            .find(|s| s.programs.iter().any(|p| p.eq_ignore_ascii_case(name)))
    }

    pub fn sinks(&self) -> &[Sink] {
        &self.sinks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_filter_lets_every_sink_through() {
        let knowledge = Knowledge::builtin();
        assert!(knowledge.sinks.len() > 100);
        for sink in &knowledge.sinks {
            assert!(
                knowledge
                    .sinks_for(sink.family, &sink.call)
                    .any(|s| std::ptr::eq(s, sink)),
                "{}",
                sink.call
            );
        }
        // Names no sink has are (mostly) turned away before the lookup.
        let names = ["builtins.len", "json.dumps", "str.join", "openai.OpenAI"];
        let passed = names
            .iter()
            .filter(|n| {
                let bit = call_bit(n);
                knowledge.call_filter[bit / 64] & (1 << (bit % 64)) != 0
            })
            .count();
        assert!(passed < names.len(), "{passed}");
    }

    #[test]
    fn builtin_expressions_compile_to_small_automata() {
        // Unicode's `\w` is a large automaton, once per occurrence and per repetition: one
        // `\w*` after a group of stems (`(?:send|post)\w*`, not `send\w*|post\w*`), and ASCII
        // `(?-u:\w){0,20}` in secrets' name contexts. Expressions written the other way took
        // 0.5–1.4 MB each and most of a command-line run's compiling.
        const LIMIT: usize = 500_000;
        let mut checked = 0;
        for (origin, text) in BUILTIN_TABLES {
            for line in text.lines().map(str::trim_start) {
                let Some(expression) = ["pattern = '", "context = '", "ignore = '"]
                    .iter()
                    .find_map(|key| line.strip_prefix(key))
                    .and_then(|rest| rest.strip_suffix('\''))
                else {
                    continue;
                };
                let expression = if origin.contains("secrets") {
                    crate::secrets::ascii_boundaries(expression)
                } else {
                    expression.to_string()
                };
                checked += 1;
                assert!(
                    regex::RegexBuilder::new(&expression)
                        .size_limit(LIMIT)
                        .build()
                        .is_ok(),
                    "{origin}: `{expression}` compiles to more than {LIMIT} bytes"
                );
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn builtin_tables_parse() {
        let mut knowledge = Knowledge::default();
        for (origin, text) in BUILTIN_TABLES {
            knowledge
                .add_file(origin, text)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(knowledge.tools.len() >= 15);
        let fastmcp: Vec<_> = knowledge
            .tool_recognisers(
                Family::Python,
                Trigger::Decorator,
                "mcp.server.fastmcp.FastMCP#tool",
            )
            .collect();
        assert_eq!(
            fastmcp[0].description,
            vec![Place::Keyword("description".into()), Place::Docstring]
        );
        assert!(knowledge.sinks().len() >= 9);
        let eval: Vec<_> = knowledge
            .sinks_for(Family::Python, "builtins.eval")
            .collect();
        assert_eq!(eval.len(), 1);
        assert_eq!(eval[0].effect, Effect::CodeEval);
        assert_eq!(eval[0].argument, ArgumentSpec::Position(0));
        let function: Vec<_> = knowledge
            .sinks_for(Family::JavaScript, "globalThis.Function")
            .collect();
        assert_eq!(function[0].argument, ArgumentSpec::Any(AnyMarker::Any));
    }

    #[test]
    fn user_files_extend_and_errors_name_the_file() {
        let extra = r#"
[[sink]]
language = "python"
call = "mylib.run_code"
effect = "code-eval"
argument = 0
runs = "Python code"
advice = "Don't."
"#;
        let knowledge =
            Knowledge::with_extensions([("extra.toml", extra)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            knowledge
                .sinks_for(Family::Python, "mylib.run_code")
                .count(),
            1
        );
        assert_eq!(
            knowledge.sinks_for(Family::Python, "builtins.eval").count(),
            1
        );

        let err = Knowledge::with_extensions([("bad.toml", "[[sink]]\nlanguage = \"cobol\"\n")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("bad.toml: "), "{err}");
        assert!(err.contains("cobol"), "{err}");

        let no_test = "[[sink]]\nlanguage = \"python\"\ncall = \"x.dump\"\neffect = \"credential-read\"\n[sink.when]\nargument = \"0\"\n";
        let err = Knowledge::with_extensions([("when.toml", no_test)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("needs either `pattern` or `resolves`"),
            "{err}"
        );

        let bad_place = "[[tool]]\nframework = \"X\"\nlanguage = \"python\"\ncall = [\"x.y\"]\nname = [\"argumnt:0\"]\n";
        let err = Knowledge::with_extensions([("tools.toml", bad_place)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("tool recogniser for X: `argumnt:0` is not a place"),
            "{err}"
        );
        let two_triggers =
            "[[tool]]\nframework = \"X\"\nlanguage = \"python\"\ncall = [\"a\"]\nbase = [\"b\"]\n";
        assert!(Knowledge::with_extensions([("t.toml", two_triggers)]).is_err());
    }
}
