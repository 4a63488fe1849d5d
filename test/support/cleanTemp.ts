import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers.js';

// A setup file of both suites: each test file's temporary directories go when its tests end.
afterAll(removeTempDirs);
