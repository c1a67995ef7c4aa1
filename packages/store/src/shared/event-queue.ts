/**
 * One watcher's bounded event buffer, exposed as an async iterable. Writers never wait on it: when
 * more than `capacity` events are unconsumed the watcher is evicted (its stream ends and the
 * client re-watches from its last resourceVersion), which is how kube's cacher treats slow watchers.
 */
import type { WatchEvent } from '../types.ts';

export class EventQueue {
  private items: WatchEvent[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private endedFlag = false;
  evicted = false;
  private onEnd: (() => void) | undefined;
  private roomWaiters: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  get ended(): boolean { return this.endedFlag; }
  get length(): number { return this.items.length - this.head; }

  /** Called once when the stream ends, whatever the reason. */
  setOnEnd(fn: () => void): void { this.onEnd = fn; }

  push(ev: WatchEvent): void {
    if (this.endedFlag) return;
    this.items.push(ev);
    if (this.length > this.capacity) {
      this.evicted = true;
      this.end();
      return;
    }
    this.signal();
  }

  /** Ends the stream now; buffered events are dropped (the consumer is behind or gone). */
  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    this.items = [];
    this.head = 0;
    this.signal();
    this.wakeProducers();
    this.onEnd?.();
  }

  /**
   * Resolves once at most `max` events are buffered (or the stream ended). Producers of bulk
   * events (initial state, replay) wait on this so a large initial list does not evict a watcher
   * that is reading as fast as it can.
   */
  async waitForRoom(max: number): Promise<void> {
    while (!this.endedFlag && this.length > max) {
      await new Promise<void>((resolve) => { this.roomWaiters.push(resolve); });
    }
  }

  private wakeProducers(): void {
    if (this.roomWaiters.length === 0) return;
    const ws = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of ws) w();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *iterate(): AsyncGenerator<WatchEvent> {
    try {
      for (;;) {
        if (this.head < this.items.length) {
          const ev = this.items[this.head++]!;
          this.wakeProducers();
          if (this.head > 1024 && this.head * 2 > this.items.length) {
            this.items = this.items.slice(this.head);
            this.head = 0;
          }
          yield ev;
          continue;
        }
        if (this.endedFlag) return;
        await new Promise<void>((resolve) => { this.wake = resolve; });
      }
    } finally {
      this.end();
    }
  }
}
