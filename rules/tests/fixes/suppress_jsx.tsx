export function Preview({ code }: { code: string }) {
  return <div>
    {eval(code)}
  </div>;
}
