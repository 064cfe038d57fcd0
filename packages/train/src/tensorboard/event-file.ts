/**
 * One TensorBoard events file: `events.out.tfevents.<seconds>.<host>.<pid>.latentkit` in a log folder,
 * opened new by every process (as TensorFlow's EventsWriter does), written by appending one TFRecord
 * per Event (record.ts). The first event names the format ("brain.Event:2"); a writer that continues
 * an earlier log (a resumed run) then writes a SessionLog START at the first step it will log, which
 * tells TensorBoard to drop anything logged earlier at that step or later (EventAccumulator's
 * _CheckForRestartAndMaybePurge in tensorboard/backend/event_processing/event_accumulator.py): the steps a
 * killed run logged after its last checkpoint, which the resumed run logs again.
 *
 * Each record is handed to the OS in one write, so a process killed at any moment leaves a file of
 * whole records (TensorBoard also stops quietly at a truncated last record). The file is an
 * append-only log, so it is not written atomically by renaming; flush() fsyncs it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '../errors.ts';
import { encodeEvent, SessionStatus, type EventMessage, type SummaryValue } from './proto.ts';
import { frameRecord } from './record.ts';

/** The file_version of every events file TensorBoard reads today (event.proto). */
export const FILE_VERSION = 'brain.Event:2';
const PREFIX = 'events.out.tfevents.';

/** The events files in `dir`, in the order TensorBoard reads them (by name); [] when `dir` does not exist. */
export function eventFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(PREFIX)).sort();
}

/**
 * A file name that sorts after every events file already in `dir`: TensorBoard reads a folder's files
 * in name order, so the seconds in the name are bumped past the newest existing file's when needed.
 */
function nextFileName(dir: string): string {
  let seconds = Math.floor(Date.now() / 1000);
  for (const name of eventFiles(dir)) {
    const s = Number(name.slice(PREFIX.length).split('.')[0]);
    if (Number.isSafeInteger(s) && s >= seconds) seconds = s + 1;
  }
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_') || 'host';
  return `${PREFIX}${seconds}.${host}.${process.pid}.latentkit`;
}

export interface EventFileOptions {
  /**
   * The first global step this writer will log when it continues an earlier log in the same folder
   * (a resumed run): written as SessionLog START, so readers drop the earlier log's steps >= it.
   */
  restartStep?: number;
}

export class EventFileWriter {
  /** The events file's path. */
  readonly path: string;
  private fd: number | undefined;

  /**
   * Creates `dir` (recursively) and a new events file in it, and writes the file_version event (and
   * the SessionLog START of `options.restartStep`).
   * @throws ValueError when restartStep is not a non-negative integer; the file system's error when
   *   the folder or file cannot be created.
   */
  constructor(dir: string, options: EventFileOptions = {}) {
    const { restartStep } = options;
    if (restartStep !== undefined && (!Number.isSafeInteger(restartStep) || restartStep < 0)) {
      throw new ValueError(`restartStep must be a non-negative integer, received ${String(restartStep)}`);
    }
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, nextFileName(dir));
    this.fd = openSync(this.path, 'wx');
    this.append({ wall_time: Date.now() / 1000, file_version: FILE_VERSION });
    if (restartStep !== undefined) {
      this.append({ wall_time: Date.now() / 1000, step: restartStep, session_log: { status: SessionStatus.START } });
    }
  }

  /**
   * Appends one Event holding `values` at global step `step` (wall time now).
   * @throws ValueError for a step that is not a non-negative integer or a closed writer.
   */
  write(step: number, values: SummaryValue[]): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new ValueError(`step must be a non-negative integer, received ${String(step)}`);
    if (values.length === 0) return;
    this.append({ wall_time: Date.now() / 1000, step, summary: { value: values } });
  }

  /** Forces the written events to disk (fsync). */
  flush(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  /** Flushes and closes the file; later writes throw. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(event: EventMessage): void {
    if (this.fd === undefined) throw new ValueError(`${this.path} is closed; open a new EventFileWriter`);
    const record = frameRecord(encodeEvent(event));
    let written = 0;
    while (written < record.length) written += writeSync(this.fd, record, written);
  }
}
