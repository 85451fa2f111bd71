import * as nodeModule from 'node:module';

/**
 * Imported first by every filter: V8 keeps the code it compiled for our modules and the
 * SDK's on disk (os.tmpdir()/node-compile-cache), so the next run skips compiling them.
 * In `for d in …; do mxprobe "$d"; done` and `s3ls | xargs s3rm`, start-up is the cost:
 * compiling was a quarter of a one-request s3ls's CPU (issue 16). Node 22.1 and later
 * (the @types/node in use predates it); a cache that cannot be written is only slower.
 */
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
