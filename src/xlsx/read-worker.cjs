// A reader process starts without the loader of the process that made it (jest's transform, the
// tsx hook of bin/tianbao.js): it registers tsx itself, as the bin does, then runs the job.
require("tsx/cjs");
require("./read-job.ts");
