/** The stream frames live in src/shared (the web app reads them with the same schemas); re-exported for the server's imports. */
export * from '../../shared/frames.js';
