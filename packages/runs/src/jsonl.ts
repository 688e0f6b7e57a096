/**
 * Parses the complete lines of a JSONL text (metrics.jsonl, events.jsonl, rescues.jsonl); stops at the
 * first line that does not parse (a torn write).
 */
export function parseJsonl<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      break;
    }
  }
  return out;
}
