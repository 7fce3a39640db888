// Descriptions that mention other tools without telling the model how to use them.
import { tool } from "ai";
import { z } from "zod";

export const queryChecker = tool({
  description: "Check a query for mistakes. Always use this tool before executing a query with sql_db_query!",
  inputSchema: z.object({ sql: z.string() }),
  execute: async ({ sql }) => sql,
});

export const readFile = tool({
  description: "Read a file. Use it after list_files to read one of the files it found.",
  inputSchema: z.object({ path: z.string() }),
  execute: async ({ path }) => path,
});

export const getRecord = tool({
  description: "Get a record by id. Call `search` first to find the id.",
  inputSchema: z.object({ recordId: z.string() }),
  execute: async ({ recordId }) => recordId,
});
