#!/usr/bin/env node
import '../lib/cli/compile-cache';
