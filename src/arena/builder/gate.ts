/**
 * Many readers or one writer: clients' requests pass together, and a block build waits for
 * those in flight, then holds new ones until it is done. A client never sees a block that the
 * builder mined to simulate a bundle and then reverted.
 */
export class Gate {
  private writing: Promise<void> = Promise.resolve();
  private writer = false;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  /** Runs `fn` with the other readers, after any write that has started. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writing;
    this.inFlight += 1;
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** Runs `fn` alone: after the readers in flight, before any reader that arrives meanwhile. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writing;
    this.writer = true;
    let done = () => {};
    this.writing = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      if (this.inFlight > 0)
        await new Promise<void>((resolve) => {
          this.drained = resolve;
        });
      this.drained = undefined;
      return await fn();
    } finally {
      this.writer = false;
      done();
    }
  }
}
