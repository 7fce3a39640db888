"""Project configuration (agentlint.toml) and editor settings (didChangeConfiguration)."""

from lsprotocol import types

from conftest import initialize, span

CALC = "def calc(expr):\n    return eval(expr)\n"


async def test_project_config_raises_severity_to_error(client, tmp_path):
    (tmp_path / "agentlint.toml").write_text('[severity]\nAL203 = "error"\n')
    await initialize(client, tmp_path)
    uri = (tmp_path / "calc.py").as_uri()
    client.open(uri, "python", CALC)

    [d] = await client.wait_for_diagnostics(uri, version=1)

    assert d.code == "AL203"
    assert span(d) == (1, 11, 1, 15)
    assert d.severity == types.DiagnosticSeverity.Error


async def test_default_severity_without_project_config(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "calc.py").as_uri()
    client.open(uri, "python", CALC)

    [d] = await client.wait_for_diagnostics(uri, version=1)

    assert d.severity == types.DiagnosticSeverity.Warning


async def test_did_change_configuration_ignore_republishes_without_findings(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "calc.py").as_uri()
    client.open(uri, "python", CALC)
    [d] = await client.wait_for_diagnostics(uri, version=1)
    assert d.code == "AL203"
    after = len(client.published)

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"agentlint": {"ignore": ["AL203"]}})
    )

    # Republished for the same (unchanged) version, now empty.
    assert await client.wait_for_diagnostics(uri, version=1, after=after) == []

    # The setting sticks for later edits too.
    client.insert(uri, 2, 1, 4, "x = eval(expr)\n    ")
    assert await client.wait_for_diagnostics(uri, version=2) == []

    # Clearing the settings brings both findings back.
    after = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"agentlint": {}})
    )
    diagnostics = await client.wait_for_diagnostics(uri, version=2, after=after)
    assert [span(d) for d in diagnostics] == [(1, 8, 1, 12), (2, 11, 2, 15)]
