/**
 * Where and why a line is not valid JSON, without quoting it: a line of stdin may hold personal
 * data or a token, and V8's message for an unexpected token repeats the text itself.
 */
export interface JsonProblem {
  /** 1-based character index in the line. */
  character: number;
  problem: string;
}

const AT_POSITION = /^(.*) in JSON at position (\d+)/;

interface ParseOutcome {
  /** 0-based index V8 names, or null when it names none. */
  position: number | null;
  /** V8's problem, when it is free of the input's text. */
  problem: string | null;
  endOfInput: boolean;
}

function tryParse(text: string): ParseOutcome | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const match = AT_POSITION.exec(message);
    if (match) return { position: Number(match[2]), problem: match[1] ?? null, endOfInput: false };
    return { position: null, problem: null, endOfInput: /Unexpected end of JSON input/.test(message) };
  }
}

/** True when `prefix` could still be the start of a JSON value (it only fails for ending early). */
function validSoFar(prefix: string): boolean {
  const outcome = tryParse(prefix);
  if (outcome === null || outcome.endOfInput) return true;
  return outcome.position !== null && outcome.position >= prefix.length;
}

/**
 * The first character at fault in a line JSON.parse refused. V8 names a position for most
 * problems; for an unexpected token it quotes the text instead, so the position is found by
 * bisecting on the longest prefix that is still valid (log2(length) parses, only on failure).
 */
export function locateJsonProblem(text: string): JsonProblem {
  const outcome = tryParse(text);
  if (outcome === null) return { character: 0, problem: 'valid JSON' };
  if (outcome.endOfInput) return { character: text.length + 1, problem: 'the line ends inside a JSON value' };
  if (outcome.position !== null) {
    const problem = outcome.problem ?? 'unexpected character';
    return { character: outcome.position + 1, problem: problem.charAt(0).toLowerCase() + problem.slice(1) };
  }
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (validSoFar(text.slice(0, middle))) good = middle;
    else bad = middle;
  }
  return { character: bad, problem: 'unexpected character' };
}
