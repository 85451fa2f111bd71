#!/usr/bin/env -S node --max-semi-space-size=2 --no-incremental-marking
import '../lib/cli/compile-cache';
