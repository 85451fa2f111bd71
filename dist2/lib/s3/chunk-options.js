"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_JOBS = exports.DEFAULT_CHUNK_SIZE = void 0;
/** Chunk size and jobs: what the streams that cut or read chunk sets share. */
exports.DEFAULT_CHUNK_SIZE = 8 * 2 ** 20;
exports.DEFAULT_JOBS = 4;
