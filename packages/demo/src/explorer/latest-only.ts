/**
 * Runs at most one job at a time and, while busy, keeps only the NEWEST request. Pointer moves
 * fire far faster than a software WebGPU adapter decodes (~200 ms); queueing every move would lag
 * seconds behind the pointer. Latest-wins keeps the picture under the pointer.
 */
export class LatestOnly<T> {
  private running = false;
  private pending: T | undefined;
  private hasPending = false;

  constructor(
    private readonly job: (request: T) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(value: T): void {
    this.pending = value;
    this.hasPending = true;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.hasPending) {
      const value = this.pending as T;
      this.hasPending = false;
      this.pending = undefined;
      try {
        await this.job(value);
      } catch (e) {
        this.onError(e);
      }
    }
    this.running = false;
  }
}
