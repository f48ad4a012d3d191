/**
 * A gate for the server's test hooks: every caller waits at it until the test opens it, and the test
 * can wait until a number of callers arrived. Makes slow steps (an assembly, a publish) last exactly
 * as long as a test needs, without sleeping.
 */
export interface Gate {
  /** The hook: records the arrival, then waits until the gate is open. */
  pass(key: string): Promise<void>;
  /** Resolves once `n` callers arrived in total. */
  arrived(n: number): Promise<void>;
  open(): void;
  /** Every key that arrived, in order. */
  readonly keys: string[];
}

export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  const keys: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    keys,
    async pass(key) {
      keys.push(key);
      for (const w of waiters.filter((x) => keys.length >= x.n)) w.resolve();
      await opened;
    },
    arrived(n) {
      if (keys.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    open,
  };
}
