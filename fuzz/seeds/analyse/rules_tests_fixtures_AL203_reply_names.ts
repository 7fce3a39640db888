// A workflow step that runs the code the model wrote, passed in under a name that says so.
export function runStep(modelOutput: string, input: unknown) {
  const step = new Function("input", modelOutput);
  return step(input);
}
