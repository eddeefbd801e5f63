// Merges a bench's slow-call log and the processes' timelines into one time-ordered listing, ms
// from the first phase: node merge-timelines.mjs <slow-call log> <timeline files...>
// Runs of slow calls that start within 10 ms of each other are folded into one line.
import fs from 'node:fs';
import path from 'node:path';

const [slowLog, ...timelines] = process.argv.slice(2);
const events = [];
const read = (file, who) => {
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const [t, what] = line.split(' ', 2);
    events.push({ t: Number(t), who, what, value: line.slice(t.length + what.length + 2) });
  }
};
read(slowLog, 'calls');
for (const f of timelines) read(f, path.basename(f).split('-')[1]);
events.sort((a, b) => a.t - b.t);
const t0 = events.find((e) => e.what === 'phase')?.t ?? events[0]?.t ?? 0;
const out = [];
let run;
const endRun = () => {
  if (run)
    out.push(`${(run.t - t0).toFixed(0).padStart(7)}  calls   ${run.n} slow, max ${run.max.toFixed(1)} ms`);
  run = undefined;
};
for (const e of events) {
  if (e.what === 'slow') {
    const ms = Number(e.value);
    if (run && e.t - run.last < 10) {
      run.n++;
      run.max = Math.max(run.max, ms);
      run.last = e.t;
    } else {
      endRun();
      run = { t: e.t, last: e.t, n: 1, max: ms };
    }
    continue;
  }
  endRun();
  out.push(`${(e.t - t0).toFixed(0).padStart(7)}  ${e.who.padEnd(7)} ${e.what} ${e.value}`);
}
endRun();
console.log(out.join('\n'));
