/** The last lines each process printed, kept to explain a failure in the task's `last_error`. */
export class OutputTail<K> {
  private readonly tails = new Map<K, string[]>();

  constructor(
    private readonly lines = 10,
    private readonly maxLineLength = 500,
  ) {}

  add(key: K, line: string): void {
    let tail = this.tails.get(key);
    if (!tail) this.tails.set(key, (tail = []));
    tail.push(line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line);
    if (tail.length > this.lines) tail.shift();
  }

  get(key: K): readonly string[] {
    return this.tails.get(key) ?? [];
  }
}
