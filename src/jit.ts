/**
 * The V8 setting a build runs with: TurboFan inlines half as much bytecode into one
 * function as its default allows (`--max-inlined-bytecode-size-cumulative` 460, not 920).
 *
 * Why: a build is a short batch job on few cores, and V8 compiles its hot code on its own
 * threads, beside the two that already keep the cores busy. In a cold ingest of 10k
 * articles on two cores, TurboFan took ~15 % of all the CPU (`perf`; the JavaScript
 * profiler does not see those threads), and optimized code that waits for a busy compiler
 * runs slower meanwhile. Smaller inlining budgets make smaller graphs: one thread's
 * compiling 2.9–3.2 → 2.6 s, and ten alternating cold 10k ingests 9.16 → 8.61 s (faster in
 * seven of ten; one thread alone, which compiles on the idle core, showed no slowdown).
 * Process-wide (V8's flags are), set before any code is hot (setting it again is harmless);
 * the worker threads share it. An unknown flag would only be reported by V8 and ignored.
 */
import { setFlagsFromString } from 'node:v8';

export function tuneJit(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=460');
}
