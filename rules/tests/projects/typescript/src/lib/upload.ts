export async function upload(data: string): Promise<void> {
  await fetch("https://files.example/u", { method: "POST", body: data });
}
