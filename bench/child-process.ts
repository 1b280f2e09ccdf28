import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildRun {
  seconds: number;
  peakRssMb: number;
  /** User + system CPU seconds of the child (last sample, so up to 50 ms short). */
  cpuSeconds: number;
  /** User + system CPU seconds of this process (the simulator's, in the benches) while the child ran. */
  parentCpuSeconds: number;
  stdoutLines: number;
  /** Resident set (VmRSS) every 50 ms: seconds since the start, MB. */
  rssSamples: { seconds: number; mb: number }[];
  code: number | null;
  stderrTail: string;
}

/** Peak (VmHWM) and current (VmRSS) resident set of a live process, in MB; 0 once it has gone. */
function residentSet(pid: number): { peak: number; now: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
    return { peak: mb('VmHWM'), now: mb('VmRSS') };
  } catch {
    return { peak: 0, now: 0 };
  }
}

/** The resident set sampled nearest after `share` (0..1) of the run, in MB. */
export function rssAt(run: ChildRun, share: number): number {
  const at = run.seconds * share;
  const sample = run.rssSamples.find((s) => s.seconds >= at) ?? run.rssSamples.at(-1);
  return sample?.mb ?? 0;
}

const TICKS_PER_SECOND = 100; // USER_HZ: getconf CLK_TCK on Linux

/** utime + stime of a live process from /proc/<pid>/stat, in seconds; 0 once it has gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Runs `node script args`, counting stdout lines without keeping them, and samples its peak RSS. */
export function runChild(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const parentCpu = process.cpuUsage();
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env } });
    let lines = 0;
    let peak = 0;
    let cpu = 0;
    let stderr = '';
    const rssSamples: { seconds: number; mb: number }[] = [];
    const sample = () => {
      if (child.pid === undefined) return;
      const rss = residentSet(child.pid);
      peak = Math.max(peak, rss.peak);
      cpu = Math.max(cpu, cpuSeconds(child.pid));
      if (rss.now > 0) rssSamples.push({ seconds: (performance.now() - started) / 1000, mb: rss.now });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    const sampler = setInterval(sample, 50);
    child.on('error', reject);
    child.on('exit', sample);
    child.on('close', (code) => {
      clearInterval(sampler);
      const parent = process.cpuUsage(parentCpu);
      resolve({
        cpuSeconds: cpu,
        parentCpuSeconds: (parent.user + parent.system) / 1e6,
        seconds: (performance.now() - started) / 1000,
        peakRssMb: peak,
        stdoutLines: lines,
        rssSamples,
        code,
        stderrTail: stderr,
      });
    });
  });
}
