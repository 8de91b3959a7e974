// A reader process that dies, killed from outside, as soon as it is given a file: neither an
// answer nor V8's report of an exhausted heap.
process.on("message", () => process.kill(process.pid, "SIGKILL"));
