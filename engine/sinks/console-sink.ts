// connector = 'console': prints every change as `name +1 {col: value, ...}` on stdout at each
// commit. Not exactly-once (it keeps no positions); meant for development and tests.
import type { Schema } from '../../catalog/types.js';
import type { CommitRequest, ResumeInfo, SinkWriter } from '../connectors/sink.js';
import { formatValue } from '../core/format-value.js';
import type { Row } from '../core/value.js';

export class ConsoleSink implements SinkWriter {
  readonly target = 'console';
  private buffer: string[] = [];

  constructor(
    readonly name: string,
    private readonly schema: Schema,
    private readonly print: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  async open(): Promise<ResumeInfo> {
    return {};
  }

  write(row: Row, weight: number): void {
    const fields = this.schema.fields;
    const parts: string[] = [];
    for (let i = 0; i < fields.length; i++) parts.push(`${fields[i]!.name}: ${formatValue(row[i] ?? null, fields[i]!.type)}`);
    this.buffer.push(`${this.name} ${weight > 0 ? '+' : ''}${weight} {${parts.join(', ')}}`);
  }

  pending(): number {
    return this.buffer.length;
  }

  async commit(_req: CommitRequest): Promise<boolean> {
    if (this.buffer.length === 0) return false;
    for (const line of this.buffer) this.print(line);
    this.buffer = [];
    return true;
  }

  async close(): Promise<void> {}
}
