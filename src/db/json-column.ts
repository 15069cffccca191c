/**
 * JSON documents are stored as text on every dialect (see migrations/column-types.ts). Only Drover
 * writes them, always from a checked value, so unparsable text means the row was changed behind our
 * back: that is an error, not something to paper over.
 */
export function parseJsonColumn<T>(text: string | null, column: string): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`the ${column} column holds invalid JSON: ${text.slice(0, 80)}`);
  }
}
