/** The workflow schemas live in src/shared (the web app validates drafts with them); re-exported for the server's imports. */
export * from '../../shared/workflow-schema.js';
