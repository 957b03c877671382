// V8 flags for the server process, wherever it is started: `npm run serve` (package.json
// mirrors this list; a test keeps them equal), the desktop app's utilityProcess, the benchmarks
// and the tests.
//
// A young generation of 2 MB per semi-space instead of V8's default of up to 16 MB: the server
// allocates a little garbage per frame for thousands of sockets, and a large nursery shows up as
// resident memory for no gain. Measured by `npm run bench` at 6,000 students: 12.0 -> 10.3 KiB of
// RSS per student, server CPU unchanged (17% of one core in both runs).
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
