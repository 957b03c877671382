// V8 flags for the server process, wherever it is started: `npm run serve` (package.json
// mirrors this list; a test keeps them equal), the desktop app's utilityProcess, the benchmarks
// and the tests.
//
// The young generation is pinned at 16 MB per semi-space (V8's usual maximum on 64-bit), the size
// the capacity figures were measured with, whatever V8's heap heuristics would pick. A smaller
// nursery looked better at 6,000 students on a busy machine, but at 15,000 on a quiet one (three
// runs each, bench/FINDINGS.md section 5) 2 MB cost more CPU (median 44% against 40% of one core:
// a scavenge every ~30 ms, 7% of a core in minor GC against 3%), raised the PROGRESS_SAVED p99
// (55 against 41 ms) and saved no memory (16.8 against 17.3 KiB per student).
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
