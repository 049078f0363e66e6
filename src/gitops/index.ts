export * from './write-back.js';
