// A tiny assembler for the WebAssembly text format subset the JSON walker is written in (folded
// instructions only): module fields memory/global/func with exports, i32/i64/f64/v128 instructions,
// block/loop/if with labels, calls. Returns the binary module. Pure; knows nothing about JSON.
// Not a general WAT implementation: anything outside the subset throws an Error naming it.

type SExpr = string | SExpr[];

/** Immediate kinds: none, local, global, func, label, memarg (natural alignment log2), i32, i64, memory.fill/copy. */
type Imm = 'none' | 'local' | 'global' | 'func' | 'label' | `mem${0 | 1 | 2 | 3 | 4}` | 'i32' | 'i64' | 'fill' | 'copy';

const OPS: Record<string, readonly [readonly number[], Imm]> = {};
function def(imm: Imm, table: Record<string, number | readonly number[]>): void {
  for (const [name, code] of Object.entries(table)) OPS[name] = [typeof code === 'number' ? [code] : code, imm];
}
def('none', {
  unreachable: 0x00, nop: 0x01, return: 0x0f, drop: 0x1a, select: 0x1b,
  'i32.eqz': 0x45, 'i32.eq': 0x46, 'i32.ne': 0x47, 'i32.lt_s': 0x48, 'i32.lt_u': 0x49, 'i32.gt_s': 0x4a,
  'i32.gt_u': 0x4b, 'i32.le_s': 0x4c, 'i32.le_u': 0x4d, 'i32.ge_s': 0x4e, 'i32.ge_u': 0x4f,
  'i64.eqz': 0x50, 'i64.eq': 0x51, 'i64.ne': 0x52, 'i64.lt_u': 0x54,
  'f64.lt': 0x63, 'f64.gt': 0x64, 'f64.le': 0x65, 'f64.ge': 0x66,
  'i32.clz': 0x67, 'i32.ctz': 0x68, 'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.rem_u': 0x70,
  'i32.and': 0x71, 'i32.or': 0x72, 'i32.xor': 0x73, 'i32.shl': 0x74, 'i32.shr_s': 0x75, 'i32.shr_u': 0x76,
  'i64.ctz': 0x7a, 'i64.add': 0x7c, 'i64.sub': 0x7d, 'i64.and': 0x83, 'i64.or': 0x84, 'i64.xor': 0x85,
  'i64.mul': 0x7e, 'i64.shl': 0x86, 'i64.shr_s': 0x87, 'i64.shr_u': 0x88,
  'f64.abs': 0x99, 'f64.neg': 0x9a, 'f64.add': 0xa0, 'f64.sub': 0xa1, 'f64.mul': 0xa2,
  'i32.wrap_i64': 0xa7, 'i64.extend_i32_s': 0xac, 'i64.extend_i32_u': 0xad, 'i64.trunc_f64_s': 0xb0,
  'f64.convert_i32_u': 0xb8, 'f64.convert_i64_s': 0xb9, 'f64.convert_i64_u': 0xba,
  'i8x16.splat': [0xfd, 15], 'i8x16.eq': [0xfd, 35], 'i8x16.lt_u': [0xfd, 38], 'i8x16.ge_u': [0xfd, 44],
  'v128.and': [0xfd, 78], 'v128.or': [0xfd, 80], 'i8x16.bitmask': [0xfd, 100], 'i8x16.sub': [0xfd, 113],
});
def('local', { 'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22 });
def('global', { 'global.get': 0x23, 'global.set': 0x24 });
def('func', { call: 0x10 });
def('label', { br: 0x0c, br_if: 0x0d });
def('mem0', { 'i32.load8_u': 0x2d, 'i32.store8': 0x3a });
def('mem1', { 'i32.store16': 0x3b });
def('mem2', { 'i32.load': 0x28, 'i32.store': 0x36 });
def('mem3', { 'i64.load': 0x29, 'f64.load': 0x2b, 'i64.store': 0x37, 'f64.store': 0x39 });
def('mem4', { 'v128.load': [0xfd, 0] });
def('i32', { 'i32.const': 0x41 });
def('i64', { 'i64.const': 0x42 });
def('fill', { 'memory.fill': [0xfc, 11] });
def('copy', { 'memory.copy': [0xfc, 10] });

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f64: 0x7c, v128: 0x7b };

function parse(text: string): SExpr[] {
  const tokens = text.replace(/;;[^\n]*/g, ' ').match(/\(|\)|"[^"]*"|[^\s()"]+/g) ?? [];
  const stack: SExpr[][] = [[]];
  for (const t of tokens) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const done = stack.pop();
      if (done === undefined || stack.length === 0) throw new Error('wasm assembler: unbalanced parentheses');
      stack[stack.length - 1]!.push(done);
    } else stack[stack.length - 1]!.push(t);
  }
  if (stack.length !== 1) throw new Error('wasm assembler: unbalanced parentheses');
  return stack[0]!;
}

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(out: number[], v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function num(t: SExpr | undefined): bigint {
  if (typeof t !== 'string') throw new Error(`wasm assembler: expected a number, got ${JSON.stringify(t)}`);
  return BigInt(t.replace(/_/g, ''));
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  out.push(...body);
}

function vec(out: number[], items: number[][]): void {
  uleb(out, items.length);
  for (const i of items) out.push(...i);
}

interface Func {
  readonly name: string;
  readonly exportName: string | null;
  readonly params: string[];
  readonly paramTypes: number[];
  readonly result: number[];
  readonly locals: string[];
  readonly localTypes: number[];
  readonly body: SExpr[];
}

/** Assembles the module text (the subset described above) into a binary module. */
export function assembleWat(text: string): Uint8Array {
  const top = parse(text);
  const mod = top[0];
  if (top.length !== 1 || !Array.isArray(mod) || mod[0] !== 'module') throw new Error('wasm assembler: expected one (module ...)');
  const funcs: Func[] = [];
  const globals: { name: string; type: number; init: bigint }[] = [];
  let memory: { exportName: string; pages: number } | null = null;
  for (const field of mod.slice(1)) {
    if (!Array.isArray(field)) throw new Error(`wasm assembler: unexpected ${field}`);
    const head = field[0];
    if (head === 'memory') {
      const exp = field[1];
      if (!Array.isArray(exp) || exp[0] !== 'export') throw new Error('wasm assembler: memory needs an export');
      memory = { exportName: String(exp[1]).slice(1, -1), pages: Number(num(field[2])) };
    } else if (head === 'global') {
      const type = field[2];
      const init = field[3];
      if (!Array.isArray(type) || type[0] !== 'mut' || !Array.isArray(init)) throw new Error('wasm assembler: globals are (global $g (mut t) (t.const v))');
      globals.push({ name: String(field[1]), type: VALTYPE[String(type[1])]!, init: num(init[1]) });
    } else if (head === 'func') {
      const named = typeof field[1] === 'string' && field[1].startsWith('$');
      const f: Func = { name: named ? String(field[1]) : '', exportName: null, params: [], paramTypes: [], result: [], locals: [], localTypes: [], body: [] };
      for (const part of field.slice(named ? 2 : 1)) {
        if (Array.isArray(part) && part[0] === 'export') (f as { exportName: string | null }).exportName = String(part[1]).slice(1, -1);
        else if (Array.isArray(part) && part[0] === 'param') f.params.push(String(part[1])), f.paramTypes.push(VALTYPE[String(part[2])]!);
        else if (Array.isArray(part) && part[0] === 'result') f.result.push(VALTYPE[String(part[1])]!);
        else if (Array.isArray(part) && part[0] === 'local') f.locals.push(String(part[1])), f.localTypes.push(VALTYPE[String(part[2])]!);
        else f.body.push(part);
      }
      funcs.push(f);
    } else throw new Error(`wasm assembler: unsupported module field ${String(head)}`);
  }
  const funcIndex = new Map(funcs.map((f, i) => [f.name, i]));
  const globalIndex = new Map(globals.map((g, i) => [g.name, i]));
  const types: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = `${f.paramTypes.join(',')}:${f.result.join(',')}`;
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  });

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const tsec: number[] = [];
  vec(tsec, types.map((key) => {
    const [ps, rs] = key.split(':').map((x) => (x === '' ? [] : x.split(',').map(Number)));
    const t = [0x60];
    vec(t, ps!.map((p) => [p]));
    vec(t, rs!.map((r) => [r]));
    return t;
  }));
  section(out, 1, tsec);
  const fsec: number[] = [];
  vec(fsec, typeOf.map((t) => { const b: number[] = []; uleb(b, t); return b; }));
  section(out, 3, fsec);
  if (memory !== null) {
    const m: number[] = [];
    vec(m, [[0x00, ...(() => { const b: number[] = []; uleb(b, memory.pages); return b; })()]]);
    section(out, 5, m);
  }
  if (globals.length > 0) {
    const g: number[] = [];
    vec(g, globals.map((gl) => {
      const b = [gl.type, 0x01, gl.type === VALTYPE['i64'] ? 0x42 : 0x41];
      sleb(b, gl.init);
      b.push(0x0b);
      return b;
    }));
    section(out, 6, g);
  }
  const exports: number[][] = [];
  const name = (s: string): number[] => { const b: number[] = []; uleb(b, s.length); for (const ch of s) b.push(ch.charCodeAt(0)); return b; };
  if (memory !== null) exports.push([...name(memory.exportName), 0x02, 0x00]);
  funcs.forEach((f, i) => { if (f.exportName !== null) { const b = [...name(f.exportName), 0x00]; uleb(b, i); exports.push(b); } });
  const e: number[] = [];
  vec(e, exports);
  section(out, 7, e);
  const code: number[] = [];
  vec(code, funcs.map((f) => {
    const body: number[] = [];
    const groups: number[][] = []; // runs of locals of one type
    for (const t of f.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    vec(body, groups.map(([n, t]) => { const b: number[] = []; uleb(b, n!); b.push(t!); return b; }));
    const locals = new Map([...f.params, ...f.locals].map((l, i) => [l, i]));
    const labels: string[] = [];
    for (const ins of f.body) emit(ins, body, { locals, labels, funcIndex, globalIndex });
    body.push(0x0b);
    const b: number[] = [];
    uleb(b, body.length);
    return [...b, ...body];
  }));
  section(out, 10, code);
  return Uint8Array.from(out);
}

interface Ctx {
  readonly locals: Map<string, number>;
  readonly labels: string[];
  readonly funcIndex: Map<string, number>;
  readonly globalIndex: Map<string, number>;
}

function index(map: Map<string, number>, t: SExpr | undefined, what: string): number {
  const i = typeof t === 'string' ? map.get(t) : undefined;
  if (i === undefined) throw new Error(`wasm assembler: unknown ${what} ${JSON.stringify(t)}`);
  return i;
}

/** Emits one folded instruction (operands first). */
function emit(ins: SExpr, out: number[], ctx: Ctx): void {
  if (!Array.isArray(ins)) throw new Error(`wasm assembler: expected a folded instruction, got ${ins}`);
  const op = String(ins[0]);
  if (op === 'block' || op === 'loop') {
    const label = typeof ins[1] === 'string' && ins[1].startsWith('$') ? ins[1] : '';
    out.push(op === 'block' ? 0x02 : 0x03, 0x40);
    ctx.labels.push(label);
    for (const x of ins.slice(label === '' ? 1 : 2)) emit(x, out, ctx);
    ctx.labels.pop();
    out.push(0x0b);
    return;
  }
  if (op === 'if') {
    let k = 1;
    let blockType = 0x40;
    const r = ins[k];
    if (Array.isArray(r) && r[0] === 'result') (blockType = VALTYPE[String(r[1])]!), k++;
    emit(ins[k]!, out, ctx); // condition
    out.push(0x04, blockType);
    ctx.labels.push('');
    for (const part of ins.slice(k + 1)) {
      if (!Array.isArray(part) || (part[0] !== 'then' && part[0] !== 'else')) throw new Error('wasm assembler: if needs (then ...) [(else ...)]');
      if (part[0] === 'else') out.push(0x05);
      for (const x of part.slice(1)) emit(x, out, ctx);
    }
    ctx.labels.pop();
    out.push(0x0b);
    return;
  }
  const spec = OPS[op];
  if (spec === undefined) throw new Error(`wasm assembler: unsupported instruction ${op}`);
  const [code, imm] = spec;
  let args = ins.slice(1);
  let immArg: SExpr | undefined;
  let offset = 0;
  if (imm === 'local' || imm === 'global' || imm === 'func' || imm === 'label' || imm === 'i32' || imm === 'i64') {
    immArg = args[0];
    args = args.slice(1);
  } else if (imm.startsWith('mem') && typeof args[0] === 'string' && args[0].startsWith('offset=')) {
    offset = Number(args[0].slice(7));
    args = args.slice(1);
  }
  for (const a of args) emit(a, out, ctx);
  out.push(code[0]!);
  if (code.length > 1) uleb(out, code[1]!);
  switch (imm) {
    case 'none':
      break;
    case 'local':
      uleb(out, index(ctx.locals, immArg, 'local'));
      break;
    case 'global':
      uleb(out, index(ctx.globalIndex, immArg, 'global'));
      break;
    case 'func':
      uleb(out, index(ctx.funcIndex, immArg, 'function'));
      break;
    case 'label': {
      const depth = ctx.labels.length - 1 - ctx.labels.lastIndexOf(String(immArg));
      if (depth >= ctx.labels.length) throw new Error(`wasm assembler: unknown label ${String(immArg)}`);
      uleb(out, depth);
      break;
    }
    case 'i32':
      sleb(out, BigInt.asIntN(32, num(immArg)));
      break;
    case 'i64':
      sleb(out, BigInt.asIntN(64, num(immArg)));
      break;
    case 'fill':
      out.push(0x00);
      break;
    case 'copy':
      out.push(0x00, 0x00);
      break;
    default:
      uleb(out, Number(imm.slice(3)));
      uleb(out, offset);
  }
}
