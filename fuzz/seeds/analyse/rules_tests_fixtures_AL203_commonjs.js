const vm = require("vm");
const { runInNewContext: run } = require("node:vm");
const Script = require("vm").Script;

module.exports = async function handler(req) {
  const code = req.body.code;
  run(code, {});
  new Script(code);
  return vm.runInThisContext(code);
};
