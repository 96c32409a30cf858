// Name resolution for one query level: the relations of its FROM clause (name or alias, columns
// with their input indexes), qualified and unqualified column lookup, ambiguity detection and
// "did you mean" suggestions. Reports unknown-table / unknown-column / ambiguous-column.
// Knows nothing about plans beyond column positions and types.
import type { DataType } from '../../catalog/types.js';
import type { ColumnExpr } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import { didYouMean } from '../suggest.js';

export interface ScopeColumn {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** Index in the row the expressions of this scope are evaluated on. */
  readonly index: number;
  /** window_start / window_end of a window table function. */
  readonly window?: 'start' | 'end';
}

export interface ScopeRelation {
  /** Alias, or the source/view name. */
  readonly name: string;
  readonly columns: readonly ScopeColumn[];
}

export class Scope {
  constructor(readonly relations: readonly ScopeRelation[]) {}

  allColumns(): ScopeColumn[] {
    return this.relations.flatMap((r) => r.columns);
  }

  /** Finds the column a reference names; reports and returns undefined when it cannot. */
  resolve(ref: ColumnExpr, diags: Diagnostics | undefined): ScopeColumn | undefined {
    let candidates: readonly ScopeColumn[];
    if (ref.table) {
      const rel = this.relations.find((r) => r.name === ref.table!.name);
      if (!rel) {
        diags?.error('unknown-table', `table '${ref.table.name}' is not in FROM`, ref.table.span, {
          help: didYouMean(ref.table.name, this.relations.map((r) => r.name)),
        });
        return undefined;
      }
      candidates = rel.columns;
    } else candidates = this.allColumns();
    const found = candidates.filter((c) => c.name === ref.name.name);
    if (found.length === 1) return found[0];
    const display = ref.table ? `${ref.table.name}.${ref.name.name}` : ref.name.name;
    if (found.length > 1) {
      diags?.error('ambiguous-column', `column reference '${display}' is ambiguous`, ref.span, {
        notes: [`${found.length} columns of the input are named '${ref.name.name}'`],
        help: ['rename the columns with AS in the query that defines them'],
      });
      return undefined;
    }
    diags?.error('unknown-column', `column '${display}' not found`, ref.name.span, {
      help: didYouMean(ref.name.name, new Set(candidates.map((c) => c.name))),
    });
    return undefined;
  }
}
