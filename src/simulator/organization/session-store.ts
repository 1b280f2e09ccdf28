import type { JsonObject } from '../../tap/json.js';
import { hash, Rng, TAG } from '../core/random.js';
import { type LogicalClock, SessionTimes } from '../core/timeline.js';
import type { Hostile } from '../hostile/hostile.js';
import { generateAnalysis, sessionSize } from './gen-insights.js';
import { baseMessageCount, countUserMessages, generateMessage } from './gen-messages.js';
import { generateSession, type SessionContext, statusDetail } from './gen-session.js';

export interface SessionStoreOptions extends SessionContext {
  averageMessages: number;
  noteIds: () => readonly string[];
  hostile: Hostile;
}

interface Overlay {
  updatedAt: number;
  status?: string;
  statusDetail?: string | null;
  /** Messages appended by changes, in order: `count` messages created at `at`. */
  batches: { count: number; at: number }[];
}

export interface SessionChange {
  status?: string;
  newMessages?: number;
}

/**
 * Sessions by index: base sessions 0..baseCount-1 generated from the seed, added sessions after them.
 * created_at strictly increases with the index, so newest-first is descending index. Changes live in
 * small maps (overlays, deletions); nothing else is stored.
 */
export class SessionStore {
  readonly times: SessionTimes;
  private readonly addedAt: number[] = [];
  private readonly deleted = new Set<number>();
  private readonly overlays = new Map<number, Overlay>();
  /** Bumped by every change; caches key on it. */
  version = 0;
  /** Lowest index with an overlay (Infinity when none): below it only base timestamps apply. */
  minOverlayIndex = Number.POSITIVE_INFINITY;

  constructor(
    readonly options: SessionStoreOptions,
    private readonly clock: LogicalClock,
  ) {
    this.times = new SessionTimes(options.seed, options.baseCount);
  }

  /** Size of the index space (deleted indexes included). */
  get size(): number {
    return this.options.baseCount + this.addedAt.length;
  }

  get deletedIndexes(): ReadonlySet<number> {
    return this.deleted;
  }

  isLive(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.size && !this.deleted.has(index);
  }

  /** The live index of a session id, or null (unknown, deleted, or not `devin-<hex>`). */
  indexOf(sessionId: string): number | null {
    const index = this.options.sessionIds.index(sessionId);
    return index !== null && this.isLive(index) ? index : null;
  }

  createdAt(index: number): number {
    const { baseCount } = this.options;
    return index < baseCount ? this.times.createdAt(index) : (this.addedAt[index - baseCount] ?? 0);
  }

  private baseMessages(index: number): number {
    const { seed, baseCount, averageMessages, hostile } = this.options;
    return Math.max(hostile.minMessages(index), baseMessageCount(seed, index, baseCount, averageMessages));
  }

  /** updated_at before any change (the last base message is never later than this). */
  baseUpdatedAt(index: number): number {
    if (index >= this.options.baseCount) return this.createdAt(index);
    return this.createdAt(index) + this.times.duration(index, this.baseMessages(index));
  }

  updatedAt(index: number): number {
    const seconds = this.overlays.get(index)?.updatedAt ?? this.baseUpdatedAt(index);
    return this.options.hostile.sessionUpdatedAt(index, seconds);
  }

  /** Lowest index whose updated_at may be past its generated bound (a change or a hostile mode). */
  minChangedIndex(): number {
    return Math.min(this.minOverlayIndex, this.options.hostile.lowestOddUpdatedAt());
  }

  messageCount(index: number): number {
    const extra = this.overlays.get(index)?.batches.reduce((sum, batch) => sum + batch.count, 0) ?? 0;
    return this.baseMessages(index) + extra;
  }

  session(index: number): JsonObject {
    const session = generateSession(this.options, index, this.createdAt(index), this.updatedAt(index));
    if (index >= this.options.baseCount) {
      session.status = 'running';
      session.status_detail = 'working';
    }
    const overlay = this.overlays.get(index);
    if (overlay?.status !== undefined) {
      session.status = overlay.status;
      session.status_detail = overlay.statusDetail ?? null;
    }
    return this.options.hostile.session(index, session);
  }

  insight(index: number): JsonObject {
    const session = this.session(index);
    const count = this.messageCount(index);
    const users = countUserMessages(this.options.seed, index, count);
    return {
      ...session,
      num_user_messages: users,
      num_devin_messages: count - users,
      session_size: sessionSize(count),
      analysis: generateAnalysis(this.options.seed, index, String(session.status), this.options.noteIds()),
    };
  }

  message(index: number, ordinal: number): JsonObject {
    const message = generateMessage(this.options.seed, index, ordinal, this.messageCreatedAt(index, ordinal));
    return this.options.hostile.message(index, ordinal, message);
  }

  private messageCreatedAt(index: number, ordinal: number): number {
    const base = this.baseMessages(index);
    if (ordinal < base) {
      const created = this.createdAt(index);
      const span = this.baseUpdatedAt(index) - created;
      return created + Math.floor((span * (ordinal + 1)) / (base + 1));
    }
    let first = base;
    for (const batch of this.overlays.get(index)?.batches ?? []) {
      if (ordinal < first + batch.count) return batch.at;
      first += batch.count;
    }
    throw new RangeError(`message ${ordinal} of session ${index} does not exist`);
  }

  add(count: number): string[] {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      this.addedAt.push(this.clock.tick());
      ids.push(this.options.sessionIds.id(this.size - 1));
    }
    this.version++;
    return ids;
  }

  update(index: number, change: SessionChange): void {
    const overlay = this.overlays.get(index) ?? { updatedAt: 0, batches: [] };
    overlay.updatedAt = this.clock.tick();
    if (change.status !== undefined) {
      overlay.status = change.status;
      overlay.statusDetail = statusDetail(
        change.status,
        new Rng(hash(this.options.seed, TAG.sessionFields, index)),
      );
    }
    if (change.newMessages !== undefined && change.newMessages > 0) {
      overlay.batches.push({ count: change.newMessages, at: overlay.updatedAt });
    }
    this.overlays.set(index, overlay);
    this.minOverlayIndex = Math.min(this.minOverlayIndex, index);
    this.version++;
  }

  delete(index: number): void {
    this.deleted.add(index);
    this.version++;
  }
}
