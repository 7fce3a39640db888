//! Any bytes, as a file of any kind agentlint reads: parsed and analysed with every rule, as
//! `agentlint check` and the server do. A panic or an analysis over libFuzzer's `-timeout` is a
//! bug. The first byte picks the kind; the rest is the file.
#![no_main]

use std::path::Path;

use agentlint_rules::syntax::check_input;
use agentlint_rules::{
    ConfigFile, ConfigKind, Knowledge, Language, Settings, analyse_config, analyse_text,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    // What the server and the command line refuse (binary, invalid UTF-8) never reaches the
    // analysis; checking it is part of what is fuzzed.
    let Ok(source) = check_input(rest) else {
        return;
    };
    let knowledge = Knowledge::builtin();
    let settings = Settings::default();
    let code = |path: &str, language| {
        analyse_text(Path::new(path), source, language, &settings, knowledge);
    };
    let config = |path: &str, kind| {
        for committed in [true, false] {
            analyse_config(
                ConfigFile {
                    path: Path::new(path),
                    source,
                    kind,
                    committed,
                },
                &settings,
                knowledge,
            );
        }
    };
    match kind % 8 {
        0 => code("agent/tools.py", Language::Python),
        1 => code("src/agent.ts", Language::TypeScript),
        2 => code("app/page.tsx", Language::Tsx),
        3 => code("server.js", Language::JavaScript),
        4 => config(".env", ConfigKind::Env),
        5 => config(".env.example", ConfigKind::EnvTemplate),
        6 => config(".cursor/mcp.json", ConfigKind::Mcp),
        _ => config("notebook.ipynb", ConfigKind::Notebook),
    }
});
