/**
 * For processes a test run spawns (worker processes): their stdin is a pipe from the test process,
 * and when that process goes away (an interrupted or killed run) the pipe closes, so they exit too
 * instead of polling a task queue for ever.
 */
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
