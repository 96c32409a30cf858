// Shared by the benchmarks: runs `node <args>` as a child process, timed from spawn to exit, and
// samples its peak RSS (VmHWM) and CPU time (utime + stime) from /proc every 100 ms. Reads /proc
// directly: spawning a reader per sample would add CPU load to what is being measured.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildRun {
  readonly wallMs: number;
  /** CPU seconds (user + system, all threads) as last sampled before the process exited. */
  readonly cpuS: number;
  readonly peakRssMb: number;
  readonly stdout: string;
}

/** The child's stdout is collected, its stderr passed through; a non-zero exit rejects with stdout. */
export function runNodeChild(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let peak = 0;
    let cpuS = 0;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (100 per second here)
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (f.length > 13) cpuS = Math.max(cpuS, (Number(f[11]) + Number(f[12])) / 100);
      } catch {
        // the process is gone
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) rej(new Error(`node ${args.join(' ')} exited ${code}\n${out}`));
      else res({ wallMs: performance.now() - t0, cpuS, peakRssMb: peak, stdout: out });
    });
  });
}
