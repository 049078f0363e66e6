#!/usr/bin/env node
// kubectl's plugin for Pennant: kubectl runs any executable named kubectl-<name> found on PATH, so
// with this package installed `kubectl pennant status` is `pennant status`.
import './pennant.js';
