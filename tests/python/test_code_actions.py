"""Quick fixes and suppressions for AL203, applied back through didChange; didClose."""

from lsprotocol import types

from conftest import AgentlintClient, initialize, span, utf16_len

# `eval` sits after CJK text and an emoji, so every column below is a UTF-16 column.
CALC = 'import os\n\ndef calc(expr):\n    label = "計算 🤖"; return eval(expr)\n'
EVAL_LINE = CALC.splitlines()[3]

FIX_TITLE = "Replace `eval` with `ast.literal_eval` (evaluates literals only)"
SUPPRESS_TITLE = "Suppress AL203 on this line"


def utf16_offset(text: str, position: types.Position) -> int:
    """The index into `text` of an LSP position counted in UTF-16 code units."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return start + i
        units += utf16_len(ch)
    return start + len(line.rstrip("\r\n"))


def span_of(edit: types.TextEdit) -> tuple[int, int, int, int]:
    r = edit.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = utf16_offset(text, edit.range.start)
        end = utf16_offset(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def send_edits(client: AgentlintClient, uri: str, version: int, edits: list[types.TextEdit]) -> None:
    """Sends a workspace edit's text edits as one incremental didChange, last edit first so the
    positions of the earlier ones stay valid."""
    ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                for e in ordered
            ],
        )
    )


async def request_actions(client, uri, diagnostics):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )


def single_document_edit(action: types.CodeAction, uri: str, version: int) -> list[types.TextEdit]:
    assert action.edit is not None
    assert action.edit.changes is None
    [change] = action.edit.document_changes or []
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.uri == uri
    assert change.text_document.version == version
    assert all(isinstance(e, types.TextEdit) for e in change.edits)
    return list(change.edits)


async def open_calc(client, tmp_path):
    await initialize(client, tmp_path)
    uri = (tmp_path / "calc.py").as_uri()
    client.open(uri, "python", CALC)
    diagnostics = await client.wait_for_diagnostics(uri, version=1)
    eval_col = utf16_len(EVAL_LINE[: EVAL_LINE.index("eval(")])
    assert eval_col == 28
    assert [span(d) for d in diagnostics] == [(3, eval_col, 3, eval_col + 4)]
    return uri, diagnostics


async def test_code_actions_for_eval_are_fix_then_suppression(client, tmp_path):
    uri, diagnostics = await open_calc(client, tmp_path)

    actions = await request_actions(client, uri, diagnostics)

    assert actions is not None
    assert all(isinstance(a, types.CodeAction) for a in actions)
    assert [a.title for a in actions] == [FIX_TITLE, SUPPRESS_TITLE]
    fix, suppress = actions
    for action in actions:
        assert action.kind == types.CodeActionKind.QuickFix
        assert list(action.diagnostics or []) == diagnostics
    # Not safe to apply blindly: literal_eval accepts less than eval.
    assert fix.is_preferred is False
    assert suppress.is_preferred is False

    fix_edits = single_document_edit(fix, uri, 1)
    assert sorted((span_of(e), e.new_text) for e in fix_edits) == [
        ((0, 0, 0, 0), "import ast\n"),  # with the standard library's imports, in order
        ((3, 28, 3, 32), "ast.literal_eval"),  # the callee, renamed
    ]
    assert apply_edits(CALC, fix_edits) == (
        'import ast\nimport os\n\ndef calc(expr):\n'
        '    label = "計算 🤖"; return ast.literal_eval(expr)\n'
    )

    [edit] = single_document_edit(suppress, uri, 1)
    end_of_line = utf16_len(EVAL_LINE)
    assert end_of_line == 38
    assert span_of(edit) == (3, end_of_line, 3, end_of_line)
    assert edit.new_text == "  # agentlint: ignore[AL203]"


async def test_applying_the_suppression_clears_the_diagnostic(client, tmp_path):
    uri, diagnostics = await open_calc(client, tmp_path)
    actions = await request_actions(client, uri, diagnostics)
    [suppress] = [a for a in actions if a.title == SUPPRESS_TITLE]
    edits = single_document_edit(suppress, uri, 1)

    send_edits(client, uri, 2, edits)

    assert await client.wait_for_diagnostics(uri, version=2) == []
    assert apply_edits(CALC, edits).splitlines()[3] == (
        '    label = "計算 🤖"; return eval(expr)  # agentlint: ignore[AL203]'
    )


async def test_applying_the_literal_eval_fix_clears_the_diagnostic(client, tmp_path):
    uri, diagnostics = await open_calc(client, tmp_path)
    actions = await request_actions(client, uri, diagnostics)
    [fix] = [a for a in actions if a.title == FIX_TITLE]

    send_edits(client, uri, 2, single_document_edit(fix, uri, 1))

    assert await client.wait_for_diagnostics(uri, version=2) == []


async def test_actions_for_an_outdated_version_are_not_offered(client, tmp_path):
    uri, old = await open_calc(client, tmp_path)
    client.insert(uri, 2, 0, 0, "# 🤖\n")
    [current] = await client.wait_for_diagnostics(uri, version=2)
    assert span(current) == (4, 28, 4, 32)

    # Edits computed for version 1 would land one line too high now.
    assert not await request_actions(client, uri, old)
    actions = await request_actions(client, uri, [current])
    assert [a.title for a in actions] == [FIX_TITLE, SUPPRESS_TITLE]
    assert all(single_document_edit(a, uri, 2) for a in actions)


async def test_did_close_publishes_empty_diagnostics(client, tmp_path):
    uri, _ = await open_calc(client, tmp_path)
    after = len(client.published)

    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )

    assert await client.wait_for_diagnostics(uri, after=after) == []
    assert client.published[-1].uri == uri
    assert client.published[-1].version is None
    assert list(client.diagnostics[uri]) == []
