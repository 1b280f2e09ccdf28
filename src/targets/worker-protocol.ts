import type { TargetKind } from './target.js';

/** What the thread that owns the database is started with. */
export interface WorkerOptions {
  kind: TargetKind;
  path: string;
  busyTimeoutMs?: number;
  memoryLimit?: string;
}

/** The Target methods the worker runs, by name (arguments are cloned; an encoded batch's buffers move). */
export type TargetCall =
  | { method: 'prepare'; args: unknown[] }
  | { method: 'migrate'; args: unknown[] }
  | { method: 'write'; args: unknown[] }
  | { method: 'checkpoint'; args: unknown[] }
  | { method: 'clearScope'; args: unknown[] }
  | { method: 'readState'; args: [] }
  | { method: 'beginFullRefresh'; args: unknown[] }
  | { method: 'completeFullRefresh'; args: unknown[] }
  | { method: 'abortFullRefresh'; args: unknown[] }
  | { method: 'reject'; args: unknown[] }
  | { method: 'checkObjects'; args: unknown[] }
  | { method: 'tableNames'; args: [] }
  | { method: 'execute'; args: unknown[] }
  | { method: 'recordRun'; args: unknown[] }
  | { method: 'close'; args: [] };

export type TargetMethod = TargetCall['method'];

export interface CallRequest {
  id: number;
  call: TargetCall;
}

/** An error crossing the thread boundary: its message, and whether it was the user's (a TapError). */
export interface WorkerFailure {
  message: string;
  targetError: boolean;
}

export type WorkerReply =
  | { kind: 'opened'; targetKind: TargetKind; path: string; takesEncodedRows: boolean }
  | { kind: 'open_failed'; failure: WorkerFailure }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'failed'; id: number; failure: WorkerFailure };
