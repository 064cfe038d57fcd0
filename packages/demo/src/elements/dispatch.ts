/** Re-dispatches explorer events as DOM CustomEvents that cross the shadow boundary. */
import type { Emit } from '../explorer/events.ts';

export function dispatcher(host: HTMLElement, current: () => boolean): Emit {
  return ((type: string, detail: unknown) => {
    // A render superseded by a newer `src` must not report into the new one's listeners.
    if (!current()) return;
    host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }) as Emit;
}
