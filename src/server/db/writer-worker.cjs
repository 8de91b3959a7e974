// A worker thread starts without the loader of the thread that made it (jest's transform, the
// tsx hook of bin/tianbao.js): it registers tsx itself, as the bin does, then runs the writer.
require("tsx/cjs");
require("./writer-thread.ts");
