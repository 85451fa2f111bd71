"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_ATTEMPTS = void 0;
exports.withRetry = withRetry;
const async_retry_1 = __importDefault(require("async-retry"));
const errors_1 = require("./errors");
exports.DEFAULT_ATTEMPTS = 6;
/**
 * The one retry policy for every S3 request: exponential backoff with jitter, only on
 * transient faults. The SDK's own retry layer is off (client.ts), so `attempts` is the
 * true number of requests a fault can cost.
 */
function withRetry(fn, opts = {}) {
    const attempts = opts.attempts ?? exports.DEFAULT_ATTEMPTS;
    return (0, async_retry_1.default)(async (bail, attempt) => {
        if (opts.signal?.aborted) {
            bail(opts.signal.reason);
            return undefined;
        }
        try {
            return await fn(attempt);
        }
        catch (err) {
            // async-retry schedules another attempt for anything thrown, even after bail():
            // bail and return instead, so a permanent error costs exactly one request.
            if (opts.signal?.aborted || !(0, errors_1.isTransient)(err)) {
                bail((opts.signal?.aborted ? opts.signal.reason : err));
                return undefined;
            }
            throw err;
        }
    }, {
        retries: attempts - 1,
        factor: 2,
        minTimeout: opts.minDelayMs ?? 100,
        maxTimeout: opts.maxDelayMs ?? 3000,
        randomize: true,
        onRetry: (err, attempt) => opts.onRetry?.(err, attempt),
    });
}
