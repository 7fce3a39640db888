-- Drives agentlint from a real Neovim (headless) over LSP and checks the diagnostics it shows.
-- Works with Debian's Neovim 0.7 (`vim.lsp.start_client`) and newer. Run by neovim.sh.
local bin = os.getenv("AGENTLINT_BIN")
local file = os.getenv("AGENTLINT_FILE")
local expected = os.getenv("AGENTLINT_EXPECT") -- comma-separated codes
local root = vim.fn.fnamemodify(file, ":h")

local function fail(message)
  io.stderr:write("neovim test: " .. message .. "\n")
  vim.cmd("cq!")
end

local client_id = vim.lsp.start_client({
  name = "agentlint",
  cmd = { bin, "server" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "root" } },
})
if not client_id then
  fail("could not start the server")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = "python"
vim.lsp.buf_attach_client(buf, client_id)

local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
if not ok then
  fail("no diagnostics within 20 s")
end

local seen = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  if code then
    seen[code] = true
    io.stdout:write(string.format("%s %d:%d %s\n", code, d.lnum + 1, d.col + 1, d.source or ""))
  end
end
for code in string.gmatch(expected, "[^,]+") do
  if not seen[code] then
    fail("expected " .. code .. " among the diagnostics")
  end
end

-- An edit: removing the finding's line updates the diagnostics.
local first = vim.diagnostic.get(buf)[1]
vim.api.nvim_buf_set_lines(buf, first.lnum, first.lnum + 1, false, { "pass" })
local gone = vim.wait(20000, function()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.lnum == first.lnum and d.code == first.code then
      return false
    end
  end
  return true
end, 50)
if not gone then
  fail("the diagnostic did not go away after the edit")
end
io.stdout:write("neovim: ok\n")
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
