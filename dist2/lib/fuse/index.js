"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InjectedFault = exports.injectFaults = exports.safeHandler = exports.safeOperations = exports.readContent = exports.RandTree = exports.MountError = exports.isMounted = exports.createRandfs = void 0;
/** randfs: an infinite, deterministic, read-only FUSE tree, and the wrapper that keeps a mount alive. */
var mount_1 = require("./mount");
Object.defineProperty(exports, "createRandfs", { enumerable: true, get: function () { return mount_1.createRandfs; } });
Object.defineProperty(exports, "isMounted", { enumerable: true, get: function () { return mount_1.isMounted; } });
Object.defineProperty(exports, "MountError", { enumerable: true, get: function () { return mount_1.MountError; } });
var randfs_1 = require("./randfs");
Object.defineProperty(exports, "RandTree", { enumerable: true, get: function () { return randfs_1.RandTree; } });
Object.defineProperty(exports, "readContent", { enumerable: true, get: function () { return randfs_1.readContent; } });
var safe_1 = require("./safe");
Object.defineProperty(exports, "safeOperations", { enumerable: true, get: function () { return safe_1.safeOperations; } });
Object.defineProperty(exports, "safeHandler", { enumerable: true, get: function () { return safe_1.safeHandler; } });
Object.defineProperty(exports, "injectFaults", { enumerable: true, get: function () { return safe_1.injectFaults; } });
Object.defineProperty(exports, "InjectedFault", { enumerable: true, get: function () { return safe_1.InjectedFault; } });
