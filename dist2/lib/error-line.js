"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.errorLine = errorLine;
/** The one-line message for any error: the message itself, never a stack. */
function errorLine(err) {
    if (err instanceof Error)
        return err.message.split('\n')[0] || err.name;
    return String(err);
}
