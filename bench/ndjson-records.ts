// The records a sync of all six streams loads, taken from the simulator's ground truth and written
// as one NDJSON file per stream (the input of the load floors). Messages carry their session_id, as
// the tap adds it; secrets are cut to their catalog fields, as the tap projects them.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '../src/simulator/index.js';
import { streamSchema } from '../src/tap/catalog.js';
import { isJsonObject, type JsonObject } from '../src/tap/json.js';
import { BENCH_STREAMS } from './sync-setup.js';

export interface NdjsonFiles {
  /** Stream name to NDJSON file path. */
  files: Map<string, string>;
  /** Stream name to record count. */
  counts: Map<string, number>;
  records: number;
  bytes: number;
}

async function writeLine(out: WriteStream, record: JsonObject): Promise<number> {
  const line = `${JSON.stringify(record)}\n`;
  if (!out.write(line)) await once(out, 'drain');
  return line.length;
}

function secretFields(): readonly string[] {
  const properties = streamSchema('secrets').properties;
  return isJsonObject(properties) ? Object.keys(properties) : [];
}

function* recordsOf(sim: Simulator, stream: string): Generator<JsonObject> {
  if (stream === 'sessions') yield* sim.sessions();
  else if (stream === 'sessions_insights') yield* sim.insights();
  else if (stream === 'playbooks') yield* sim.playbooks();
  else if (stream === 'knowledge_notes') yield* sim.knowledgeNotes();
  else if (stream === 'secrets') {
    const fields = secretFields();
    for (const secret of sim.secrets()) {
      const picked: JsonObject = {};
      for (const field of fields) {
        const value = secret[field];
        if (value !== undefined) picked[field] = value;
      }
      yield picked;
    }
  } else if (stream === 'session_messages') {
    for (const session of sim.sessions()) {
      const sessionId = String(session.session_id);
      for (const message of sim.messages(sessionId)) yield { ...message, session_id: sessionId };
    }
  }
}

/** Writes `<dir>/<stream>.ndjson` for all six streams. */
export async function writeNdjson(sim: Simulator, dir: string): Promise<NdjsonFiles> {
  const result: NdjsonFiles = { files: new Map(), counts: new Map(), records: 0, bytes: 0 };
  for (const stream of BENCH_STREAMS) {
    const path = join(dir, `${stream}.ndjson`);
    const out = createWriteStream(path);
    let count = 0;
    for (const record of recordsOf(sim, stream)) {
      result.bytes += await writeLine(out, record);
      count += 1;
    }
    out.end();
    await once(out, 'close');
    result.files.set(stream, path);
    result.counts.set(stream, count);
    result.records += count;
  }
  return result;
}
