/**
 * Resident memory of a process by component, from /proc/PID/smaps (Linux): what a bench needs to say
 * which allocator holds the RSS an overload leaves behind.
 *
 *   - `mallocMain`: the `[heap]` mapping, glibc's main malloc arena (grown with brk; only the main
 *     thread allocates there);
 *   - `mallocArenas`: anonymous mappings starting on a 64 MiB boundary and at most 64 MiB long:
 *     glibc's per-thread arenas (each a HEAP_MAX_SIZE = 64 MiB aligned reservation on 64-bit, glibc
 *     malloc/arena.c `new_heap`), where allocations from onnxruntime's and libuv's threads land;
 *   - `otherAnon`: every other anonymous mapping: V8's heap pages, glibc's mmap'd large blocks (>=
 *     M_MMAP_THRESHOLD), thread stacks;
 *   - `file`: file-backed pages (the binaries and shared libraries, onnxruntime's included).
 * All in MiB. The 64 MiB-alignment test is a heuristic: a V8 page or mmap'd block may by chance start
 * on such a boundary (rare: they are 256 KiB / 4 KiB aligned).
 */
import { readFileSync } from 'node:fs';

export interface MemoryByComponent {
  rss: number;
  mallocMain: number;
  mallocArenas: number;
  /** How many per-thread arena heaps are mapped. */
  arenaCount: number;
  otherAnon: number;
  file: number;
}

const HEAP_MAX = 64 * 2 ** 20;

export function memoryByComponent(pid: number): MemoryByComponent {
  const text = readFileSync(`/proc/${pid}/smaps`, 'latin1');
  const m: MemoryByComponent = { rss: 0, mallocMain: 0, mallocArenas: 0, arenaCount: 0, otherAnon: 0, file: 0 };
  let kind: 'main' | 'arena' | 'anon' | 'file' = 'anon';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const start = BigInt(`0x${head[1]}`);
      const size = Number(BigInt(`0x${head[2]}`) - start);
      const name = head[3];
      if (name === '[heap]') kind = 'main';
      else if (name.startsWith('/')) kind = 'file';
      else if (!name && start % BigInt(HEAP_MAX) === 0n && size <= HEAP_MAX) {
        kind = 'arena';
        m.arenaCount++;
      } else kind = 'anon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const mb = Number(rss[1]) / 1024;
    m.rss += mb;
    if (kind === 'main') m.mallocMain += mb;
    else if (kind === 'arena') m.mallocArenas += mb;
    else if (kind === 'file') m.file += mb;
    else m.otherAnon += mb;
  }
  return m;
}
