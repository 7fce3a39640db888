use super::*;
use crate::syntax::parse;

fn facts(source: &str, language: Language) -> FileFacts {
    FileFacts::extract(source, &parse(source, language), language)
}

fn resolved(facts: &FileFacts) -> Vec<(String, Option<String>)> {
    facts
        .calls
        .iter()
        .map(|c| (c.callee.clone().unwrap_or_default(), c.resolved.clone()))
        .collect()
}

fn call<'a>(facts: &'a FileFacts, callee: &str) -> &'a Call {
    facts
        .calls
        .iter()
        .find(|c| c.callee.as_deref() == Some(callee))
        .unwrap_or_else(|| panic!("no call to {callee}"))
}

#[test]
fn python_imports_and_aliases_resolve() {
    let f = facts(
        "import subprocess as sp\nimport os.path\nfrom os import system as run\nfrom . import helpers\nimport builtins\n\
         sp.run(x)\nos.path.join(a)\nrun(c)\nhelpers.go()\nbuiltins.eval(y)\nprint(1)\n",
        Language::Python,
    );
    assert_eq!(
        resolved(&f),
        vec![
            ("sp.run".into(), Some("subprocess.run".into())),
            ("os.path.join".into(), Some("os.path.join".into())),
            ("run".into(), Some("os.system".into())),
            ("helpers.go".into(), Some(".helpers.go".into())),
            ("builtins.eval".into(), Some("builtins.eval".into())),
            ("print".into(), Some("builtins.print".into())),
        ]
    );
}

#[test]
fn python_local_definitions_shadow_builtins() {
    let f = facts(
        "def eval(x):\n    return x\n\nclass compile: pass\nexec = print\n\
         eval(a)\ncompile(b)\nexec(c)\n",
        Language::Python,
    );
    assert!(
        f.calls
            .iter()
            .filter(|c| c.callee.as_deref() != Some("print"))
            .all(|c| c.resolved.is_none())
    );
    let f = facts("from re import compile\ncompile(p)\n", Language::Python);
    assert_eq!(call(&f, "compile").resolved.as_deref(), Some("re.compile"));
}

#[test]
fn python_constants_are_recognised() {
    let f = facts(
        "CODE = 'print(1)'\nPART = 'a' 'b'\nx = input()\n\
         eval('1+1')\neval(CODE + PART)\neval(f'{x}')\neval(f'plain')\neval(x)\neval(*args)\ncompile(source=x)\n",
        Language::Python,
    );
    let kinds: Vec<_> = f
        .calls
        .iter()
        .filter(|c| c.callee.as_deref() != Some("input"))
        .map(|c| {
            c.arguments
                .iter()
                .map(|a| (a.keyword.clone(), a.value))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            vec![(None, ValueKind::Constant)],
            vec![(None, ValueKind::Constant)],
            vec![(None, ValueKind::Dynamic)],
            vec![(None, ValueKind::Constant)],
            vec![(None, ValueKind::Dynamic)],
            vec![(None, ValueKind::Spread)],
            vec![(Some("source".into()), ValueKind::Dynamic)],
        ]
    );
}

#[test]
fn python_parameters_and_loops_are_local() {
    let f = facts(
        "def f(a, b: str = 'x', *rest, **kw):\n    for c in a: pass\n    with open(p) as fh: pass\n",
        Language::Python,
    );
    for name in ["a", "b", "rest", "kw", "c", "f"] {
        assert_eq!(f.bindings.of(name), &[Binding::Local], "{name}");
    }
    // `with open(p) as fh`: what the call made (a context manager that returns itself).
    assert_eq!(f.bindings.instance_of("fh"), Some("builtins.open"));
    assert!(f.bindings.of("str").is_empty());
    assert!(f.bindings.of("p").is_empty());
    assert_eq!(f.functions[0].name, "f");
}

#[test]
fn javascript_imports_requires_and_globals_resolve() {
    let f = facts(
        r#"import vm from "node:vm";
import * as vm2 from "vm";
import { runInNewContext as rnc } from "vm";
const cp = require("child_process");
const { exec, execSync: es } = require("node:child_process");
const script = require("vm").Script;
vm.runInThisContext(a);
vm2.runInContext(b);
rnc(c);
cp.exec(d);
exec(e);
es(f);
new script(g);
eval(h);
window.eval(i);
globalThis["eval"](j);
(0, eval)(k);
new Function(l);
"#,
        Language::TypeScript,
    );
    let got: Vec<_> = resolved(&f)
        .into_iter()
        .filter(|(callee, _)| callee != "require")
        .map(|(_, r)| r.unwrap_or_default())
        .collect();
    assert_eq!(
        got,
        vec![
            "vm.runInThisContext",
            "vm.runInContext",
            "vm.runInNewContext",
            "child_process.exec",
            "child_process.exec",
            "child_process.execSync",
            "vm.Script",
            "globalThis.eval",
            "globalThis.eval",
            "globalThis.eval",
            "globalThis.eval",
            "globalThis.Function",
        ]
    );
    let new_fn = call(&f, "Function");
    assert_eq!(
        &"new Function",
        &&"new Function(l)"[..new_fn.callee_range.len()]
    );
}

#[test]
fn javascript_ts_import_equals_and_shadowing() {
    let f = facts(
        "import vm = require('vm');\nfunction eval2() {}\nconst eval = (s) => s;\nvm.runInNewContext(x);\neval(y);\n",
        Language::TypeScript,
    );
    assert_eq!(
        call(&f, "vm.runInNewContext").resolved.as_deref(),
        Some("vm.runInNewContext")
    );
    assert_eq!(call(&f, "eval").resolved, None);
}

#[test]
fn javascript_constants_templates_and_spreads() {
    let f = facts(
        "const CODE = 'a' + \"b\";\nlet v = 'x';\nv = input;\neval(`plain`);\neval(`${x}`);\neval(CODE);\neval(v);\nFunction(...parts);\n",
        Language::JavaScript,
    );
    let kinds: Vec<_> = f.calls.iter().map(|c| c.arguments[0].value).collect();
    assert_eq!(
        kinds,
        vec![
            ValueKind::Constant,
            ValueKind::Dynamic,
            ValueKind::Constant,
            ValueKind::Dynamic,
            ValueKind::Spread,
        ]
    );
}

#[test]
fn broken_syntax_still_yields_facts() {
    let f = facts("def f(:\n    eval(x)\n", Language::Python);
    assert_eq!(call(&f, "eval").resolved.as_deref(), Some("builtins.eval"));
    let f = facts("function (\neval(x);\n", Language::JavaScript);
    assert!(
        f.calls
            .iter()
            .any(|c| c.resolved.as_deref() == Some("globalThis.eval"))
    );
}

#[test]
fn python_functions_decorators_docstrings_and_parameters() {
    let source = r#"
from mcp.server.fastmcp import FastMCP as F
from langchain_core.tools import tool

app = F("notes")

@app.tool(name="search", description="Search notes")
async def search(query: str, limit: int = 10, *tags, **options) -> str:
    """Find notes."""
    return query

@tool
def plain(x):
    'Docstring with single quotes.'
    return x
"#;
    let f = facts(source, Language::Python);
    assert_eq!(
        f.bindings.instance_of("app"),
        Some("mcp.server.fastmcp.FastMCP")
    );
    let search = &f.functions[0];
    assert_eq!(search.name, "search");
    let decorator = &search.decorators[0];
    assert_eq!(
        decorator.resolved.as_deref(),
        Some("mcp.server.fastmcp.FastMCP#tool")
    );
    let keywords: Vec<_> = decorator
        .arguments
        .as_ref()
        .unwrap()
        .iter()
        .map(|a| a.keyword.clone().unwrap_or_default())
        .collect();
    assert_eq!(keywords, vec!["name", "description"]);
    assert_eq!(
        &source[search.docstring.clone().unwrap()],
        "\"\"\"Find notes.\"\"\""
    );
    let params: Vec<_> = search.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, vec!["query", "limit", "tags", "options"]);
    assert_eq!(&source[search.parameters[1].default.clone().unwrap()], "10");
    assert_eq!(
        &source[search.parameters[0].annotation.clone().unwrap()],
        "str"
    );
    let plain = &f.functions[1];
    assert_eq!(
        plain.decorators[0].resolved.as_deref(),
        Some("langchain_core.tools.tool")
    );
    assert!(plain.decorators[0].arguments.is_none());
    assert!(plain.docstring.is_some());
}

#[test]
fn python_classes_bases_attributes_and_methods() {
    let source = r#"
from langchain_core.tools import BaseTool

DESCRIPTION = "Reads a file."

class ReadFile(BaseTool):
    name: str = "read_file"
    description = DESCRIPTION

    def _run(self, path: str) -> str:
        return open(path).read()

def helper():
    pass
"#;
    let f = facts(source, Language::Python);
    let class = &f.classes[0];
    assert_eq!(class.name, "ReadFile");
    assert_eq!(
        class.bases[0].resolved.as_deref(),
        Some("langchain_core.tools.BaseTool")
    );
    let attributes: Vec<_> = class
        .attributes
        .iter()
        .map(|a| (a.name.as_str(), &source[a.value.clone()]))
        .collect();
    assert_eq!(
        attributes,
        vec![("name", "\"read_file\""), ("description", "DESCRIPTION")]
    );
    let methods: Vec<_> = f.methods(0).map(|m| m.name.as_str()).collect();
    assert_eq!(methods, vec!["_run"]);
    assert_eq!(
        f.functions
            .iter()
            .find(|x| x.name == "helper")
            .unwrap()
            .class,
        None
    );
    let value = f.bindings.constant_value("DESCRIPTION").unwrap();
    assert_eq!(&source[value], "\"Reads a file.\"");
}

#[test]
fn javascript_instances_functions_and_classes() {
    let source = r#"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Tool } from "langchain/tools";
const server = new McpServer({ name: "x", version: "1" });
server.tool("echo", "Echo text", {}, async ({ text, count = 1 }) => ({ content: [] }));
const helper = async (path: string) => path;
function plain(a, ...rest) {}
class Search extends Tool {
  name = "search";
  description = "Searches";
  async _call(input: string) { return input; }
}
"#;
    let f = facts(source, Language::TypeScript);
    assert_eq!(
        call(&f, "server.tool").resolved.as_deref(),
        Some("@modelcontextprotocol/sdk/server/mcp.js.McpServer#tool")
    );
    let names: Vec<_> = f.functions.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, vec!["helper", "plain", "_call"]);
    let params: Vec<_> = f.functions[1]
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(params, vec!["a", "rest"]);
    let class = &f.classes[0];
    assert_eq!(
        class.bases[0].resolved.as_deref(),
        Some("langchain/tools.Tool")
    );
    let attributes: Vec<_> = class.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(attributes, vec!["name", "description"]);
    assert_eq!(f.functions[2].class, Some(0));
}

#[test]
fn an_empty_name_is_mentioned_nowhere_and_never_splits_a_character() {
    // Error recovery can make a zero-width identifier; a search for it once sliced text between
    // the bytes of `中`.
    assert!(!super::mentions("中 x", ""));
    assert!(super::mentions("中 x", "x"));
    assert!(!super::mentions("中x", "x"));
    assert!(!super::mentions_any("'中\"中", &[String::new()]));
}

#[test]
fn methods_of_what_self_and_this_attributes_hold_resolve() {
    let f = facts(
        "from openai import AsyncOpenAI\n\
         class Bot:\n    def __init__(self):\n        self.client = AsyncOpenAI()\n\
         \x20   async def answer(self, text):\n        await self.client.chat.completions.create(messages=text)\n\
         \x20       self.other.go()\n        self.client()\n",
        Language::Python,
    );
    assert_eq!(
        resolved(&f),
        vec![
            ("AsyncOpenAI".into(), Some("openai.AsyncOpenAI".into())),
            (
                "self.client.chat.completions.create".into(),
                Some("openai.AsyncOpenAI#chat.completions.create".into())
            ),
            ("self.other.go".into(), None),
            ("self.client".into(), None),
        ]
    );
    let f = facts(
        "import OpenAI from 'openai';\nimport Anthropic from '@anthropic-ai/sdk';\n\
         class Svc {\n  private client = new OpenAI();\n  anth: Anthropic;\n\
         \x20 constructor() { this.anth = new Anthropic(); }\n\
         \x20 go(x: string) { this.client.responses.create({ input: x }); this.anth.messages.create(x); this.run(); }\n}\n",
        Language::TypeScript,
    );
    assert_eq!(
        resolved(&f),
        vec![
            ("OpenAI".into(), Some("openai".into())),
            ("Anthropic".into(), Some("@anthropic-ai/sdk".into())),
            (
                "this.client.responses.create".into(),
                Some("openai#responses.create".into())
            ),
            (
                "this.anth.messages.create".into(),
                Some("@anthropic-ai/sdk#messages.create".into())
            ),
            ("this.run".into(), None),
        ]
    );
}
