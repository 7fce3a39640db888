"""AL203 dynamic-code-execution diagnostics: on open and after incremental edits."""

import textwrap

from lsprotocol import types

from conftest import initialize, span, utf16_len

PYTHON = textwrap.dedent(
    """\
    import ast
    import re

    def run(expr, code, src):
        a = eval(expr)
        exec(code)
        c = compile(src, "<agent>", "exec")
        return a, c
    """
)


async def test_python_diagnostics_on_open(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "agent.py").as_uri()
    client.open(uri, "python", PYTHON)

    diagnostics = await client.wait_for_diagnostics(uri, version=1)

    assert [span(d) for d in diagnostics] == [
        (4, 8, 4, 12),  # eval
        (5, 4, 5, 8),  # exec
        (6, 8, 6, 15),  # compile
    ]
    for d in diagnostics:
        assert d.severity == types.DiagnosticSeverity.Warning
        assert d.source == "agentlint"
        assert d.code == "AL203"
        assert d.code_description is not None
        assert d.code_description.href.endswith("/docs/rules/AL203.md")
    # VS Code shows related information: the message is the finding, why and what to do follow
    # it at the same place.
    assert (
        diagnostics[0].message
        == "`eval` runs a value that is not a constant as a Python expression"
    ), diagnostics[0].message
    related = diagnostics[0].related_information
    assert related is not None
    assert related[0].message.startswith("Why: The value is `expr`: "), related[0].message
    assert related[1].message.startswith("What to do: "), related[1].message
    assert related[0].location.range == diagnostics[0].range
    assert "`exec`" in diagnostics[1].message
    assert "`compile`" in diagnostics[2].message
    # The client's stored copy is the same publication.
    assert list(client.diagnostics[uri]) == diagnostics


async def test_constant_code_and_lookalikes_do_not_fire(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "safe.py").as_uri()
    client.open(
        uri,
        "python",
        textwrap.dedent(
            """\
            import ast
            import re

            TEMPLATE = "1 + 1"

            def safe(x):
                eval("1+1")
                exec(TEMPLATE)
                ast.literal_eval(x)
                return re.compile(x)
            """
        ),
    )
    assert await client.wait_for_diagnostics(uri, version=1) == []


TYPESCRIPT = textwrap.dedent(
    """\
    import vm from "node:vm";
    export function run(input: string, body: string, code: string) {
      const a = eval(input);
      const f = new Function("x", body);
      const g = Function(body);
      vm.runInNewContext(code);
      return [a, f, g, eval("1 + 1")];
    }
    """
)


async def test_typescript_diagnostics_on_open(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "tool.ts").as_uri()
    client.open(uri, "typescript", TYPESCRIPT)

    diagnostics = await client.wait_for_diagnostics(uri, version=1)

    assert [(span(d), d.code, d.severity) for d in diagnostics] == [
        ((2, 12, 2, 16), "AL203", types.DiagnosticSeverity.Warning),  # eval
        ((3, 12, 3, 24), "AL203", types.DiagnosticSeverity.Warning),  # new Function
        ((4, 12, 4, 20), "AL203", types.DiagnosticSeverity.Warning),  # Function
        ((5, 2, 5, 20), "AL203", types.DiagnosticSeverity.Warning),  # vm.runInNewContext
    ]
    assert all(d.source == "agentlint" for d in diagnostics)


CALC = "# エージェント 🤖 tool\ndef tool(payload):\n    result = eval(payload)\n    return result\n"


async def test_incremental_edit_with_emoji_and_cjk_moves_range_utf16(client, tmp_path):
    result = await initialize(client, tmp_path)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    uri = (tmp_path / "calc.py").as_uri()
    client.open(uri, "python", CALC)
    [d] = await client.wait_for_diagnostics(uri, version=1)
    assert span(d) == (2, 13, 2, 17)

    # An emoji (a surrogate pair: 2 UTF-16 units) and two CJK characters (1 unit each) inserted
    # before the call on the same line.
    inserted = '"🦀漢字" and '
    assert utf16_len(inserted) == 11
    client.insert(uri, 2, 2, 13, inserted)
    [d] = await client.wait_for_diagnostics(uri, version=2)
    assert span(d) == (2, 24, 2, 28)

    # Text with an emoji on another line leaves this one alone.
    client.insert(uri, 3, 0, 2, "🤖 ")
    [d] = await client.wait_for_diagnostics(uri, version=3)
    assert span(d) == (2, 24, 2, 28)

    # Deleting the emoji (columns 14..16 in UTF-16) moves the finding back by two units.
    client.replace(uri, 4, (2, 14), (2, 16), "")
    [d] = await client.wait_for_diagnostics(uri, version=4)
    assert span(d) == (2, 22, 2, 26)
    assert d.message.startswith("`eval` runs a value that is not a constant"), d.message
    assert d.related_information[0].message.startswith("Why: The value is `payload`")

    # Every publication carried the version it was computed for, never going backwards.
    versions = [p.version for p in client.published if p.uri == uri]
    assert versions == sorted(versions) and versions[-1] == 4, versions


async def test_whole_document_change_then_incremental_edit(client, tmp_path):
    """A change without a range replaces the text (allowed even under incremental sync), and later
    incremental edits apply to the new text; CRLF line endings count as one line break."""
    await initialize(client, tmp_path)
    uri = (tmp_path / "crlf.py").as_uri()
    client.open(uri, "python", "# 🤖\r\ndef f(x):\r\n    return eval(x)\r\n")
    assert [span(d) for d in await client.wait_for_diagnostics(uri, version=1)] == [(2, 11, 2, 15)]

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text="x = 1\n\ndef g(y):\n    exec(y)\n"
                )
            ],
        )
    )
    assert [span(d) for d in await client.wait_for_diagnostics(uri, version=2)] == [(3, 4, 3, 8)]

    # `a = '漢🤖'; ` is 11 UTF-16 units.
    client.insert(uri, 3, 3, 4, "a = '漢🤖'; ")
    assert [span(d) for d in await client.wait_for_diagnostics(uri, version=3)] == [(3, 15, 3, 19)]
