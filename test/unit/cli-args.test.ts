// The CLI's argument checks: each command takes only its own flags and arguments, so a typo of
// --once does not start an unbounded run, `check a b` does not check only a, and a value flag
// without its value is an error rather than a silent default.
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS, parseArgs, validateArgs } from '../../engine/cli/args.js';

const check = (...argv: string[]): void => {
  const args = parseArgs(argv);
  validateArgs(args, COMMAND_SPECS[args.command!]!);
};

describe('command-line validation', () => {
  it('accepts what each command documents', () => {
    expect(() => check('run', 'p.sql', '--once', '--warehouse', 'wh')).not.toThrow();
    expect(() => check('run', 'p.sql', '--warehouse=s3://b/p', '--quiet')).not.toThrow();
    expect(() => check('check', 'dir')).not.toThrow();
    expect(() => check('explain', 'p.sql', '--sink', 's')).not.toThrow();
    expect(() => check('query', 'SELECT 1', '--format', 'csv', '--warehouse', 'wh', '--pipeline', 'p')).not.toThrow();
    expect(() => check('tables', '--warehouse', 'wh')).not.toThrow();
  });

  it('rejects unknown flags, missing values and extra arguments, naming them', () => {
    expect(() => check('run', 'p.sql', '--onec')).toThrow(/run does not take --onec \(it takes --warehouse, --once, --quiet\)/);
    expect(() => check('run', 'p.sql', '--warehous', 'wh')).toThrow(/--warehous/);
    expect(() => check('run', 'p.sql', '--warehouse')).toThrow(/--warehouse needs a value/);
    expect(() => check('run', 'p.sql', '--warehouse', '--once')).toThrow(/--warehouse needs a value/);
    expect(() => check('run', 'p.sql', '--once=yes')).toThrow(/--once takes no value/);
    expect(() => check('check', 'good', 'bad')).toThrow(/check takes one file or directory; unexpected 'bad'/);
    expect(() => check('check', 'a.sql', 'b.sql', 'c.sql')).toThrow(/unexpected 'b.sql' 'c.sql'/);
    expect(() => check('explain', 'p.sql', '--sink')).toThrow(/--sink needs a value/);
    expect(() => check('query', 'SELECT', '*', 'FROM', 't')).toThrow(/query takes one SQL text \(quote it\)/);
    expect(() => check('tables', 'extra')).toThrow(/tables takes no arguments/);
  });
});
