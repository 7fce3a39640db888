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
    for name in ["a", "b", "rest", "kw", "c", "fh", "f"] {
        assert_eq!(f.bindings.of(name), &[Binding::Local], "{name}");
    }
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
